"""Local OCR with Debian's tesseract-ocr: pages rendered by pdfium, words read from its TSV output."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import unicodedata
from collections.abc import Iterator

import pypdfium2 as pdfium

from app.ocr.imaging import prepare
from app.ocr.pages import OcrFailed, Reading, mean_confidence
from app.parsing.layout import Word

#: Render resolution: tesseract reads 300 dpi scans best.
DPI = 300
#: Tesseract's own thread pool makes it several times slower on a small machine; the parse pool
#: already runs one document per core.
_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
#: Words tesseract is less sure of than this (0-100) are noise (stains, stamps, ruling lines).
_MIN_CONFIDENCE = 30.0


def read_page(page: pdfium.PdfPage, *, languages: str) -> Reading:
    """The words on a scanned page, with boxes in PDF points from the top left (of the
    straightened page), and tesseract's confidence in all it read there (noise included)."""
    image = prepare(page.render(scale=DPI / 72, grayscale=True).to_pil())
    png = io.BytesIO()
    image.save(png, format="PNG")
    tsv = _run(png.getvalue(), languages)
    return Reading(_words(tsv, points_per_pixel=72 / DPI), mean_confidence(list(_scored(tsv))))


def installed_languages() -> set[str]:
    """The language packs tesseract has (none when it is not installed)."""
    try:
        done = subprocess.run(["tesseract", "--list-langs"], capture_output=True, check=False, env=_ENV)
    except FileNotFoundError:
        return set()
    if done.returncode != 0:
        return set()
    # The first line is a heading ("List of available languages in ...").
    return {line.strip() for line in done.stdout.decode("utf-8", errors="replace").splitlines()[1:] if line.strip()}


def _run(image: bytes, languages: str) -> str:
    try:
        done = subprocess.run(
            # Sparse-text segmentation: every word with its box, in no particular order; the field
            # finders build lines and cells from the boxes, as for a text PDF.
            ["tesseract", "stdin", "stdout", "-l", languages, "--psm", "11", "tsv"],
            input=image,
            capture_output=True,
            env=_ENV,
            check=False,
        )
    except FileNotFoundError as exc:
        raise OcrFailed("tesseract is not installed (Debian package tesseract-ocr)") from exc
    if done.returncode != 0:
        raise OcrFailed(f"tesseract failed with exit code {done.returncode}")
    return done.stdout.decode("utf-8", errors="replace")


def _rows(tsv: str) -> Iterator[dict[str, str]]:
    """TSV rows of recognised words (level 5) with text."""
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") == "5" and (row.get("text") or "").strip():
            yield row


def _scored(tsv: str) -> Iterator[tuple[str, float]]:
    for row in _rows(tsv):
        yield row["text"].strip(), max(float(row.get("conf") or 0), 0.0) / 100


def _words(tsv: str, *, points_per_pixel: float) -> list[Word]:
    words: list[Word] = []
    previous_line: tuple[str, ...] | None = None
    for row in _rows(tsv):
        text = row["text"].strip()
        if float(row.get("conf") or -1) < _MIN_CONFIDENCE:
            continue
        left, top = float(row["left"]), float(row["top"])
        width, height = float(row["width"]), float(row["height"])
        word = Word(
            text=text,
            x0=left * points_per_pixel,
            top=top * points_per_pixel,
            x1=(left + width) * points_per_pixel,
            bottom=(top + height) * points_per_pixel,
        )
        line = (row["block_num"], row["par_num"], row["line_num"])
        if words and line == previous_line and _continues_cjk(words[-1], word):
            word = _joined(words.pop(), word)
        words.append(word)
        previous_line = line
    return words


def _is_cjk(character: str) -> bool:
    return unicodedata.name(character, "").startswith(("CJK", "FULLWIDTH", "IDEOGRAPHIC", "HIRAGANA", "KATAKANA"))


def _continues_cjk(before: Word, after: Word) -> bool:
    """Tesseract returns Chinese and Japanese text a character per word; characters of one run
    (a gap under a character's height) belong together, as in a text PDF."""
    gap = after.x0 - before.x1
    return _is_cjk(before.text[-1]) and _is_cjk(after.text[0]) and gap < after.height


def _joined(before: Word, after: Word) -> Word:
    return Word(
        text=before.text + after.text,
        x0=before.x0,
        top=min(before.top, after.top),
        x1=after.x1,
        bottom=max(before.bottom, after.bottom),
    )
