"""The one entry point of the parsing core: document bytes in, ExtractedInvoice out."""

from __future__ import annotations

from app.parsing.amounts import to_money
from app.parsing.currency import detect_currency
from app.parsing.dates import numeric_order_hint
from app.parsing.errors import EmptyDocument, UnsupportedDocument
from app.parsing.fields import find_invoice_date, find_invoice_number, find_total
from app.parsing.model import ExtractedInvoice, ParseWarning
from app.parsing.pdf import looks_like_pdf, read_text

#: Country cues that make ambiguous numeric dates (03/04/2024) month-first.
_MONTH_FIRST_CURRENCIES = {"USD"}


def parse_document(data: bytes, *, max_pages: int = 50) -> ExtractedInvoice:
    """Parse an invoice document. Raises a DocumentError subclass when the file cannot be used."""
    if not data.strip():
        raise EmptyDocument("The uploaded file is empty. Choose the invoice PDF and upload it again.")
    if not looks_like_pdf(data):
        raise UnsupportedDocument("The file is not a PDF. Upload the invoice as a PDF document.")
    text = read_text(data, max_pages=max_pages)
    lines = text.lines
    full_text = "\n".join(lines)

    invoice = ExtractedInvoice(input_format="pdf_text", pages=text.page_count)
    currency, currency_confidence = detect_currency(full_text)
    if currency:
        invoice.currency = currency
        invoice.confidence["currency"] = currency_confidence

    day_first = numeric_order_hint(full_text)
    if day_first is None and currency is not None:
        day_first = currency not in _MONTH_FIRST_CURRENCIES

    if number := find_invoice_number(lines):
        invoice.invoice_number = number.value
        invoice.confidence["invoice_number"] = number.confidence
    if issued := find_invoice_date(lines, day_first=day_first):
        invoice.invoice_date = issued.value
        invoice.confidence["invoice_date"] = issued.confidence
    if total := find_total(lines):
        invoice.total_amount = to_money(total.value)
        invoice.confidence["total_amount"] = total.confidence

    for name in invoice.missing_required():
        invoice.warnings.append(
            ParseWarning(code="field_not_found", message=f"{name} was not found; please check the document.")
        )
    return invoice
