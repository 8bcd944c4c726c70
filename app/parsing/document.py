"""The one entry point of the parsing core: document bytes in, ExtractedInvoice out."""

from __future__ import annotations

from decimal import Decimal

from app.parsing import fapiao, labels
from app.parsing.amounts import in_range, to_money
from app.parsing.codes import apply_codes
from app.parsing.currency import detect_currency
from app.parsing.dates import numeric_order_hint
from app.parsing.einvoice import looks_like_xml, read_xml
from app.parsing.errors import (
    ArchiveNotDocument,
    EmptyDocument,
    MessageNotDocument,
    ScannedDocumentNeedsOcr,
    UnsupportedDocument,
)
from app.parsing.fields import Found, find_due_date, find_invoice_date, find_invoice_number
from app.parsing.identifiers import CODES as IDENTIFIER_CODES
from app.parsing.identifiers import check_identifiers
from app.parsing.layout import Line, Word, group_lines
from app.parsing.lineitems import find_line_items
from app.parsing.messages import looks_like_message
from app.parsing.misreads import restore
from app.parsing.model import AMOUNT_FIELDS, MAX_LINE_ITEMS, ExtractedInvoice, ParseWarning
from app.parsing.ocr_input import read_ocr
from app.parsing.parties import (
    buyer_below_sender_line,
    find_buyer,
    find_tax_ids,
    find_vendor_address,
    unlabelled_recipient,
)
from app.parsing.payment import find_payment
from app.parsing.pdf import looks_like_pdf, read_text
from app.parsing.provenance import locate
from app.parsing.qr import PrintedCode
from app.parsing.sections import find_sections
from app.parsing.totals import summarise
from app.parsing.vendor import find_vendor

#: How a ZIP archive (or an empty one) starts, whatever it holds.
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
#: Country cues that make ambiguous numeric dates (03/04/2024) month-first.
_MONTH_FIRST_CURRENCIES = {"USD"}
#: Currencies printed without minor units.
_WHOLE_UNIT_CURRENCIES = {"JPY", "KRW", "ISK"}


def parse_document(data: bytes | None, *, ocr: bytes | None = None, max_pages: int = 50) -> ExtractedInvoice:
    """Parse an invoice: a PDF (text, Factur-X/ZUGFeRD/XRechnung), a CII or UBL XML file, or OCR
    output (``ocr``, alone or beside the PDF it was made from, in which case the fields come from
    the OCR). Raises a DocumentError subclass when the input cannot be used."""
    if data is not None and data.startswith(_ZIP_MAGIC):
        raise ArchiveNotDocument("The file is a ZIP archive, not one invoice. Send archives to the bulk upload.")
    if data is not None and looks_like_message(data):
        raise MessageNotDocument(
            "The file is an e-mail, which may carry several invoices. Send it to POST "
            "/api/v2/invoices/bulk, which parses every invoice attached to it."
        )
    if ocr is not None and ocr.strip():
        if data is not None and data.strip() and not (looks_like_pdf(data) or looks_like_xml(data)):
            raise UnsupportedDocument(
                "The file beside the OCR output is not a PDF or an e-invoice XML. Send the invoice the OCR "
                "was made from, or the OCR output alone."
            )
        invoice, lines = read_ocr(ocr)
        if lines is not None:
            extract_fields(invoice, lines)
        return _checked(invoice, structured=lines is None)
    if data is None or not data.strip():
        raise EmptyDocument("The uploaded file is empty. Choose the invoice PDF and upload it again.")
    if looks_like_pdf(data):
        invoice = _from_pdf(data, max_pages=max_pages)
        return _checked(invoice, structured=invoice.input_format == "facturx")
    if looks_like_xml(data):
        return _checked(read_xml(data), structured=True)
    raise UnsupportedDocument(
        "The file is not a PDF or an e-invoice XML. Upload the invoice as a PDF (or CII/UBL XML); "
        "OCR output goes in the 'ocr' part."
    )


