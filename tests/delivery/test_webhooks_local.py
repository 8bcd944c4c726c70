"""Webhooks with the in-process executor (no Redis): through HTTP to a real receiver."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from tests.conftest import sample
from tests.delivery.conftest import parsed_invoice, send_webhook, settled
from tests.delivery.receiver import SECRET, Answer, Receiver


@pytest.fixture
def client(make_app: Callable[..., TestClient], receiver: Receiver) -> TestClient:
    allowed = f"{receiver.authority},127.0.0.1:8080"
    return make_app(webhook_allowed_hosts=allowed, webhook_retry_schedule="1,1,1")


def test_a_signed_event_is_delivered_and_reported(client: TestClient, receiver: Receiver) -> None:
    invoice = parsed_invoice(client)

    accepted = send_webhook(client, invoice["id"], receiver.url, SECRET)

    assert accepted.status_code == 202
    body = accepted.json()
    record = settled(client, body["delivery_id"])
    assert record["status"] == "delivered"
    assert [attempt["status_code"] for attempt in record["attempts"]] == [200]
    (request,) = receiver.received
    assert request.signature_valid
    assert request.headers["webhook-id"] == body["webhook_id"]
    assert request.event["type"] == "invoice.parsed"
    assert request.event["data"]["id"] == invoice["id"]
    assert request.event["data"]["total_amount"] == invoice["total_amount"]
    job = client.get(body["job_url"]).json()
    assert (job["status"], job["result"]["status_code"], job["attempts"]) == ("finished", 200, 1)


def test_failing_twice_then_succeeding_gives_one_delivery_with_one_webhook_id(
    client: TestClient, receiver: Receiver
) -> None:
    receiver.script = [Answer(503), Answer(500)]
    invoice = parsed_invoice(client)

    delivery_id = send_webhook(client, invoice["id"], receiver.url, SECRET).json()["delivery_id"]

    record = settled(client, delivery_id)
    assert record["status"] == "delivered"
    assert [attempt["status_code"] for attempt in record["attempts"]] == [503, 500, 200]
    assert len({request.headers["webhook-id"] for request in receiver.received}) == 1
    assert all(request.signature_valid for request in receiver.received)
    assert receiver.received[1].at - receiver.received[0].at >= 0.9  # the schedule's 1 s


def test_gone_is_final_and_a_spent_schedule_fails(client: TestClient, receiver: Receiver) -> None:
    invoice = parsed_invoice(client)
    receiver.script = [Answer(410)]
    gone = settled(client, send_webhook(client, invoice["id"], receiver.url, SECRET).json()["delivery_id"])
    receiver.script = [Answer(500)] * 4
    spent = send_webhook(client, invoice["id"], receiver.url, SECRET).json()

    exhausted = settled(client, spent["delivery_id"])

    assert gone["status"] == "failed" and len(gone["attempts"]) == 1
    assert "410" in gone["attempts"][0]["error"]
    assert exhausted["status"] == "failed"
    assert [attempt["status_code"] for attempt in exhausted["attempts"]] == [500, 500, 500, 500]
    job = client.get(spent["job_url"]).json()
    assert (job["status"], job["attempts"]) == ("failed", 4)
    assert "500" in job["error"]


def test_retry_after_is_honoured_and_redirects_are_not_followed(client: TestClient, receiver: Receiver) -> None:
    receiver.script = [Answer(429, retry_after="2"), Answer(302, location="http://127.0.0.1:1/elsewhere")]
    invoice = parsed_invoice(client)

    record = settled(client, send_webhook(client, invoice["id"], receiver.url, SECRET).json()["delivery_id"])

    assert [attempt["status_code"] for attempt in record["attempts"]] == [429, 302, 200]
    assert receiver.received[1].at - receiver.received[0].at >= 1.9
    assert "redirect" in record["attempts"][1]["error"]
    assert len(receiver.received) == 3  # nothing went to the Location


def test_the_server_secret_signs_when_none_is_sent(make_app: Callable[..., TestClient], receiver: Receiver) -> None:
    client = make_app(webhook_allowed_hosts=receiver.authority, webhook_secret=SECRET)
    invoice = parsed_invoice(client)
    client.post(f"/api/v2/invoices/{invoice['id']}/approve")

    delivery_id = send_webhook(client, invoice["id"], receiver.url, None).json()["delivery_id"]

    assert settled(client, delivery_id)["status"] == "delivered"
    assert receiver.received[0].signature_valid
    assert receiver.received[0].event["type"] == "invoice.approved"


@pytest.mark.parametrize(
    ("url", "secret", "code", "field"),
    [
        ("http://10.0.0.5/hook", SECRET, "webhook_target_refused", "url"),
        ("http://169.254.169.254/latest/meta-data", SECRET, "webhook_target_refused", "url"),
        ("http://[::ffff:127.0.0.2]:8080/x", SECRET, "webhook_target_refused", "url"),
        ("ftp://example.com/x", SECRET, "webhook_target_refused", "url"),
        ("http://127.0.0.1:22/x", SECRET, "webhook_target_refused", "url"),
        ("http://127.0.0.1:8080/x", "not-a-secret", "invalid_secret", "secret"),
        ("http://127.0.0.1:8080/x", "whsec_é" + SECRET.removeprefix("whsec_"), "invalid_secret", "secret"),
        ("http://127.0.0.1:8080/x", None, "webhook_secret_required", "secret"),
    ],
)
def test_refused_targets_and_secrets(client: TestClient, url: str, secret: str | None, code: str, field: str) -> None:
    invoice = parsed_invoice(client)

    response = send_webhook(client, invoice["id"], url, secret)

    assert response.status_code == 422
    assert (response.json()["error"]["code"], response.json()["error"]["field"]) == (code, field)
    if secret:
        assert secret not in response.text


def test_private_targets_are_refused_unless_allowed(make_app: Callable[..., TestClient], receiver: Receiver) -> None:
    strict = make_app()
    invoice = parsed_invoice(strict)

    response = send_webhook(strict, invoice["id"], receiver.url, SECRET)

    assert response.status_code == 422
    assert "WEBHOOK_ALLOWED_HOSTS" in response.json()["error"]["message"]
    assert receiver.received == []


def test_deliveries_and_jobs_of_other_sessions_are_not_found(client: TestClient, receiver: Receiver) -> None:
    invoice = parsed_invoice(client)
    body = send_webhook(client, invoice["id"], receiver.url, SECRET).json()
    stranger = TestClient(client.app)

    assert stranger.get(body["status_url"]).status_code == 404
    assert stranger.get(body["job_url"]).status_code == 404
    assert client.get("/api/v2/webhooks/deliveries/dlv_nothing").json()["error"]["code"] == "delivery_not_found"


def test_job_metrics_count_each_step(client: TestClient, receiver: Receiver) -> None:
    def counted(event: str) -> float:
        value = REGISTRY.get_sample_value("jobs_total", {"kind": "webhook", "event": event})
        return value or 0.0

    before = {event: counted(event) for event in ("queued", "started", "retried", "finished")}
    latency_before = REGISTRY.get_sample_value("webhook_delivery_latency_seconds_count") or 0.0
    receiver.script = [Answer(500)]
    invoice = parsed_invoice(client)

    settled(client, send_webhook(client, invoice["id"], receiver.url, SECRET).json()["delivery_id"])

    assert {event: counted(event) - before[event] for event in before} == {
        "queued": 1,
        "started": 2,
        "retried": 1,
        "finished": 1,
    }
    assert (REGISTRY.get_sample_value("webhook_delivery_latency_seconds_count") or 0.0) == latency_before + 1
    assert 'jobs_total{event="finished",kind="webhook"}' in client.get("/metrics").text


def test_the_backlog_shows_a_delivery_waiting_to_retry(make_app: Callable[..., TestClient], receiver: Receiver) -> None:
    client = make_app(webhook_allowed_hosts=receiver.authority, webhook_retry_schedule="60")
    receiver.script = [Answer(500)]
    invoice = parsed_invoice(client)
    job_url = send_webhook(client, invoice["id"], receiver.url, SECRET).json()["job_url"]
    while not client.get(job_url).json()["next_retry_at"]:
        time.sleep(0.05)

    metrics = client.get("/metrics").text

    assert sample(metrics, "jobs_backlog", queue="webhooks", state="retrying") == 1
    assert sample(metrics, "jobs_backlog", queue="webhooks", state="running") == 0
