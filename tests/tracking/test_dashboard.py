"""The dashboard's formulas on a hand-made session (figures worked out by hand in the comments)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from app.invoices.schemas import Invoice
from app.tracking.dashboard import bucket_of, build

TODAY = date(2026, 6, 30)


def invoice(status: str, total: str | None, due: date | None, currency: str = "EUR", **fields: Any) -> Invoice:
    return Invoice(
        input_format="pdf_text",
        id=f"inv_{status}_{total}_{due}",
        tracking_status=status,
        total_amount=Decimal(total) if total is not None else None,
        currency=currency,
        due_date=due,
        parsed_timestamp=datetime(2026, 6, 1, tzinfo=UTC),
        **fields,
    )


def days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


#: Outstanding invoices (sent/viewed) with their weights: current 1, 1-30 0.75, 31-60 0.5, 61-90 0.25, 90+ 0.
SESSION = [
    invoice("draft", "100", date(2026, 7, 10)),  # not outstanding
    invoice("sent", "200", date(2026, 7, 5)),  # current, weight 1, expected 07-05
    invoice("sent", "5", TODAY),  # due today: current, weight 1, expected today
    invoice("viewed", "300", days_ago(10)),  # 1-30, weight 0.75: 225 expected today
    invoice("viewed", "10", days_ago(30)),  # 1-30 (last day), 0.75: 7.50 today
    invoice("viewed", "20", days_ago(31)),  # 31-60, 0.5: 10 today
    invoice("sent", "400", days_ago(70)),  # 61-90, 0.25: 100 today
    invoice("sent", "500", days_ago(149), currency="USD"),  # 90+, weight 0: nothing expected
    invoice("paid", "600", days_ago(5)),  # not outstanding
    invoice("sent", "50", None, invoice_date=date(2026, 6, 10)),  # due 06-10 + 30 days = 07-10, current
    invoice("sent", "70", None),  # no dates: current, not forecast
    invoice("sent", "80", date(2026, 8, 15)),  # current; due after the 30-day window
]


def totals(tally: Any) -> dict[str, str]:
    return {currency: str(amount) for currency, amount in tally.totals.items()}


def test_pipeline_counts_and_sums_per_status_and_currency() -> None:
    pipeline = build(SESSION, as_of=TODAY, terms_days=30).pipeline

    assert {name: tally.count for name, tally in pipeline.items()} == {
        "draft": 1,
        "sent": 7,
        "viewed": 3,
        "due": 5,
        "overdue": 5,
        "paid": 1,
    }
    assert totals(pipeline["sent"]) == {"EUR": "805.00", "USD": "500.00"}
    assert totals(pipeline["viewed"]) == {"EUR": "330.00"}
    assert totals(pipeline["due"]) == {"EUR": "405.00"}
    assert totals(pipeline["overdue"]) == {"EUR": "730.00", "USD": "500.00"}
    assert totals(pipeline["paid"]) == {"EUR": "600.00"}


def test_ageing_buckets() -> None:
    ageing = build(SESSION, as_of=TODAY, terms_days=30).ageing

    assert {name: (tally.count, totals(tally)) for name, tally in ageing.items()} == {
        "current": (5, {"EUR": "405.00"}),
        "1-30": (2, {"EUR": "310.00"}),
        "31-60": (1, {"EUR": "20.00"}),
        "61-90": (1, {"EUR": "400.00"}),
        "90+": (1, {"USD": "500.00"}),
    }


def test_health_score() -> None:
    health = build(SESSION, as_of=TODAY, terms_days=30).health

    # Weights of the 10 outstanding invoices: 1+1+.75+.75+.5+.25+0+1+1+1 = 7.25 -> 72.5 -> 73.
    assert health.outstanding == 10
    assert health.score == 73
    # EUR by amount: (200+5+225+7.5+10+100+50+70+80) / (200+5+300+10+20+400+50+70+80) = 747.5/1135 -> 66.
    assert health.by_currency == {"EUR": 66, "USD": 0}


def test_forecast_places_expected_money_on_days() -> None:
    forecast = build(SESSION, as_of=TODAY, terms_days=30).forecast

    assert (forecast.start, forecast.end) == (TODAY, date(2026, 7, 29))
    assert len(forecast.daily) == 30
    expected = {day.date: {c: str(a) for c, a in day.expected.items()} for day in forecast.daily if day.expected}
    assert expected == {
        TODAY: {"EUR": "347.50"},  # 5 + 225 + 7.50 + 10 + 100 (overdue money is expected now, discounted)
        date(2026, 7, 5): {"EUR": "200.00"},
        date(2026, 7, 10): {"EUR": "50.00"},  # from the invoice date and the payment terms
    }
    assert {c: str(a) for c, a in forecast.totals.items()} == {"EUR": "597.50"}


def test_payment_terms_move_the_derived_due_date() -> None:
    late = [invoice("sent", "50", None, invoice_date=date(2026, 6, 10))]

    assert build(late, as_of=TODAY, terms_days=14).pipeline["overdue"].count == 1  # due 06-24
    assert build(late, as_of=TODAY, terms_days=30).pipeline["due"].count == 1


def test_an_empty_session_is_healthy_and_expects_nothing() -> None:
    board = build([], as_of=TODAY, terms_days=30)

    assert board.health.score == 100
    assert board.forecast.totals == {}
    assert all(not day.expected for day in board.forecast.daily)
    assert board.without_due_date == 0


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(-5, "current"), (0, "current"), (1, "1-30"), (30, "1-30"), (31, "31-60"), (90, "61-90"), (91, "90+")],
)
def test_bucket_boundaries(days: int, bucket: str) -> None:
    assert bucket_of(days)[0] == bucket
