"""Words and lines built from pdfium: they must agree with pdfium's own text of the page."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from app.parsing import parse_document
from app.parsing.layout import Word, group_lines, page_words
from bench.layout import differences, pdf_paths, pdfium_words
from tests.conftest import need
from tests.pdfs import poor_metrics_pdf

#: A letterhead with emoji (each two UTF-16 units in pdfium's count) before the invoice's data.
LETTERHEAD = [
    (50, 790, b"Bureau Dupont SARL"),
    (50, 776, b"\x01 +33 1 23 45 67 89  \x01 +33 6 00 00 00 00"),
    (50, 740, b"Invoice No. FA-2017-0010"),
    (50, 725, b"Invoice date: 16/11/2017"),
    (50, 700, b"Total due: 1,234.56 EUR"),
]


@pytest.fixture
def page() -> pdfium.PdfPage:
    return pdfium.PdfDocument(poor_metrics_pdf(LETTERHEAD))[0]


def test_words_are_pdfiums_words(page: pdfium.PdfPage) -> None:
    words = [word.text for word in page_words(page)]
    assert words == pdfium_words(page)
    assert "16/11/2017" in words and "FA-2017-0010" in words


def test_boxes_after_an_emoji_are_the_words_own(page: pdfium.PdfPage) -> None:
    """Each word's box starts where its first glyph is drawn, even after characters beyond the BMP."""
    lines = group_lines(page_words(page), 0)
    texts = [line.text for line in lines]
    assert texts[-2:] == ["Invoice date: 16/11/2017", "Total due: 1,234.56 EUR"]
    date = next(word for word in page_words(page) if word.text == "16/11/2017")
    label = next(word for word in page_words(page) if word.text == "date:")
    assert date.x0 > label.x1 and date.x1 - date.x0 > 20


def test_a_poor_metrics_invoice_is_read() -> None:
    invoice = parse_document(poor_metrics_pdf(LETTERHEAD))
    assert invoice.invoice_number == "FA-2017-0010"
    assert str(invoice.invoice_date) == "2017-11-16"


def test_every_corpus_pdf_agrees_with_pdfium() -> None:
    """The self-check of bench/layout.py over every corpus: no PDF's words differ from pdfium's."""
    paths = pdf_paths()
    need(len(paths) > 50, "the corpora beside the project (../shared/corpus*)")
    assert {path.name: found[:2] for path in paths if (found := differences(path))} == {}


def _row(top: float, texts: list[str], gap: float, height: float = 6.0, char: float = 3.0) -> list[Word]:
    words, x = [], 50.0
    for text in texts:
        words.append(Word(text, x, top, x + char * len(text), top + height))
        x += char * len(text) + gap
    return words


def test_phrases_of_an_ocr_text_layer_stay_one_cell() -> None:
    """OCR software may lay its words over a scan in a narrower font: every gap between word boxes
    is wide (here 1.6 character heights), and only a gap much wider than the usual one splits cells."""
    phrases = [["Account", "number:"], ["Customer", "service", "line"], ["Invoice", "date:"]] * 4
    words = [word for row, texts in enumerate(phrases) for word in _row(20.0 * row, texts, gap=9.6)]
    words += [*_row(300.0, ["Total", "due:"], gap=9.6), Word("$220.16", 300.0, 300.0, 330.0, 306.0)]
    lines = group_lines(words, 0)
    assert [cell.text for cell in lines[0].cells] == ["Account number:"]
    assert [cell.text for cell in lines[-1].cells] == ["Total due:", "$220.16"]


def test_a_typeset_page_splits_cells_at_a_modest_gap() -> None:
    phrases = [["Account", "number:"], ["Customer", "service", "line"]] * 6
    words = [word for row, texts in enumerate(phrases) for word in _row(20.0 * row, texts, gap=1.8)]
    words += [*_row(300.0, ["Invoice", "date:"], gap=1.8), Word("13.12.2019", 124.0, 300.0, 154.0, 306.0)]
    assert [cell.text for cell in group_lines(words, 0)[-1].cells] == ["Invoice date:", "13.12.2019"]
