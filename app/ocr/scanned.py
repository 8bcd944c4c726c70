"""The parse task the pool runs: the core's parse, and for a scanned PDF the configured OCR engine."""

from __future__ import annotations

from dataclasses import dataclass

from app.ocr import tesseract
from app.parsing import ExtractedInvoice, parse_document, parse_recognised
from app.parsing.errors import ScannedDocumentNeedsOcr


@dataclass(frozen=True)
class OcrEngine:
    """Which engine reads scanned PDFs ("none" or "tesseract") and in which languages."""

    name: str = "none"
    languages: str = "eng"


NO_ENGINE = OcrEngine()


def parse_with_ocr(data: bytes | None, *, ocr: bytes | None, max_pages: int, engine: OcrEngine) -> ExtractedInvoice:
    """parse_document, except that a PDF without a text layer is recognised by ``engine``
    (with no engine the core's scanned_pdf_needs_ocr answer stands)."""
    try:
        return parse_document(data, ocr=ocr, max_pages=max_pages)
    except ScannedDocumentNeedsOcr:
        if engine.name != "tesseract" or data is None:
            raise
    try:
        pages = tesseract.recognise_pdf(data, languages=engine.languages, max_pages=max_pages)
    except tesseract.TesseractError as exc:
        raise ScannedDocumentNeedsOcr(
            "The PDF is scanned and the OCR engine could not read it. Send OCR output in the 'ocr' part."
        ) from exc
    return parse_recognised(pages)
