"""What the local OCR engines share: a scanned PDF's pages, and a page as an engine read it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pypdfium2 as pdfium

from app.parsing.layout import Word


class OcrFailed(RuntimeError):
    """A local OCR engine is missing or could not read a page; the message says which."""


@dataclass(frozen=True)
class Reading:
    """One page's words (boxes in PDF points from the top left) and the engine's confidence in
    them, from 0 to 1, averaged over their characters."""

    words: list[Word]
    confidence: float


def each_page(data: bytes, *, max_pages: int) -> Iterator[pdfium.PdfPage]:
    """The first ``max_pages`` pages of a PDF, each closed after use."""
    document = pdfium.PdfDocument(data)
    try:
        for index in range(min(len(document), max_pages)):
            page = document[index]
            try:
                yield page
            finally:
                page.close()
    finally:
        document.close()


def mean_confidence(scored: list[tuple[str, float]]) -> float:
    """The confidence of (text, confidence) pieces averaged over their characters (0 for none)."""
    characters = sum(len(text) for text, _ in scored)
    return sum(len(text) * confidence for text, confidence in scored) / characters if characters else 0.0