def parse_recognised(pages: list[list[Word]], codes: list[PrintedCode] | None = None) -> ExtractedInvoice:
    """Parse the words an OCR engine recognised on a scanned PDF's pages (boxes in points, top-left
    origin, like the text layer's), through the same field finders as a text PDF, and settle them
    with the QR ``codes`` found on the scan."""
    lines = [line for index, words in enumerate(pages) for line in group_lines(restore(words), index)]
    invoice = ExtractedInvoice(input_format="pdf_scanned", pages=len(pages))
    if not lines:
        raise ScannedDocumentNeedsOcr("The OCR engine found no text on the scanned pages. Check the scan's quality.")
    extract_fields(invoice, lines)
    locate(invoice, lines)
    apply_codes(invoice, codes or [])
    return _checked(invoice)


def _from_pdf(data: bytes, *, max_pages: int) -> ExtractedInvoice:
    text = read_text(data, max_pages=max_pages)
    if text.embedded_xml is not None:
        invoice = read_xml(text.embedded_xml)
        invoice.input_format, invoice.pages = "facturx", text.page_count
        if text.has_text:
            visible = ExtractedInvoice(input_format="pdf_text")
            extract_fields(visible, text.lines)
            invoice.warnings.extend(_disagreements(invoice, visible))
            locate(invoice, text.lines)  # the XML's values, where the page prints them
        apply_codes(invoice, list(text.codes))
        return invoice
    if not text.has_text:
        raise ScannedDocumentNeedsOcr(
            "The PDF has no text layer (it looks scanned). Send OCR output in the 'ocr' part, "
            "or ask the operator to enable an OCR engine."
        )
    invoice = ExtractedInvoice(input_format="pdf_text", pages=text.page_count)
    extract_fields(invoice, text.lines)
    locate(invoice, text.lines)
    apply_codes(invoice, list(text.codes))
    return invoice


#: Fields compared between an e-invoice's XML and its visible text.
_CROSS_CHECKED = ("invoice_number", "invoice_date", "due_date", "currency", "tax_amount", "total_amount")


def _disagreements(xml: ExtractedInvoice, visible: ExtractedInvoice) -> list[ParseWarning]:
    """A warning per field the visible text states differently from the XML (the XML wins)."""
    differing = [
        name
        for name in _CROSS_CHECKED
        if getattr(visible, name) is not None
        and getattr(xml, name) is not None
        and getattr(visible, name) != getattr(xml, name)
    ]
    if not differing:
        return []
    return [
        ParseWarning(
            code="xml_text_mismatch",
            message="The embedded XML and the visible invoice differ in: "
            + ", ".join(differing)
            + ". The XML was used.",
            fields=differing,
        )
    ]


def _checked(invoice: ExtractedInvoice, *, structured: bool = False) -> ExtractedInvoice:
    """Run the document's own checks and flag missing required fields. Text extraction checks
    its totals while choosing them; ``structured`` input (XML, named OCR fields) is checked here."""
    _drop_out_of_range(invoice)
    if len(invoice.line_items) > MAX_LINE_ITEMS:
        invoice.warnings.append(
            ParseWarning(
                code="too_many_line_items",
                message=f"The document lists {len(invoice.line_items):,} line items; the first "
                f"{MAX_LINE_ITEMS:,} are kept.",
            )
        )
        del invoice.line_items[MAX_LINE_ITEMS:]
    if structured:
        _check_totals(invoice)
    _check_line_items(invoice)
    check_identifiers(invoice)
    for name in invoice.missing_required():
        invoice.warnings.append(
            ParseWarning(code="field_not_found", message=f"{name} was not found; please check the document.")
        )
    return invoice


def _drop_out_of_range(invoice: ExtractedInvoice) -> None:
    """Amounts of 15 or more integer digits (XML and OCR JSON state figures as they like) are
    nulled with a warning: no invoice carries them, and stored they break every sum."""
    dropped = [name for name in AMOUNT_FIELDS if not in_range(getattr(invoice, name))]
    for name in dropped:
        setattr(invoice, name, None)
        invoice.confidence.pop(name, None)
    for item in invoice.line_items:
        for name in ("quantity", "unit_price", "amount"):
            if not in_range(getattr(item, name)):
                setattr(item, name, None)
                dropped.append(f"line_items.{name}")
    if dropped:
        invoice.warnings.append(
            ParseWarning(
                code="amount_out_of_range",
                message="An amount of 15 or more digits was left empty; please check the document.",
            )
        )


