"""Local OCR with Debian's tesseract-ocr: pages rendered by pdfium, words read from its TSV output."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import unicodedata

import pypdfium2 as pdfium

from app.ocr.imaging import prepare
from app.parsing.layout import Word

#: Render resolution: tesseract reads 300 dpi scans best.
DPI = 300
#: Tesseract's own thread pool makes it several times slower on a small machine; the parse pool
#: already runs one document per core.
_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
#: Words tesseract is less sure of than this (0-100) are noise (stains, stamps, ruling lines).
_MIN_CONFIDENCE = 30.0


class TesseractError(RuntimeError):
    pass


def recognise_pdf(data: bytes, *, languages: str, max_pages: int) -> list[list[Word]]:
    """The words on each page of a scanned PDF, with boxes in PDF points from the top left (of the
    straightened page)."""
    document = pdfium.PdfDocument(data)
    try:
        pages = []
        for index in range(min(len(document), max_pages)):
            page = document[index]
            image = prepare(page.render(scale=DPI / 72, grayscale=True).to_pil())
            page.close()
            png = io.BytesIO()
            image.save(png, format="PNG")
            pages.append(_words(_run(png.getvalue(), languages), points_per_pixel=72 / DPI))
        return pages
    finally:
        document.close()


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
        raise TesseractError("tesseract is not installed (Debian package tesseract-ocr)") from exc
    if done.returncode != 0:
        raise TesseractError(f"tesseract failed with exit code {done.returncode}")
    return done.stdout.decode("utf-8", errors="replace")


def _words(tsv: str, *, points_per_pixel: float) -> list[Word]:
    words: list[Word] = []
    previous_line: tuple[str, ...] | None = None
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text or float(row.get("conf") or -1) < _MIN_CONFIDENCE:
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
