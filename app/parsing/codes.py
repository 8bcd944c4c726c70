"""What the machine-readable payment codes on an invoice say, and how they settle its fields.

Three codes are read: the Swiss QR-bill (Swiss Payment Standards, "SPC"), the EPC/GiroCode SEPA
credit transfer ("BCD") and the QR code of Chinese VAT e-invoices ("01,<type>,<code>,<number>,...").
A code is exact (error-corrected, machine-written): its values fill their fields with confidence
1.0. Where the printed text said otherwise, the code's value is used and a ``qr_text_mismatch``
warning sends the invoice to review; a person decides which of the two is the document's. A
payment code's amount is the amount to pay, which may be less than the total (a part paid before):
it confirms or fills the total, and where it differs the total stays as printed, with the warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from app.parsing.model import Box, CodeKind, DecodedCode, ExtractedInvoice, ParseWarning
from app.parsing.payment import iban_form, valid_bic, valid_reference
from app.parsing.qr import PrintedCode

#: Fields compared with what the text said; names may be printed otherwise and are not.
_COMPARED = (
    "iban",
    "payment_reference",
    "currency",
    "subtotal",
    "invoice_number",
    "invoice_date",
)
#: A payment code's amount is what is left to pay: the total, unless part was paid before. It
#: fills a missing total (less than certain), confirms an equal one, and never replaces another.
AMOUNT_TO_PAY = "amount_to_pay"
#: Confidence of a total taken from a payment code's amount, the text having printed none.
TOTAL_FROM_AMOUNT_TO_PAY = 0.9
#: Fields a code fills only where the text found nothing (the text may print a fuller name).
_ONLY_WHEN_MISSING = ("buyer",)


@dataclass
class Reading:
    """A code's kind, the invoice fields it states and its other named values."""

    kind: CodeKind
    fields: dict[str, object] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


def _amount(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


def _swiss_qr_bill(lines: list[str]) -> Reading | None:
    """Swiss Implementation Guidelines for the QR-bill, version 2: one element per line."""
    if len(lines) < 31 or lines[0] != "SPC" or not lines[1].startswith("02"):
        return None
    fields: dict[str, object] = {"iban": iban_form(lines[3]), "account_holder": lines[5] or None}
    if amount := _amount(lines[18]):
        fields[AMOUNT_TO_PAY] = amount
    if lines[19] in ("CHF", "EUR"):
        fields["currency"] = lines[19]
    fields["buyer"] = lines[21] or None
    if lines[27] in ("QRR", "SCOR"):
        fields["payment_reference"] = valid_reference(lines[28])
    values = {"reference_type": lines[27], "message": lines[29]}
    return Reading("swiss_qr_bill", fields, {name: value for name, value in values.items() if value})


def _epc(lines: list[str]) -> Reading | None:
    """EPC069-12 (the SEPA credit transfer QR code, "GiroCode"), versions 001 and 002."""
    if len(lines) < 7 or lines[0] != "BCD" or lines[1] not in ("001", "002") or lines[3] != "SCT":
        return None
    fields: dict[str, object] = {
        "bic": valid_bic(lines[4]) if lines[4] else None,
        "account_holder": lines[5] or None,
        "iban": iban_form(lines[6]),
    }
    amount = lines[7] if len(lines) > 7 else ""
    if match := re.fullmatch(r"EUR(\d{1,9}(?:\.\d{1,2})?)", amount):
        fields[AMOUNT_TO_PAY], fields["currency"] = _amount(match.group(1)), "EUR"
    structured = lines[9] if len(lines) > 9 else ""
    unstructured = lines[10] if len(lines) > 10 else ""
    fields["payment_reference"] = valid_reference(structured) or structured or unstructured or None
    return Reading("epc_qr", fields, {"purpose": lines[8]} if len(lines) > 8 and lines[8] else {})


def _fapiao(text: str) -> Reading | None:
    """The QR code of a Chinese VAT invoice: version, type, invoice code, number, amount before tax,
    issue date (YYYYMMDD), check code, then a checksum."""
    parts = text.strip().split(",")
    if len(parts) < 6 or parts[0] != "01" or not re.fullmatch(r"\d{2}", parts[1]) or not parts[3].isdigit():
        return None
    try:
        issued = date(int(parts[5][:4]), int(parts[5][4:6]), int(parts[5][6:8]))
    except ValueError:
        return None
    fields: dict[str, object] = {"invoice_number": parts[3], "subtotal": _amount(parts[4]), "invoice_date": issued}
    values = {"type": parts[1], "invoice_code": parts[2], "check_code": parts[6] if len(parts) > 6 else ""}
    return Reading("fapiao_qr", fields, {name: value for name, value in values.items() if value})


def read_code(text: str) -> Reading | None:
    """What a QR code's text states, if it is one of the codes above."""
    lines = [line.strip() for line in re.split(r"\r\n|\n|\r", text)]
    readers: tuple[Callable[[], Reading | None], ...] = (
        lambda: _swiss_qr_bill(lines),
        lambda: _epc(lines),
        lambda: _fapiao(text),
    )
    return next((reading for read in readers if (reading := read()) is not None), None)


def apply_codes(invoice: ExtractedInvoice, printed: list[PrintedCode]) -> None:
    """Fill ``invoice`` from the codes its pages print, and warn where its text said otherwise."""
    differing: list[str] = []
    for code in printed:
        reading = read_code(code.text)
        if reading is None:
            continue
        filled = []
        for name, value in reading.fields.items():
            if value is None or (name in _ONLY_WHEN_MISSING and getattr(invoice, name) is not None):
                continue
            if name == AMOUNT_TO_PAY:
                name, settled = "total_amount", _settle_total(invoice, value, code.box)
                if not settled:
                    differing.append(name)
                    continue
            else:
                before = getattr(invoice, name)
                if name in _COMPARED and before is not None and before != value:
                    differing.append(name)
                _set(invoice, name, value, 1.0, code.box)
            filled.append(name)
        invoice.codes.append(DecodedCode(kind=reading.kind, source=code.box, fields=filled, values=reading.values))
    if differing:
        names = list(dict.fromkeys(differing))
        invoice.warnings.append(
            ParseWarning(
                code="qr_text_mismatch",
                message="The QR code and the printed text differ in: "
                + ", ".join(names)
                + ". The code's values were used, but for an amount to pay, which leaves the total as printed; "
                "please check the document.",
                fields=names,
            )
        )


def _set(invoice: ExtractedInvoice, name: str, value: object, confidence: float, box: Box) -> None:
    if getattr(invoice, name) != value:  # the text's box showed another value, or none
        invoice.sources[name] = box
    setattr(invoice, name, value)
    invoice.confidence[name] = confidence


def _settle_total(invoice: ExtractedInvoice, amount: object, box: Box) -> bool:
    """A payment code's amount against the total: fills a missing one, confirms an equal one;
    False when they differ (the total stays as printed)."""
    if invoice.total_amount is None:
        _set(invoice, "total_amount", amount, TOTAL_FROM_AMOUNT_TO_PAY, box)
        return True
    if invoice.total_amount == amount:
        invoice.confidence["total_amount"] = 1.0
        return True
    return False
