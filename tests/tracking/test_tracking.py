"""Tracking through HTTP: status updates and the dashboard on parsed corpus invoices."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import corpus_bytes, upload


def parse(client: TestClient, name: str) -> dict[str, Any]:
    response = upload(client, corpus_bytes(name), name)
    assert response.status_code == 201
    invoice: dict[str, Any] = response.json()
    return invoice


def move(client: TestClient, invoice_id: str, status: str) -> Any:
    return client.post("/api/invoices/tracking/update-status", json={"invoice_id": invoice_id, "status": status})


def test_status_moves_forward_and_is_recorded(client: TestClient) -> None:
    invoice = parse(client, "us-invoice-01.pdf")
    assert invoice["tracking_status"] == "draft"

    sent = move(client, invoice["id"], "sent")
    again = move(client, invoice["id"], "sent")
    paid = move(client, invoice["id"], "paid")  # skipping "viewed" is fine

    assert sent.status_code == again.status_code == paid.status_code == 200
    stored = client.get(f"/api/v2/invoices/{invoice['id']}").json()
    assert stored["tracking_status"] == "paid"
    assert [event["status"] for event in stored["tracking_history"]] == ["sent", "paid"]


def test_going_back_unknown_ids_and_unknown_statuses_are_refused(client: TestClient) -> None:
    invoice = parse(client, "de-rechnung-01.pdf")
    assert move(client, invoice["id"], "viewed").status_code == 200

    back = move(client, invoice["id"], "sent")
    missing = move(client, "inv_0000000000000000", "sent")
    nonsense = move(client, invoice["id"], "lost")
    foreign = move(TestClient(client.app), invoice["id"], "paid")

    assert (back.status_code, back.json()["error"]["code"]) == (422, "invalid_transition")
    assert "viewed" in back.json()["error"]["message"]
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "invoice_not_found")
    assert (nonsense.status_code, nonsense.json()["error"]["field"]) == (422, "status")
    assert foreign.status_code == 404
    assert client.get(f"/api/v2/invoices/{invoice['id']}").json()["tracking_status"] == "viewed"


def test_dashboard_on_a_given_day(client: TestClient) -> None:
    us = parse(client, "us-invoice-01.pdf")  # 19696.87 USD due 2024-04-14
    de = parse(client, "de-rechnung-01.pdf")  # 1292.04 EUR due 2024-03-29
    fr = parse(client, "fr-facture-01.pdf")  # 4929.02 EUR due 2024-04-11
    parse(client, "uk-invoice-01.pdf")  # stays a draft
    move(client, us["id"], "sent")
    move(client, de["id"], "viewed")
    move(client, fr["id"], "paid")

    response = client.get("/api/invoices/tracking/dashboard", params={"as_of": "2024-04-10"})

    assert response.status_code == 200
    board = response.json()
    assert board["as_of"] == "2024-04-10"
    counts = {name: tally["count"] for name, tally in board["pipeline"].items()}
    assert counts == {"draft": 1, "sent": 1, "viewed": 1, "due": 1, "overdue": 1, "paid": 1}
    assert board["pipeline"]["overdue"]["totals"] == {"EUR": "1292.04"}  # 12 days late
    assert board["pipeline"]["paid"]["totals"] == {"EUR": "4929.02"}
    assert board["ageing"]["1-30"]["totals"] == {"EUR": "1292.04"}
    assert board["ageing"]["current"]["totals"] == {"USD": "19696.87"}
    # Two outstanding: weights 1 (current) and 0.75 (1-30) -> 87.5 -> 88.
    assert board["health"] == {"score": 88, "outstanding": 2, "by_currency": {"EUR": 75, "USD": 100}}
    expected = {day["date"]: day["expected"] for day in board["forecast"]["daily"] if day["expected"]}
    assert expected == {"2024-04-10": {"EUR": "969.03"}, "2024-04-14": {"USD": "19696.87"}}


@pytest.mark.parametrize("day", ["2024-02-30", "0", "1700000000", "9999-12-31"])
def test_dashboard_refuses_a_bad_day(client: TestClient, day: str) -> None:
    """pydantic alone reads "0" as 1970-01-01 (a Unix time); a forecast from 9999-12-31 would run
    past the last date there is."""
    response = client.get("/api/invoices/tracking/dashboard", params={"as_of": day})

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "as_of"


def test_an_invoice_dated_at_the_end_of_time_is_due_that_day(client: TestClient) -> None:
    invoice = parse(client, "uk-invoice-01.pdf")
    for field, value in (("due_date", None), ("invoice_date", "9999-12-31")):
        assert (
            client.patch(f"/api/v2/invoices/{invoice['id']}/fields/{field}", json={"value": value}).status_code == 200
        )
    move(client, invoice["id"], "sent")
    board = client.get("/api/invoices/tracking/dashboard", params={"as_of": "2024-04-10"})
    assert board.status_code == 200
    assert board.json()["pipeline"]["due"]["count"] == 1
