"""Stored records are validated into Invoices once, and a changed record is read anew."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from app.invoices import records
from app.invoices.schemas import Invoice
from tests.conftest import corpus_bytes, upload


def _record(vendor: str) -> str:
    invoice = Invoice(input_format="pdf_text", id="inv_1", vendor=vendor, parsed_timestamp=datetime.now(UTC))
    return invoice.model_dump_json(by_alias=True)


def test_a_record_is_validated_once_and_a_changed_one_again() -> None:
    first = _record("ACME Ltd")
    assert records.shared(first) is records.shared("".join(list(first)))  # the same text, a new object (Redis)
    changed = records.shared(_record("ACME Limited"))
    assert changed.vendor == "ACME Limited" and records.shared(first).vendor == "ACME Ltd"
    own = records.fresh(first)
    own.vendor = "Changed"
    assert records.shared(first).vendor == "ACME Ltd"


def test_a_correction_shows_in_the_list_at_once(client: TestClient) -> None:
    invoice = upload(client, corpus_bytes("uk-invoice-01.pdf")).json()
    assert client.get("/api/v2/invoices").json()["items"][0]["buyer"] == invoice["buyer"]
    client.patch(f"/api/v2/invoices/{invoice['id']}/fields/buyer", json={"value": "New Buyer Ltd"})
    assert client.get("/api/v2/invoices").json()["items"][0]["buyer"] == "New Buyer Ltd"
