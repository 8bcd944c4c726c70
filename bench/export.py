"""Time and peak memory of the Excel export of a large session, against the export it replaced.

    python -m bench.export [INVOICES]

Parses a few corpus invoices, copies them into INVOICES (default 10,000) distinct invoices, and
builds their workbook in one run twice: with the service's builder (XlsxWriter, Decimals written
from their digits) and with the builder it replaced (pandas DataFrames written by openpyxl, every
amount through float), kept below as the baseline. Prints each one's time and peak of Python
allocations (tracemalloc), and the ratios new/old.
"""

from __future__ import annotations

import io
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal

import pandas as pd
from openpyxl.utils import get_column_letter

from app.exports.rows import (
    AMOUNT_COLUMNS,
    DATE_COLUMNS,
    INVOICE_COLUMNS,
    LINE_ITEM_COLUMNS,
    invoice_row,
    line_item_rows,
)
from app.exports.workbook import build_workbook
from app.invoices.schemas import Invoice
from app.parsing import parse_document
from bench.corpus import CORPUS

SAMPLES = ("us-invoice-01.pdf", "fr-facture-01.pdf", "de-rechnung-01.pdf", "uk-invoice-01.pdf")


def _invoices(count: int) -> list[Invoice]:
    parsed = [parse_document((CORPUS / "docs" / name).read_bytes()) for name in SAMPLES]
    now = datetime.now(UTC)
    return [
        Invoice(**parsed[n % len(parsed)].model_dump(), id=f"inv_{n:08x}", file_name=f"{n}.pdf", parsed_timestamp=now)
        for n in range(count)
    ]


def _pandas_workbook(invoices: Sequence[Invoice]) -> bytes:
    """The builder before XlsxWriter (app/exports/workbook.py until 2026-12-02), condensed (its Summary
    sheet keeps the currency rows only), as the baseline."""

    def frame(rows: object, columns: Sequence[str]) -> pd.DataFrame:
        table = pd.DataFrame.from_records(rows, columns=list(columns))  # type: ignore[arg-type]
        for column in AMOUNT_COLUMNS.intersection(columns) | ({"quantity"} & set(columns)):
            table[column] = pd.to_numeric(
                table[column].map(lambda v: float(v) if isinstance(v, Decimal) else None), errors="coerce"
            )
        return table

    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    counts: Counter[str] = Counter()
    for invoice in invoices:
        counts[invoice.currency or "(none)"] += 1
        for index, amount in enumerate((invoice.subtotal, invoice.tax_amount, invoice.total_amount)):
            totals[invoice.currency or "(none)"][index] += amount or 0
    summary = pd.DataFrame(
        [
            {"key": key, "invoices": counts[key], **dict(zip(("subtotal", "tax", "total"), map(float, v), strict=True))}
            for key, v in totals.items()
        ]
    )
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, table in (
            ("Invoices", frame((invoice_row(invoice) for invoice in invoices), INVOICE_COLUMNS)),
            ("Line items", frame(line_item_rows(invoices), LINE_ITEM_COLUMNS)),
            ("Summary", summary),
        ):
            table.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            sheet.auto_filter.ref = sheet.dimensions
            for index, column in enumerate(table.columns, start=1):
                sample = [str(value) for value in table[column].head(200) if not pd.isna(value)]
                sheet.column_dimensions[get_column_letter(index)].width = min(
                    max([len(str(column)), *map(len, sample)]) + 2, 60
                )
                number_format = (
                    "#,##0.00" if column in AMOUNT_COLUMNS else "yyyy-mm-dd" if column in DATE_COLUMNS else None
                )
                if number_format:
                    for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                        cell.number_format = number_format
    return buffer.getvalue()


def _measure(build: Callable[[list[Invoice]], bytes], invoices: list[Invoice]) -> tuple[float, float, int]:
    """Time of a plain run, then the allocation peak of a second, traced run (tracing slows it)."""
    started = time.perf_counter()
    size = len(build(invoices))
    seconds = time.perf_counter() - started
    tracemalloc.start()
    build(invoices)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, size


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    invoices = _invoices(count)
    items = sum(len(invoice.line_items) for invoice in invoices)
    print(f"{count} invoices, {items} line items")
    old_s, old_peak, old_size = _measure(_pandas_workbook, invoices)
    new_s, new_peak, new_size = _measure(build_workbook, invoices)
    print(f"old (pandas + openpyxl):  {old_s:6.2f} s  peak {old_peak:6.0f} MiB  ({old_size / 2**20:.1f} MiB .xlsx)")
    print(f"new (XlsxWriter):         {new_s:6.2f} s  peak {new_peak:6.0f} MiB  ({new_size / 2**20:.1f} MiB .xlsx)")
    print(f"new/old: time {new_s / old_s:.2f}x, peak memory {new_peak / old_peak:.2f}x")


if __name__ == "__main__":
    main()
