"""S3 exports against moto's standalone S3 server over HTTP; presigned URLs fetched for real."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

import httpx2
import openpyxl
from fastapi.testclient import TestClient

from tests.conftest import BUCKET, WorkerFactory, corpus_bytes, finished, free_port, upload


def workbook_at(url: str) -> openpyxl.Workbook:
    response = httpx2.get(url, timeout=30)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_approve_to_s3_gives_a_presigned_url_to_the_workbook(
    make_app: Callable[..., TestClient], s3_settings: dict[str, Any]
) -> None:
    client = make_app(**s3_settings)
    invoice = upload(client, corpus_bytes("de-rechnung-01.pdf"), "de-rechnung-01.pdf").json()

    accepted = client.post(f"/api/v2/invoices/{invoice['id']}/approve", params={"delivery": "s3"})

    assert accepted.status_code == 202
    job = finished(client, accepted.json()["status_url"])
    assert job["status"] == "finished", job
    result = job["result"]
    assert result["bucket"] == BUCKET and result["key"].endswith(".xlsx")
    # the job's record and result stay readable in Redis: they name no invoice
    assert invoice["invoice_number"] not in result["key"] and invoice["invoice_number"] not in result["url"]
    download = httpx2.get(result["url"], timeout=30)
    assert f'filename="invoice-{invoice["invoice_number"]}.xlsx"' in download.headers["content-disposition"]
    assert "X-Amz-Signature" in result["url"] and "X-Amz-Expires=600" in result["url"]
    book = workbook_at(result["url"])
    assert book["Invoices"]["B2"].value == invoice["invoice_number"]
    assert book["Invoices"]["O2"].value == "approved"
    assert client.get(f"/api/v2/invoices/{invoice['id']}").json()["status"] == "approved"


def test_an_export_to_s3_holds_the_selected_invoices(
    make_app: Callable[..., TestClient], s3_settings: dict[str, Any]
) -> None:
    client = make_app(**s3_settings)
    for name in ("us-invoice-01.pdf", "fr-facture-01.pdf", "uk-invoice-01.pdf"):
        upload(client, corpus_bytes(name), name)

    accepted = client.get("/api/export/download-xlsx", params={"delivery": "s3", "currency": "EUR"})

    job = finished(client, accepted.json()["status_url"])
    rows = list(workbook_at(job["result"]["url"])["Invoices"].iter_rows(min_row=2, values_only=True))
    assert [row[11] for row in rows] == ["fr-facture-01.pdf"]
    assert client.get("/health/ready").json()["checks"]["s3"] == "ok"


def test_a_missing_bucket_fails_the_job_with_the_reason(
    make_app: Callable[..., TestClient], s3_settings: dict[str, Any]
) -> None:
    client = make_app(**{**s3_settings, "s3_bucket": "no-such-bucket-here"})
    invoice = upload(client, corpus_bytes("uk-invoice-01.pdf"), "uk-invoice-01.pdf").json()

    job = finished(client, client.post(f"/api/v2/invoices/{invoice['id']}/approve?delivery=s3").json()["status_url"])

    assert (job["status"], job["attempts"]) == ("failed", 1)
    assert "NoSuchBucket" in job["error"]
    assert "testing-secret" not in str(job)
    assert client.get("/health/ready").status_code == 503


def test_an_unreachable_store_is_retried_then_fails(
    make_app: Callable[..., TestClient], s3_settings: dict[str, Any]
) -> None:
    client = make_app(**{**s3_settings, "s3_endpoint_url": f"http://127.0.0.1:{free_port()}"})
    invoice = upload(client, corpus_bytes("uk-invoice-01.pdf"), "uk-invoice-01.pdf").json()

    job = finished(client, client.post(f"/api/v2/invoices/{invoice['id']}/approve?delivery=s3").json()["status_url"])

    assert (job["status"], job["attempts"]) == ("failed", 3)  # the first try and the schedule's two retries
    assert "could not be reached" in job["error"]


def test_s3_delivery_is_refused_when_not_enabled(client: TestClient) -> None:
    invoice = upload(client, corpus_bytes("uk-invoice-01.pdf"), "uk-invoice-01.pdf").json()

    response = client.post(f"/api/v2/invoices/{invoice['id']}/approve?delivery=s3")

    assert (response.status_code, response.json()["error"]["code"]) == (503, "s3_unavailable")
    assert client.get(f"/api/v2/invoices/{invoice['id']}").json()["status"] != "approved"


def test_an_export_through_redis_and_a_worker_process(
    make_app: Callable[..., TestClient], s3_settings: dict[str, Any], redis_url: str, start_worker: WorkerFactory
) -> None:
    start_worker()  # takes the AWS credentials from the environment, as a deployed worker does
    client = make_app(**s3_settings, redis_url=redis_url)
    invoice = upload(client, corpus_bytes("uk-invoice-01.pdf"), "uk-invoice-01.pdf").json()

    accepted = client.post(f"/api/v2/invoices/{invoice['id']}/approve", params={"delivery": "s3"})

    assert accepted.status_code == 202
    job = finished(client, accepted.json()["status_url"])
    assert (job["status"], job["attempts"]) == ("finished", 1), job
    assert workbook_at(job["result"]["url"])["Invoices"]["B2"].value == invoice["invoice_number"]


def test_with_the_queue_down_s3_delivery_is_refused_before_approving(
    make_app: Callable[..., TestClient], s3_settings: dict[str, Any]
) -> None:
    client = make_app(**s3_settings, redis_url="redis://127.0.0.1:1/0")
    invoice = upload(client, corpus_bytes("uk-invoice-01.pdf"), "uk-invoice-01.pdf").json()

    response = client.post(f"/api/v2/invoices/{invoice['id']}/approve?delivery=s3")

    assert (response.status_code, response.json()["error"]["code"]) == (503, "queue_unavailable")
    assert response.headers["retry-after"]
    assert client.get(f"/api/v2/invoices/{invoice['id']}").json()["status"] != "approved"


def test_under_rq_readiness_reports_whether_the_workers_reach_the_bucket(
    make_app: Callable[..., TestClient], s3_settings: dict[str, Any], redis_url: str, start_worker: WorkerFactory
) -> None:
    """The workers upload the exports, so the app reaching S3 proves nothing about them."""
    client = make_app(**s3_settings, redis_url=redis_url)
    assert client.get("/health/ready").json()["checks"]["s3"] == "unknown"  # no worker has said

    start_worker(ENABLE_S3="true", S3_BUCKET="no-such-bucket", S3_ENDPOINT_URL=s3_settings["s3_endpoint_url"])
    assert _s3_readiness(client) == "down"

    start_worker(
        ENABLE_S3="true",
        S3_BUCKET=s3_settings["s3_bucket"],
        S3_REGION=s3_settings["s3_region"],
        S3_ENDPOINT_URL=s3_settings["s3_endpoint_url"],
    )
    assert _s3_readiness(client, until="ok") == "ok"


def _s3_readiness(client: TestClient, until: str | None = None, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while True:
        state = str(client.get("/health/ready").json()["checks"]["s3"])
        if (state == until if until else state != "unknown") or time.monotonic() > deadline:
            return state
        time.sleep(0.2)
