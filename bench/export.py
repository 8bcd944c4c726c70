"""Time and peak memory of the Excel export of a large session.

    python -m bench.export [INVOICES]

Parses a few corpus invoices, copies them into INVOICES (default 10,000) distinct invoices, and
builds their workbook in one run. Prints the time, the peak of Python allocations while building
(tracemalloc) against the size of the invoices themselves, and the same for writing the rows
alone with openpyxl (the floor any workbook pays), so the ratio shows what pandas adds.
"""

from __future__ import annotations

import io
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime

import openpyxl

from app.exports.rows import INVOICE_COLUMNS, invoice_row
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


def _openpyxl_rows_only(invoices: list[Invoice]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(INVOICE_COLUMNS))
    for invoice in invoices:
        sheet.append([float(v) if hasattr(v, "as_tuple") else v for v in invoice_row(invoice).values()])
    buffer = io.BytesIO()
    book.save(buffer)
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
    tracemalloc.start()
    copy = _invoices(count)
    held = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    del copy
    items = sum(len(invoice.line_items) for invoice in invoices)
    print(f"{count} invoices, {items} line items; the invoices themselves hold ~{held:.0f} MiB")
    floor_s, floor_peak, _ = _measure(_openpyxl_rows_only, invoices)
    seconds, peak, size = _measure(build_workbook, invoices)
    print(f"openpyxl, Invoices rows only:  {floor_s:6.2f} s  peak {floor_peak:6.0f} MiB")
    print(f"full workbook (3 sheets):      {seconds:6.2f} s  peak {peak:6.0f} MiB  ({size / 2**20:.1f} MiB .xlsx)")
    print(f"ratio full/rows-only: time {seconds / floor_s:.2f}x, peak memory {peak / floor_peak:.2f}x")


if __name__ == "__main__":
    main()