#: Warnings the checks below give, dropped before they run again.
_CHECK_CODES = frozenset({"totals_mismatch", "line_items_mismatch", "field_not_found", *IDENTIFIER_CODES})


def recheck(invoice: ExtractedInvoice) -> None:
    """Run the checks again after a person changed a field: totals, line items, required fields."""
    invoice.warnings = [warning for warning in invoice.warnings if warning.code not in _CHECK_CODES]
    _checked(invoice, structured=True)


def _set(invoice: ExtractedInvoice, name: str, value: object, confidence: float) -> None:
    setattr(invoice, name, value)
    invoice.confidence[name] = confidence


def extract_fields(invoice: ExtractedInvoice, lines: list[Line]) -> None:
    """Fill ``invoice`` from the document's visual lines."""
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

    for name, found in find_payment(lines, invoice_number=invoice.invoice_number).items():
        _set(invoice, name, found.value, found.confidence)

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


def _parties(invoice: ExtractedInvoice, lines: list[Line]) -> None:
    sections = {section.role: section for section in reversed(find_sections(lines))}  # the first of each role
    seller, buyer_section = sections.get("seller"), sections.get("buyer")
    buyer = Found(buyer_section.name, 0.9) if buyer_section and buyer_section.name else find_buyer(lines)
    if buyer:
        _set(invoice, "buyer", buyer.value, buyer.confidence)
    vendor = Found(seller.name, 0.9) if seller and seller.name else None
    if vendor := vendor or find_vendor(lines, buyer=buyer.value if buyer else None):
        _set(invoice, "vendor", vendor.value, vendor.confidence)
        if address := find_vendor_address(lines, vendor.value):
            _set(invoice, "vendor_address", address.value, address.confidence)
        if buyer is None:
            buyer = buyer_below_sender_line(lines, vendor.value) or unlabelled_recipient(lines, vendor.value)
            if buyer:
                _set(invoice, "buyer", buyer.value, buyer.confidence)
    tax_ids = list(find_tax_ids(lines, buyer=buyer.value if buyer else None))
    for position, section in enumerate((seller, buyer_section)):
        if section is not None and section.tax_id:
            tax_ids[position] = Found(section.tax_id, 0.9)
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


def _check_totals(invoice: ExtractedInvoice) -> None:
    """subtotal − discount + shipping + tax = total, to the cent."""
    if invoice.subtotal is None or invoice.total_amount is None:
        return
    sign = -1 if invoice.total_amount < 0 else 1
    discount = abs(invoice.discount_amount or Decimal(0))
    computed = invoice.subtotal - sign * discount + (invoice.shipping_amount or 0)
    if abs(computed + (invoice.tax_amount or 0) - invoice.total_amount) > Decimal("0.005"):
        invoice.warnings.append(
            ParseWarning(
                code="totals_mismatch",
                message="The subtotal, discount, shipping and tax do not add up to the total.",
            )
        )
        for name in AMOUNT_FIELDS:
            if name in invoice.confidence:
                invoice.confidence[name] = min(invoice.confidence[name], 0.6)


def _check_line_items(invoice: ExtractedInvoice) -> None:
    """The lines add up to the subtotal; a credit note's lines may state what was credited
    (positive, as e-invoice XML does) or what is owed back (negative, as printed ones often do)."""
    amounts = [item.amount for item in invoice.line_items if item.amount is not None]
    if not amounts or invoice.subtotal is None:
        return
    lines_total = sum(amounts, Decimal(0))
    if lines_total != invoice.subtotal and not (invoice.subtotal < 0 and lines_total == -invoice.subtotal):
        invoice.warnings.append(
            ParseWarning(code="line_items_mismatch", message="The line items do not add up to the subtotal.")
        )
