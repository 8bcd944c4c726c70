"""Fixtures for delivery tests: a receiver and helpers to send and follow a webhook."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import corpus_bytes, upload


def parsed_invoice(client: TestClient) -> dict[str, Any]:
    response = upload(client, corpus_bytes("us-invoice-01.pdf"), "us-invoice-01.pdf")
    assert response.status_code == 201
    invoice: dict[str, Any] = response.json()
    return invoice


def send_webhook(client: TestClient, invoice_id: str, url: str, secret: str | None) -> Any:
    body = {"url": url} if secret is None else {"url": url, "secret": secret}
    return client.post(f"/api/v2/invoices/{invoice_id}/webhook", json=body)


def settled(client: TestClient, delivery_id: str, timeout: float = 60) -> dict[str, Any]:
    """The delivery record once it is delivered or failed (polling its status endpoint)."""
    deadline = time.monotonic() + timeout
    while True:
        record: dict[str, Any] = client.get(f"/api/v2/webhooks/deliveries/{delivery_id}").json()
        if record.get("status") in ("delivered", "failed") or time.monotonic() > deadline:
            return record
        time.sleep(0.1)
