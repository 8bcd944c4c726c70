"""The PDF text layer, read with pdfium: fast, and it refuses damaged or locked files early."""

from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from app.parsing.einvoice import embedded_xml
from app.parsing.errors import CorruptDocument, EncryptedDocument, TooManyPages
from app.parsing.layout import Line, group_lines, page_words
from app.parsing.qr import PrintedCode, codes_on, pages_to_search

PDF_MAGIC = b"%PDF-"
#: The PDF spec lets a header start anywhere in the first 1024 bytes.
HEADER_WINDOW = 1024


def looks_like_pdf(data: bytes) -> bool:
    return PDF_MAGIC in data[:HEADER_WINDOW]


@dataclass(frozen=True)
class PdfText:
    """The visual lines of every page (see layout.py), top to bottom, and the e-invoice XML the
    PDF carries as an attachment (Factur-X, ZUGFeRD, XRechnung), if any."""

    pages: list[list[Line]]
    embedded_xml: bytes | None = None
    codes: tuple[PrintedCode, ...] = ()

    @property
    def has_text(self) -> bool:
        return any(self.pages)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def lines(self) -> list[Line]:
        return [line for page in self.pages for line in page]


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedDocument(
                "The PDF is password-protected. Remove the password (print or save it unprotected) and upload it again."
            ) from None
        raise CorruptDocument(
            "The PDF is damaged or truncated and cannot be read. Export or download it again and retry."
        ) from None


def read_text(data: bytes, *, max_pages: int) -> PdfText:
    """Open a PDF and return its text lines (none for a scan), the QR codes on its first and last
    pages and its embedded e-invoice XML; raise a DocumentError for files that cannot be used."""
    document = _open(data)
    try:
        page_count = _checked_count(document, max_pages)
        searched = pages_to_search(page_count)
        pages: list[list[Line]] = []
        codes: list[PrintedCode] = []
        for index in range(page_count):
            page = _page(document, index)
            pages.append(group_lines(page_words(page), index))
            if index in searched and pages[-1]:  # a scan's codes are read beside its OCR (read_codes)
                codes += codes_on(page, index)
            page.close()
        return PdfText(pages=pages, embedded_xml=embedded_xml(document), codes=tuple(codes))
    finally:
        document.close()


def read_codes(data: bytes, *, max_pages: int) -> list[PrintedCode]:
    """The QR codes on a PDF's first and last pages (a scan's, whose text comes from OCR)."""
    document = _open(data)
    try:
        codes: list[PrintedCode] = []
        for index in pages_to_search(_checked_count(document, max_pages)):
            page = _page(document, index)
            codes += codes_on(page, index)
            page.close()
        return codes
    finally:
        document.close()


def _checked_count(document: pdfium.PdfDocument, max_pages: int) -> int:
    page_count = len(document)
    if page_count == 0:
        raise CorruptDocument("The PDF has no pages.")
    if page_count > max_pages:
        raise TooManyPages(
            f"The PDF has {page_count} pages; at most {max_pages} are accepted per invoice. "
            "Split it and upload the invoice pages only."
        )
    return page_count


def _page(document: pdfium.PdfDocument, index: int) -> pdfium.PdfPage:
    try:
        return document[index]
    except pdfium.PdfiumError:  # the page tree names an object the file does not hold
        raise CorruptDocument(
            f"Page {index + 1} of the PDF is missing or damaged. Export or download it again and retry."
        ) from None
