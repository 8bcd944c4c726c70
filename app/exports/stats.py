"""Processing statistics of a selection of invoices (GET /api/invoices/xlsx/stats)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from decimal import Decimal

from pydantic import BaseModel

from app.invoices.schemas import Invoice

#: Statuses that mean the parse gave a usable result without a person's help.
_SUCCEEDED = {"parsed", "approved"}
_TOP_VENDORS = 10


class VendorTotal(BaseModel):
    vendor: str
    invoices: int
    totals: dict[str, Decimal]


class Stats(BaseModel):
    invoices: int
    by_status: dict[str, int]
    by_input_format: dict[str, int]
    success_rate: float | None
    mean_confidence: float | None
    parse_ms: dict[str, float | None]
    totals_by_currency: dict[str, Decimal]
    totals_by_month: dict[str, dict[str, Decimal]]
    top_vendors: list[VendorTotal]


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1], 1)


def compute(invoices: Sequence[Invoice]) -> Stats:
    by_currency: dict[str, Decimal] = defaultdict(Decimal)
    by_month: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    vendors: dict[str, VendorTotal] = {}
    confidences = []
    for invoice in invoices:
        if invoice.confidence:
            confidences.append(statistics.fmean(invoice.confidence.values()))
        if invoice.total_amount is None or invoice.currency is None:
            continue
        by_currency[invoice.currency] += invoice.total_amount
        if invoice.invoice_date is not None:
            by_month[invoice.invoice_date.strftime("%Y-%m")][invoice.currency] += invoice.total_amount
        if invoice.vendor:
            entry = vendors.setdefault(invoice.vendor, VendorTotal(vendor=invoice.vendor, invoices=0, totals={}))
            entry.invoices += 1
            entry.totals[invoice.currency] = entry.totals.get(invoice.currency, Decimal(0)) + invoice.total_amount
    times = sorted(invoice.parse_ms for invoice in invoices if invoice.parse_ms is not None)
    return Stats(
        invoices=len(invoices),
        by_status=dict(Counter(invoice.status for invoice in invoices)),
        by_input_format=dict(Counter(invoice.input_format for invoice in invoices)),
        success_rate=round(sum(i.status in _SUCCEEDED for i in invoices) / len(invoices), 4) if invoices else None,
        mean_confidence=round(statistics.fmean(confidences), 4) if confidences else None,
        parse_ms={"p50": _percentile(times, 0.5), "p90": _percentile(times, 0.9), "p99": _percentile(times, 0.99)},
        totals_by_currency=dict(sorted(by_currency.items())),
        totals_by_month={month: dict(sorted(sums.items())) for month, sums in sorted(by_month.items())},
        top_vendors=sorted(vendors.values(), key=lambda v: (-v.invoices, v.vendor))[:_TOP_VENDORS],
    )
