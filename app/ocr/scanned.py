"""The parse tasks the pool runs: the core's parse, a scanned PDF read by the local OCR engine, and
a scanned PDF whose text a remote OCR service returned."""

from __future__ import annotations

from dataclasses import dataclass

from app.ocr import tesseract
from app.parsing import ExtractedInvoice, parse_document, parse_recognised
from app.parsing.errors import InvalidOcr, ScannedDocumentNeedsOcr
from app.parsing.pdf import read_text


@dataclass(frozen=True)
class OcrEngine:
    """Which engine reads scanned PDFs ("none", "tesseract" or "baidu") and, for Tesseract, in which
    languages. A remote engine is not called from the pool: see parse_remote_result."""

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


def parse_remote_result(data: bytes, result: bytes, *, max_pages: int) -> ExtractedInvoice:
    """A scanned PDF's fields from the VAT invoice JSON a remote OCR service returned for it."""
    try:
        invoice = parse_document(None, ocr=result)
    except InvalidOcr as exc:
        raise ScannedDocumentNeedsOcr(
            "The OCR service's answer for this scan could not be used. Send OCR output in the 'ocr' part."
        ) from exc
    pages = read_text(data, max_pages=max_pages).page_count
    return invoice.model_copy(update={"input_format": "pdf_scanned", "pages": pages})
