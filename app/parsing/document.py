"""The one entry point of the parsing core: document bytes in, ExtractedInvoice out."""

from __future__ import annotations

from decimal import Decimal

from app.parsing import fapiao, labels
from app.parsing.amounts import to_money
from app.parsing.currency import detect_currency
from app.parsing.dates import numeric_order_hint
from app.parsing.errors import EmptyDocument, UnsupportedDocument
from app.parsing.fields import find_due_date, find_invoice_date, find_invoice_number
from app.parsing.layout import Line
from app.parsing.lineitems import find_line_items
from app.parsing.model import ExtractedInvoice, ParseWarning
from app.parsing.parties import (
    buyer_below_sender_line,
    find_buyer,
    find_tax_ids,
    find_vendor,
    find_vendor_address,
    unlabelled_recipient,
)
from app.parsing.pdf import looks_like_pdf, read_text
from app.parsing.totals import summarise

#: Country cues that make ambiguous numeric dates (03/04/2024) month-first.
_MONTH_FIRST_CURRENCIES = {"USD"}
#: Currencies printed without minor units.
_WHOLE_UNIT_CURRENCIES = {"JPY", "KRW", "ISK"}


def parse_document(data: bytes, *, max_pages: int = 50) -> ExtractedInvoice:
    """Parse an invoice document. Raises a DocumentError subclass when the file cannot be used."""
    if not data.strip():
        raise EmptyDocument("The uploaded file is empty. Choose the invoice PDF and upload it again.")
    if not looks_like_pdf(data):
        raise UnsupportedDocument("The file is not a PDF. Upload the invoice as a PDF document.")
    text = read_text(data, max_pages=max_pages)
    invoice = ExtractedInvoice(input_format="pdf_text", pages=text.page_count)
    extract_fields(invoice, text.lines)
    return invoice


def _set(invoice: ExtractedInvoice, name: str, value: object, confidence: float) -> None:
    setattr(invoice, name, value)
    invoice.confidence[name] = confidence


def extract_fields(invoice: ExtractedInvoice, lines: list[Line]) -> None:
    """Fill ``invoice`` from the document's visual lines, then check it."""
    full_text = "\n".join(line.text for line in lines)
    currency, currency_confidence = detect_currency(full_text)
    if currency:
        _set(invoice, "currency", currency, currency_confidence)

    day_first = numeric_order_hint(full_text)
    if day_first is None and currency is not None:
        day_first = currency not in _MONTH_FIRST_CURRENCIES

    is_fapiao = fapiao.is_fapiao(full_text)
    if is_fapiao:
        _fapiao_parties(invoice, lines)
    else:
        _parties(invoice, lines)

    if number := find_invoice_number(lines):
        _set(invoice, "invoice_number", number.value, number.confidence)
    if issued := find_invoice_date(lines, day_first=day_first):
        _set(invoice, "invoice_date", issued.value, issued.confidence)
    if (due := find_due_date(lines, day_first=day_first)) and (issued is None or due.value >= issued.value):
        _set(invoice, "due_date", due.value, due.confidence)

    invoice.line_items = find_line_items(lines)
    amounts = [item.amount for item in invoice.line_items if item.amount is not None]
    items_total = sum(amounts, Decimal(0)) if amounts else None
    if is_fapiao:
        summary, warnings = fapiao.summarise(lines)
        invoice.warnings.extend(warnings)
    else:
        summary = summarise(lines, whole_units=currency in _WHOLE_UNIT_CURRENCIES, items_total=items_total)
    if summary.total is not None and summary.total > 0 and labels.CREDIT_NOTE_TITLE.search(full_text):
        summary.negate()
    for name, value in summary.invoice_fields().items():
        _set(invoice, name, to_money(value), summary.confidence[name])
    if summary.total is not None and not summary.consistent:
        invoice.warnings.append(
            ParseWarning(
                code="totals_mismatch",
                message="The printed subtotal, discount, shipping and tax do not add up to the total.",
            )
        )
    _check_line_items(invoice)
    for name in invoice.missing_required():
        invoice.warnings.append(
            ParseWarning(code="field_not_found", message=f"{name} was not found; please check the document.")
        )


def _parties(invoice: ExtractedInvoice, lines: list[Line]) -> None:
    buyer = find_buyer(lines)
    if buyer:
        _set(invoice, "buyer", buyer.value, buyer.confidence)
    if vendor := find_vendor(lines, buyer=buyer.value if buyer else None):
        _set(invoice, "vendor", vendor.value, vendor.confidence)
        if address := find_vendor_address(lines, vendor.value):
            _set(invoice, "vendor_address", address.value, address.confidence)
        if buyer is None:
            buyer = buyer_below_sender_line(lines, vendor.value) or unlabelled_recipient(lines, vendor.value)
            if buyer:
                _set(invoice, "buyer", buyer.value, buyer.confidence)
    tax_ids = find_tax_ids(lines, buyer=buyer.value if buyer else None)
    for name, found in zip(("vendor_tax_id", "buyer_tax_id"), tax_ids, strict=True):
        if found:
            _set(invoice, name, found.value, found.confidence)


def _fapiao_parties(invoice: ExtractedInvoice, lines: list[Line]) -> None:
    parties = fapiao.find_parties(lines)
    for role, prefix in (("seller", "vendor"), ("buyer", "buyer")):
        party = parties[role]
        for name, found in ((prefix, party.name), (f"{prefix}_tax_id", party.tax_id)):
            if found:
                _set(invoice, name, found.value, found.confidence)


def _check_line_items(invoice: ExtractedInvoice) -> None:
    amounts = [item.amount for item in invoice.line_items if item.amount is not None]
    if not amounts or invoice.subtotal is None:
        return
    if sum(amounts, Decimal(0)) != invoice.subtotal:
        invoice.warnings.append(
            ParseWarning(code="line_items_mismatch", message="The line items do not add up to the subtotal.")
        )
