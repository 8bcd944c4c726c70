"""Reading Tesseract's TSV: boxes to points, noise dropped, CJK characters joined into runs."""

from __future__ import annotations

from app.ocr.tesseract import _words

HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"


def _row(line: int, left: int, width: int, conf: float, text: str) -> str:
    return f"5\t1\t1\t1\t{line}\t1\t{left}\t100\t{width}\t40\t{conf}\t{text}\n"


def test_chinese_characters_of_one_run_are_one_word_and_gaps_still_split() -> None:
    tsv = HEADER + "".join(
        [
            _row(1, 0, 40, 90, "发"),
            _row(1, 44, 40, 90, "票"),
            _row(1, 88, 40, 90, "号"),
            _row(1, 132, 40, 90, "码"),
            _row(1, 300, 200, 90, "24512000000031415926"),
            _row(2, 0, 40, 90, "名"),
            _row(1, 600, 40, 10, "ニ"),
        ]
    )
    words = _words(tsv, points_per_pixel=0.5)
    assert [w.text for w in words] == ["发票号码", "24512000000031415926", "名"]
    assert (words[0].x0, words[0].x1, words[0].top, words[0].bottom) == (0, 86, 50, 70)
