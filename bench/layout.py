"""The layout self-check: the words app/parsing/layout.py builds must be pdfium's own words.

    python -m bench.layout

For every PDF of every corpus, compares the words of each page with pdfium's text of that page
split at whitespace (the segmentation pdfium makes from glyph positions), and prints the share of
PDFs that agree and the first differences of those that do not.
"""

from __future__ import annotations

import difflib
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium

from app.parsing.layout import page_words
from bench.corpus import available, entries


def pdfium_words(page: pdfium.PdfPage) -> list[str]:
    """pdfium's text of the page, NFKC-normalised as the layout's words are, split at whitespace."""
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
    finally:
        textpage.close()
    return unicodedata.normalize("NFKC", text.replace("\ufffe", " ")).split()


def differences(path: Path) -> list[tuple[list[str], list[str]]]:
    """(pdfium's words, the layout's words) for each stretch where a PDF's two segmentations differ."""
    document = pdfium.PdfDocument(path.read_bytes())
    try:
        expected: list[str] = []
        built: list[str] = []
        for page in document:
            expected += pdfium_words(page)
            built += [word.text for word in page_words(page)]
    finally:
        document.close()
    matcher = difflib.SequenceMatcher(None, expected, built, autojunk=False)
    return [(expected[a:b], built[c:d]) for tag, a, b, c, d in matcher.get_opcodes() if tag != "equal"]


def pdf_paths() -> list[Path]:
    """Every PDF of every corpus found beside the project."""
    paths = {entry.path for name in available() for entry in entries(corpus=name)}
    return sorted(path for path in paths if path.suffix.lower() == ".pdf")


def main() -> None:
    paths = pdf_paths()
    disagreeing = [(path, found) for path in paths if (found := differences(path))]
    print(f"Layout self-check: {len(paths) - len(disagreeing)}/{len(paths)} PDFs' words equal pdfium's words")
    for path, found in disagreeing:
        print(f"  {path.name}: {found[:3]}")


if __name__ == "__main__":
    main()
