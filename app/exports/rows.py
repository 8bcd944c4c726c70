"""One row per invoice and per line item, as the workbook and its JSON twin show them.

Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) is neutralised with a leading apostrophe, as OWASP advises for CSV/Excel injection: an
invoice is someone else's document, and its text must never execute in a finance team's Excel.
Text is also made storable: control characters, which no worksheet may hold, are dropped, and
text past a cell's 32,767 characters is cut with an ellipsis.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

from app.invoices.schemas import Invoice
from app.parsing.model import PAYMENT_FIELDS

INVOICE_COLUMNS = (
    "vendor",
    "invoice_number",
    "invoice_date",
    "due_date",
    "subtotal",
    "tax_amount",
    "discount_amount",
    "shipping_amount",
    "total_amount",
    "currency",
    "parsed_timestamp",
    "file_name",
    "vendor_tax_id",
    "buyer",
    "status",
    "invoice_id",
    "possible_duplicate",
    *PAYMENT_FIELDS,
)
LINE_ITEM_COLUMNS = ("invoice_id", "invoice_number", "vendor", "description", "quantity", "unit_price", "amount")
AMOUNT_COLUMNS = frozenset(
    {
        "subtotal",
        "tax_amount",
        "discount_amount",
        "shipping_amount",
        "total_amount",
        "unit_price",
        "amount",
        "cash_discount_amount",
    }
)
DATE_COLUMNS = frozenset({"invoice_date", "due_date"})

Cell = str | int | Decimal | date | datetime | None
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Characters no worksheet (XML 1.0) can hold: control characters but tab and line breaks,
#: lone surrogates and the two non-characters.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: The characters an Excel cell holds.
CELL_MAX_CHARS = 32_767


def safe_text(value: str | None) -> str | None:
    """``value`` such that no spreadsheet treats it as a formula and every worksheet can hold it."""
    if not value:
        return value
    value = _UNSTORABLE.sub("", value)
    formula = value.startswith(_FORMULA_STARTS)
    room = CELL_MAX_CHARS - 1 if formula else CELL_MAX_CHARS
    if len(value) > room:
        value = value[: room - 1] + "…"
    return "'" + value if formula else value


def invoice_row(invoice: Invoice) -> dict[str, Cell]:
    return {
        "vendor": safe_text(invoice.vendor),
        "invoice_number": safe_text(invoice.invoice_number),
        "invoice_date": invoice.invoice_date,
        "due_date": invoice.due_date,
        "subtotal": invoice.subtotal,
        "tax_amount": invoice.tax_amount,
        "discount_amount": invoice.discount_amount,
        "shipping_amount": invoice.shipping_amount,
        "total_amount": invoice.total_amount,
        "currency": safe_text(invoice.currency),
        # Excel has no time zones: the UTC wall time, as the column header says.
        "parsed_timestamp": invoice.parsed_timestamp.astimezone(UTC).replace(tzinfo=None),
        "file_name": safe_text(invoice.file_name),
        "vendor_tax_id": safe_text(invoice.vendor_tax_id),
        "buyer": safe_text(invoice.buyer),
        "status": invoice.status,
        "invoice_id": invoice.id,
        "possible_duplicate": invoice.possible_duplicate,
        **{name: _payment_cell(getattr(invoice, name)) for name in PAYMENT_FIELDS},
    }


def _payment_cell(value: str | int | Decimal | None) -> Cell:
    return safe_text(value) if isinstance(value, str) else value


def line_item_rows(invoices: Iterable[Invoice]) -> Iterator[dict[str, Cell]]:
    for invoice in invoices:
        for item in invoice.line_items:
            yield {
                "invoice_id": invoice.id,
                "invoice_number": safe_text(invoice.invoice_number),
                "vendor": safe_text(invoice.vendor),
                "description": safe_text(item.description),
                "quantity": item.quantity,
                "unit_price": item.unit_price,
                "amount": item.amount,
            }
