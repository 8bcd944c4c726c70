"""The parse tasks the pool runs: the core's parse, a scanned PDF read by the local OCR engines, and
a scanned PDF whose text a remote OCR service returned.

OCR_ENGINE=auto reads scans with the local engines that are installed. With both, Tesseract reads
each page first and RapidOCR reads it again when Tesseract was unsure of it (confidence under
UNSURE, as on a rotated page or a photo) or found Chinese on it (PP-OCR's models are trained on
Chinese). Measured on the corpora's scans (bench/ocr.py), Tesseract reads European pages better
(RapidOCR's model has no €, £, ö or ß, and misses accents and some spaces); RapidOCR reads
Chinese better, and turns rotated pages upright.
"""

from __future__ import annotations

import importlib.util
import shutil
import unicodedata
from dataclasses import dataclass

import pypdfium2 as pdfium

from app.ocr import rapid, tesseract
from app.ocr.pages import OcrFailed, Reading, each_page
from app.parsing import ExtractedInvoice, parse_document, parse_recognised
from app.parsing.errors import InvalidOcr, ScannedDocumentNeedsOcr
from app.parsing.layout import Word
from app.parsing.pdf import read_codes, read_text

#: The local engines, in the order "auto" prefers them.
LOCAL_ENGINES = ("tesseract", "rapidocr")
#: Below this confidence (0-1, over characters) Tesseract's reading of a page is replaced.
UNSURE = 0.75
#: A page whose text is at least this share of Chinese characters is read by RapidOCR.
CHINESE = 0.2


@dataclass(frozen=True)
class OcrEngine:
    """Which engine reads scanned PDFs ("none", "auto", "tesseract", "rapidocr" or "baidu") and,
    for Tesseract, in which languages. A remote engine is not called from the pool: see
    parse_remote_result."""

    name: str = "none"
    languages: str = "eng"

    @property
    def readers(self) -> tuple[str, ...]:
        """The local engines this one reads with ("auto": those installed)."""
        if self.name == "auto":
            return installed_engines()
        return (self.name,) if self.name in LOCAL_ENGINES else ()

    @property
    def description(self) -> str:
        """What GET / reports: the engines in use, e.g. "tesseract+rapidocr", or "none"."""
        return "+".join(self.readers) or ("baidu" if self.name == "baidu" else "none")


NO_ENGINE = OcrEngine()


def installed_engines() -> tuple[str, ...]:
    """The local engines installed here, in order of preference (cheap: nothing is loaded)."""
    found = {
        "tesseract": shutil.which("tesseract") is not None,
        "rapidocr": importlib.util.find_spec("rapidocr_onnxruntime") is not None,
    }
    return tuple(name for name in LOCAL_ENGINES if found[name])


def check_engine(engine: OcrEngine) -> None:
    """Raise OcrFailed unless every engine ``engine`` reads with can be used here (RapidOCR's models
    are loaded, so run this in the process that will read)."""
    for name in engine.readers:
        if name == "rapidocr":
            rapid.engine()
            continue
        missing = set(engine.languages.split("+")) - tesseract.installed_languages()
        if missing:
            raise OcrFailed(f"tesseract or its languages are not installed: {', '.join(sorted(missing))}")


def parse_with_ocr(data: bytes | None, *, ocr: bytes | None, max_pages: int, engine: OcrEngine) -> ExtractedInvoice:
    """parse_document, except that a PDF without a text layer is recognised by ``engine``
    (with no engine the core's scanned_pdf_needs_ocr answer stands)."""
    try:
        return parse_document(data, ocr=ocr, max_pages=max_pages)
    except ScannedDocumentNeedsOcr:
        readers = engine.readers
        if not readers or data is None:
            raise
    try:
        pages = [_read(page, readers, engine.languages) for page in each_page(data, max_pages=max_pages)]
    except OcrFailed as exc:
        raise ScannedDocumentNeedsOcr(
            "The PDF is scanned and the OCR engine could not read it. Send OCR output in the 'ocr' part."
        ) from exc
    return parse_recognised(pages, read_codes(data, max_pages=max_pages))


def _read(page: pdfium.PdfPage, readers: tuple[str, ...], languages: str) -> list[Word]:
    reading = _reading(page, readers[0], languages)
    if readers[1:] and (reading.confidence < UNSURE or _chinese_share(reading) >= CHINESE):
        reading = _reading(page, readers[1], languages)
    return reading.words


def _reading(page: pdfium.PdfPage, reader: str, languages: str) -> Reading:
    return rapid.read_page(page) if reader == "rapidocr" else tesseract.read_page(page, languages=languages)


def _chinese_share(reading: Reading) -> float:
    characters = [character for word in reading.words for character in word.text]
    chinese = sum(unicodedata.name(character, "").startswith("CJK UNIFIED IDEOGRAPH") for character in characters)
    return chinese / len(characters) if characters else 0.0


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
