"""Listing a page of a large session: the cost should grow with the page, not the session.

    python -m bench.listing

Fills one session of an app (embedded store) with 500, then 5,000 invoices (copies of parsed
corpus invoices with their own ids, saved straight into the store), and prints the p50 of 30
`GET /api/v2/invoices?limit=50` (a filter and a sort included) for each, and their ratio.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime
from functools import partial

from fastapi.testclient import TestClient

from app.factory import create_app
from app.invoices.inputs import Inputs, pack
from app.invoices.schemas import Invoice
from app.parsing import parse_document
from bench.corpus import CORPUS
from tests.conftest import settings_for_tests

SAMPLES = ("us-invoice-01.pdf", "fr-facture-01.pdf", "de-rechnung-01.pdf", "uk-invoice-01.pdf")
QUERIES = ({"limit": 50}, {"limit": 50, "sort": "-total_amount"}, {"limit": 50, "currency": "EUR"})


def _fill(client: TestClient, session_id: str, start: int, count: int) -> None:
    parsed = [parse_document((CORPUS / "docs" / name).read_bytes()) for name in SAMPLES]
    store = client.app.state.store  # type: ignore[attr-defined]
    for number in range(start, start + count):
        invoice = Invoice(
            **parsed[number % len(parsed)].model_dump(),
            id=f"inv_{number:016x}",
            file_name=f"{number}.pdf",
            parsed_timestamp=datetime.now(UTC),
        )
        record = invoice.model_dump_json(by_alias=True)
        save = partial(store.save, session_id, invoice.id, record, pack(Inputs(b"%PDF", None)), ttl=7200)
        client.portal.call(save)  # type: ignore[union-attr]


def _p50(client: TestClient) -> float:
    timings = []
    for _ in range(10):
        for query in QUERIES:
            started = time.perf_counter()
            assert client.get("/api/v2/invoices", params=query).status_code == 200
            timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def main() -> None:
    settings = settings_for_tests(max_session_bytes=10**9, max_store_bytes=10**10)
    with TestClient(create_app(settings)) as client:
        token = client.post("/api/v2/sessions").json()["token"]
        session_id = client.app.state.signer.verify(token).id  # type: ignore[attr-defined]
        client.headers["Authorization"] = f"Bearer {token}"
        _fill(client, session_id, 0, 500)
        small = _p50(client)
        _fill(client, session_id, 500, 4_500)
        large = _p50(client)
    print(f"a page of 50, p50: 500 invoices {small:.1f} ms, 5,000 invoices {large:.1f} ms; ratio {large / small:.2f}x")


if __name__ == "__main__":
    main()
