"""The collections dashboard, computed from a session's invoices on a given day (pure: no I/O).

Definitions (docs/api.md, *Tracking*):
- outstanding: tracking status `sent` or `viewed`, money expected but not yet received;
- due date: the invoice's `due_date`, else its `invoice_date` plus the default payment terms,
  else none (such an invoice is counted as current and left out of the forecast);
- days overdue: today minus the due date, for an outstanding invoice whose due date has passed;
- weight of an outstanding invoice, by its ageing bucket: current 1, 1–30 days 0.75, 31–60 0.5,
  61–90 0.25, over 90 days 0 — how likely it is still to be paid in full;
- health score: 100 × the mean weight of the outstanding invoices (each invoice one vote, so no
  exchange rates are needed), 100 when nothing is outstanding; per currency, 100 × the
  amount-weighted mean weight of the outstanding invoices with a positive total;
- forecast: over the 30 days from today, each outstanding invoice's total × its weight expected on
  its due date, or today if that has passed (weight 0 expects nothing).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, Field

from app.invoices.schemas import Invoice

FORECAST_DAYS = 30
#: The last day a forecast can start on: its days must all be dates.
LAST_FORECAST_START = date.max - timedelta(days=FORECAST_DAYS - 1)
CENT = Decimal("0.01")
OUTSTANDING = ("sent", "viewed")
#: Ageing buckets: name, last day overdue it holds (None: no upper bound), weight.
BUCKETS: tuple[tuple[str, int | None, Decimal], ...] = (
    ("current", 0, Decimal("1")),
    ("1-30", 30, Decimal("0.75")),
    ("31-60", 60, Decimal("0.5")),
    ("61-90", 90, Decimal("0.25")),
    ("90+", None, Decimal("0")),
)


class Tally(BaseModel):
    count: int = 0
    totals: dict[str, Decimal] = Field(default_factory=dict, description="sum of total_amount per currency")


class Health(BaseModel):
    score: int = Field(ge=0, le=100)
    outstanding: int
    by_currency: dict[str, int]


class ForecastDay(BaseModel):
    date: date
    expected: dict[str, Decimal]


class Forecast(BaseModel):
    start: date
    end: date
    daily: list[ForecastDay]
    totals: dict[str, Decimal]


class Dashboard(BaseModel):
    as_of: date
    pipeline: dict[str, Tally] = Field(description="draft, sent, viewed, paid as stored; due and overdue derived")
    ageing: dict[str, Tally] = Field(description="outstanding invoices by days past their due date")
    health: Health
    forecast: Forecast
    without_due_date: int = Field(description="outstanding invoices with neither a due date nor an invoice date")


@dataclass(frozen=True)
class _Outstanding:
    invoice: Invoice
    due: date | None
    weight: Decimal


def due_date_of(invoice: Invoice, terms_days: int) -> date | None:
    if invoice.due_date is not None:
        return invoice.due_date
    if invoice.invoice_date is not None:  # the last day a date holds, for a date near 9999-12-31
        return invoice.invoice_date + min(timedelta(days=terms_days), date.max - invoice.invoice_date)
    return None


def bucket_of(days_overdue: int) -> tuple[str, Decimal]:
    for name, last_day, weight in BUCKETS:
        if last_day is None or days_overdue <= last_day:
            return name, weight
    raise AssertionError("the last bucket has no upper bound")


def _add(tally: Tally, invoice: Invoice) -> None:
    tally.count += 1
    if invoice.total_amount is not None and invoice.currency is not None:
        tally.totals[invoice.currency] = tally.totals.get(invoice.currency, Decimal(0)) + invoice.total_amount


def _cents(amounts: dict[str, Decimal]) -> dict[str, Decimal]:
    return {currency: amount.quantize(CENT, ROUND_HALF_UP) for currency, amount in sorted(amounts.items())}


def _score(weights: Iterable[Decimal]) -> int:
    values = list(weights)
    return 100 if not values else int((100 * sum(values, Decimal(0)) / len(values)).quantize(Decimal(1), ROUND_HALF_UP))


def _currency_scores(outstanding: Sequence[_Outstanding]) -> dict[str, int]:
    owed: dict[str, Decimal] = defaultdict(Decimal)
    likely: dict[str, Decimal] = defaultdict(Decimal)
    for item in outstanding:
        amount, currency = item.invoice.total_amount, item.invoice.currency
        if amount is not None and currency is not None and amount > 0:
            owed[currency] += amount
            likely[currency] += amount * item.weight
    return {
        currency: int((100 * likely[currency] / owed[currency]).quantize(Decimal(1), ROUND_HALF_UP))
        for currency in sorted(owed)
    }


def _forecast(outstanding: Sequence[_Outstanding], as_of: date) -> Forecast:
    end = as_of + timedelta(days=FORECAST_DAYS - 1)
    daily: dict[date, dict[str, Decimal]] = {as_of + timedelta(days=n): {} for n in range(FORECAST_DAYS)}
    for item in outstanding:
        amount, currency = item.invoice.total_amount, item.invoice.currency
        if item.due is None or amount is None or currency is None or item.due > end or not item.weight:
            continue
        day = daily[max(item.due, as_of)]
        day[currency] = day.get(currency, Decimal(0)) + amount * item.weight
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for expected in daily.values():
        for currency, amount in expected.items():
            totals[currency] += amount
    return Forecast(
        start=as_of,
        end=end,
        daily=[ForecastDay(date=day, expected=_cents(expected)) for day, expected in daily.items()],
        totals=_cents(totals),
    )


def build(invoices: Iterable[Invoice], *, as_of: date, terms_days: int) -> Dashboard:
    pipeline = {name: Tally() for name in ("draft", "sent", "viewed", "due", "overdue", "paid")}
    ageing = {name: Tally() for name, _, _ in BUCKETS}
    outstanding: list[_Outstanding] = []
    for invoice in invoices:
        _add(pipeline[invoice.tracking_status], invoice)
        if invoice.tracking_status not in OUTSTANDING:
            continue
        due = due_date_of(invoice, terms_days)
        days_overdue = (as_of - due).days if due is not None else 0
        _add(pipeline["overdue" if days_overdue > 0 else "due"], invoice)
        bucket, weight = bucket_of(days_overdue)
        _add(ageing[bucket], invoice)
        outstanding.append(_Outstanding(invoice, due, weight))
    for tally in (*pipeline.values(), *ageing.values()):
        tally.totals = _cents(tally.totals)
    return Dashboard(
        as_of=as_of,
        pipeline=pipeline,
        ageing=ageing,
        health=Health(
            score=_score(item.weight for item in outstanding),
            outstanding=len(outstanding),
            by_currency=_currency_scores(outstanding),
        ),
        forecast=_forecast(outstanding, as_of),
        without_due_date=sum(1 for item in outstanding if item.due is None),
    )
