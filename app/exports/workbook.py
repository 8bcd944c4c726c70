"""The Excel workbook of a selection of invoices, built in memory (XlsxWriter).

Sheets: Invoices (a row per invoice), Line items (a row per item, keyed by invoice_id) and
Summary (totals per currency, counts by status). Dates are Excel dates, amounts numbers shown
with two decimals; every sheet has its header frozen, an autofilter and widths fitted to its text.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from itertools import chain, islice

from xlsxwriter import Workbook
from xlsxwriter.format import Format

from app.core.errors import AppError
from app.exports.rows import (
    AMOUNT_COLUMNS,
    DATE_COLUMNS,
    INVOICE_COLUMNS,
    LINE_ITEM_COLUMNS,
    Cell,
    invoice_row,
    line_item_rows,
    safe_text,
)
from app.invoices.schemas import Invoice

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS = ("Invoices", "Line items", "Summary")
_AMOUNT_FORMAT = "#,##0.00"
_DATE_FORMAT = "yyyy-mm-dd"
_TIMESTAMP_FORMAT = "yyyy-mm-dd hh:mm:ss"
_MAX_WIDTH = 60
#: Widths are fitted to this many rows: enough to see the text, cheap for 10,000 invoices.
_WIDTH_SAMPLE_ROWS = 200
#: Rows an Excel sheet holds, its header included.
SHEET_MAX_ROWS = 1_048_576
_SUMMARY_COLUMNS = ("section", "key", "invoices", "subtotal", "tax_amount", "total_amount")


def _summary_rows(invoices: Sequence[Invoice]) -> list[dict[str, Cell | int]]:
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    counts: Counter[str] = Counter()
    for invoice in invoices:
        currency = invoice.currency or "(none)"
        counts[currency] += 1
        for index, amount in enumerate((invoice.subtotal, invoice.tax_amount, invoice.total_amount)):
            totals[currency][index] += amount or 0
    by_currency: list[dict[str, Cell | int]] = [
        {
            "section": "totals by currency",
            "key": safe_text(currency),
            "invoices": counts[currency],
            **dict(zip(("subtotal", "tax_amount", "total_amount"), values, strict=True)),
        }
        for currency, values in sorted(totals.items())
    ]
    by_status: list[dict[str, Cell | int]] = [
        {"section": "invoices by status", "key": status, "invoices": count}
        for status, count in sorted(Counter(invoice.status for invoice in invoices).items())
    ]
    return by_currency + by_status


class _Formats:
    """The workbook's cell formats, by column."""

    def __init__(self, book: Workbook) -> None:
        self.amount = book.add_format({"num_format": _AMOUNT_FORMAT})
        self.date = book.add_format({"num_format": _DATE_FORMAT})
        self.timestamp = book.add_format({"num_format": _TIMESTAMP_FORMAT})

    def of(self, column: str) -> Format | None:
        if column in AMOUNT_COLUMNS:
            return self.amount
        if column in DATE_COLUMNS:
            return self.date
        return self.timestamp if column == "parsed_timestamp" else None


def _write_sheet(
    book: Workbook, formats: _Formats, name: str, columns: Sequence[str], rows: Iterable[Mapping[str, object]]
) -> None:
    """One sheet: the header frozen and filtered, widths fitted to the first rows, each value typed:
    Decimals as numbers (written from their digits, never through float), dates as Excel dates."""
    sheet = book.add_worksheet(name)
    rows = iter(rows)
    sample = list(islice(rows, _WIDTH_SAMPLE_ROWS))
    for index, column in enumerate(columns):
        texts = [str(row[column]) for row in sample if row.get(column) is not None]
        sheet.set_column(index, index, min(max([len(column), *map(len, texts)]) + 2, _MAX_WIDTH))
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, columns)
    cell_formats = [formats.of(column) for column in columns]
    last = 0
    for last, row in enumerate(chain(sample, rows), start=1):
        for index, (column, cell_format) in enumerate(zip(columns, cell_formats, strict=True)):
            value = row.get(column)
            if isinstance(value, Decimal | int):
                sheet.write_number(last, index, value, cell_format)
            elif isinstance(value, date):  # datetime included
                sheet.write_datetime(last, index, value, cell_format)
            elif value is not None:
                sheet.write_string(last, index, str(value))
    sheet.autofilter(0, 0, last, len(columns) - 1)


def build_workbook(invoices: Sequence[Invoice]) -> bytes:
    """The workbook of ``invoices`` as .xlsx bytes, built in memory; 413 `export_too_large` when
    their line items would not fit one sheet."""
    items = sum(len(invoice.line_items) for invoice in invoices)
    if items >= SHEET_MAX_ROWS:
        raise AppError(
            "export_too_large",
            f"The selection has {items:,} line items; an Excel sheet holds {SHEET_MAX_ROWS - 1:,}. "
            "Export fewer invoices at a time (filter by date, vendor or status).",
        )
    buffer = io.BytesIO()
    # in_memory: nothing of an invoice reaches a temporary file; text is never read as a formula,
    # URL or number
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with Workbook(buffer, options) as book:
        formats = _Formats(book)
        _write_sheet(book, formats, "Invoices", INVOICE_COLUMNS, (invoice_row(invoice) for invoice in invoices))
        _write_sheet(book, formats, "Line items", LINE_ITEM_COLUMNS, line_item_rows(invoices))
        _write_sheet(book, formats, "Summary", _SUMMARY_COLUMNS, _summary_rows(invoices))
    return buffer.getvalue()
