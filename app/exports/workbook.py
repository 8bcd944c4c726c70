"""The Excel workbook of a selection of invoices, built in memory (pandas + openpyxl).

Sheets: Invoices (a row per invoice), Line items (a row per item, keyed by invoice_id) and
Summary (totals per currency, counts by status). Dates are Excel dates, amounts numbers shown
with two decimals; every sheet has its header frozen, an autofilter and widths fitted to its text.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Sequence
from decimal import Decimal

import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.errors import AppError
from app.exports.rows import (
    AMOUNT_COLUMNS,
    DATE_COLUMNS,
    INVOICE_COLUMNS,
    LINE_ITEM_COLUMNS,
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


def _frame(rows: object, columns: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=list(columns))  # type: ignore[arg-type]
    for column in AMOUNT_COLUMNS.intersection(columns) | ({"quantity"} & set(columns)):
        frame[column] = pd.to_numeric(frame[column].map(_number), errors="coerce")
    return frame


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, Decimal) else None


def _summary(invoices: Sequence[Invoice]) -> pd.DataFrame:
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    counts: Counter[str] = Counter()
    for invoice in invoices:
        currency = invoice.currency or "(none)"
        counts[currency] += 1
        for index, amount in enumerate((invoice.subtotal, invoice.tax_amount, invoice.total_amount)):
            totals[currency][index] += amount or 0
    by_currency: list[dict[str, object]] = [
        {
            "section": "totals by currency",
            "key": safe_text(currency),
            "invoices": counts[currency],
            **dict(zip(("subtotal", "tax_amount", "total_amount"), (float(v) for v in values), strict=True)),
        }
        for currency, values in sorted(totals.items())
    ]
    by_status: list[dict[str, object]] = [
        {"section": "invoices by status", "key": status, "invoices": count}
        for status, count in sorted(Counter(invoice.status for invoice in invoices).items())
    ]
    return pd.DataFrame(
        by_currency + by_status, columns=["section", "key", "invoices", "subtotal", "tax_amount", "total_amount"]
    )


def _format(sheet: Worksheet, frame: pd.DataFrame) -> None:
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(index)
        sample = [str(value) for value in frame[column].head(_WIDTH_SAMPLE_ROWS) if not pd.isna(value)]
        width = max([len(str(column)), *(len(text) for text in sample)]) + 2
        sheet.column_dimensions[letter].width = min(width, _MAX_WIDTH)
        number_format = (
            _AMOUNT_FORMAT
            if column in AMOUNT_COLUMNS
            else _DATE_FORMAT
            if column in DATE_COLUMNS
            else _TIMESTAMP_FORMAT
            if column == "parsed_timestamp"
            else None
        )
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format


def build_workbook(invoices: Sequence[Invoice]) -> bytes:
    """The workbook of ``invoices`` as .xlsx bytes; 413 `export_too_large` when their line items
    would not fit one sheet."""
    items = sum(len(invoice.line_items) for invoice in invoices)
    if items >= SHEET_MAX_ROWS:
        raise AppError(
            413,
            "export_too_large",
            f"The selection has {items:,} line items; an Excel sheet holds {SHEET_MAX_ROWS - 1:,}. "
            "Export fewer invoices at a time (filter by date, vendor or status).",
        )
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in (
            ("Invoices", _frame((invoice_row(invoice) for invoice in invoices), INVOICE_COLUMNS)),
            ("Line items", _frame(line_item_rows(invoices), LINE_ITEM_COLUMNS)),
            ("Summary", _summary(invoices)),
        ):
            frame.to_excel(writer, sheet_name=name, index=False)
            _format(writer.sheets[name], frame)
            del frame
    return buffer.getvalue()
