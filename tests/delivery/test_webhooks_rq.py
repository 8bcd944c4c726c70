"""Webhooks through Redis and a real RQ worker (`python -m workers`, a separate process)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import zlib
from collections.abc import Callable

import httpx2
import pytest
import redis
from fastapi.testclient import TestClient
from redis import Redis
from rq.registry import StartedJobRegistry

from tests.conftest import ROOT, TEST_SECRET_KEY, WorkerFactory, corpus_bytes, free_port, sample
from tests.delivery.conftest import parsed_invoice, send_webhook, settled
from tests.delivery.receiver import SECRET, Answer, Receiver


@pytest.fixture
def client(make_app: Callable[..., TestClient], redis_url: str, receiver: Receiver) -> TestClient:
    return make_app(redis_url=redis_url, webhook_allowed_hosts=receiver.authority, webhook_retry_schedule="1,1,1")


def test_a_worker_delivers_a_signed_event(client: TestClient, receiver: Receiver, start_worker: WorkerFactory) -> None:
    start_worker()
    invoice = parsed_invoice(client)

    body = send_webhook(client, invoice["id"], receiver.url, SECRET).json()

    record = settled(client, body["delivery_id"])
    assert record["status"] == "delivered"
    (request,) = receiver.received
    assert request.signature_valid and request.event["data"]["id"] == invoice["id"]
    job = client.get(body["job_url"]).json()
    assert (job["status"], job["result"]["status_code"], job["attempts"]) == ("finished", 200, 1)


def test_two_failures_then_one_delivery_with_the_same_webhook_id(
    client: TestClient, receiver: Receiver, start_worker: WorkerFactory
) -> None:
    metrics_port = free_port()
    start_worker("--metrics-port", str(metrics_port))
    receiver.script = [Answer(500), Answer(429, retry_after="2")]
    invoice = parsed_invoice(client)

    body = send_webhook(client, invoice["id"], receiver.url, SECRET).json()

    record = settled(client, body["delivery_id"])
    assert [attempt["status_code"] for attempt in record["attempts"]] == [500, 429, 200]
    assert [request.headers["webhook-id"] for request in receiver.received] == [body["webhook_id"]] * 3
    assert all(request.signature_valid for request in receiver.received)
    assert receiver.received[2].at - receiver.received[1].at >= 1.9  # Retry-After: 2 over the 1 s schedule
    assert client.get(body["job_url"]).json()["status"] == "finished"
    worker_metrics = httpx2.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).text
    counts = {
        event: sample(worker_metrics, "jobs_total", kind="webhook", event=event)
        for event in ("started", "retried", "finished", "failed")
    }
    assert counts == {"started": 3, "retried": 2, "finished": 1, "failed": None}
    assert sample(worker_metrics, "webhook_delivery_latency_seconds_count") == 1


def test_the_backlog_shows_jobs_waiting_for_a_worker(client: TestClient, receiver: Receiver) -> None:
    invoice = parsed_invoice(client)
    send_webhook(client, invoice["id"], receiver.url, SECRET)

    metrics = client.get("/metrics").text

    assert sample(metrics, "jobs_backlog", queue="webhooks", state="waiting") == 1
    assert sample(metrics, "jobs_backlog", queue="exports", state="waiting") == 0
    assert receiver.received == []


def test_a_worker_killed_mid_delivery_does_not_lose_it(
    client: TestClient, receiver: Receiver, start_worker: WorkerFactory, redis_url: str
) -> None:
    first = start_worker()
    receiver.script = [Answer(200, pause=60)]  # the first attempt hangs: the worker dies in it
    invoice = parsed_invoice(client)
    body = send_webhook(client, invoice["id"], receiver.url, SECRET).json()
    assert receiver.arrived.wait(30)

    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    # What time does for a dead worker: its job's heartbeat expires (RQ then retries an abandoned
    # job that has retries left) and its scheduler lock lapses.
    connection = redis.Redis.from_url(redis_url)
    StartedJobRegistry("webhooks", connection=connection).cleanup(timestamp=time.time() + 3600)
    connection.delete(*connection.keys("rq:scheduler-lock:*"))
    start_worker()

    record = settled(client, body["delivery_id"])
    assert record["status"] == "delivered"
    assert len(receiver.received) == 2
    assert {request.headers["webhook-id"] for request in receiver.received} == {body["webhook_id"]}


def test_with_redis_down_from_the_start_parsing_works_and_delivery_says_503(
    make_app: Callable[..., TestClient], receiver: Receiver
) -> None:
    client = make_app(redis_url="redis://127.0.0.1:1/0", webhook_allowed_hosts=receiver.authority)

    parse = client.post(
        "/api/v2/invoices/parse", files={"file": ("a.pdf", corpus_bytes("us-invoice-01.pdf"), "application/pdf")}
    )
    webhook = send_webhook(client, parse.json()["id"], receiver.url, SECRET)

    assert parse.status_code == 201
    assert webhook.status_code == 503
    assert webhook.json()["error"]["code"] == "queue_unavailable"
    assert webhook.headers["retry-after"]
    assert receiver.received == []


def test_readiness_names_the_queue_when_redis_is_down(make_app: Callable[..., TestClient], redis_url: str) -> None:
    down = make_app(redis_url="redis://127.0.0.1:1/0")
    up = make_app(redis_url=redis_url)

    not_ready = down.get("/health/ready")

    assert not_ready.status_code == 503
    assert not_ready.json()["checks"]["job_queue"] == "down"
    assert "job_queue" in not_ready.json()["error"]["message"]
    assert up.get("/health/ready").json()["checks"]["job_queue"] == "ok"
    assert down.get("/").json()["features"]["redis"] is True


def test_a_worker_refuses_a_metrics_port_it_cannot_use(redis_url: str) -> None:
    environment = {**os.environ, "REDIS_URL": redis_url, "APP_ENV": "test", "SECRET_KEY": TEST_SECRET_KEY}
    with socket.socket() as holder:
        holder.bind(("0.0.0.0", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        for port in (taken, 70000):
            result = subprocess.run(
                [sys.executable, "-m", "workers", "--burst", "--metrics-port", str(port)],
                cwd=ROOT,
                env=environment,
                capture_output=True,
                text=True,
                timeout=60,
            )

            assert result.returncode == 2
            assert f"Cannot serve metrics on port {port}" in result.stderr


def _redis_mentions(connection: Redis, needles: list[bytes]) -> dict[bytes, list[bytes]]:
    """Every key whose value (any type; RQ's zlib-compressed job data opened) holds a needle."""
    found: dict[bytes, list[bytes]] = {}
    for key in connection.scan_iter(count=1000):
        kind = connection.type(key)
        if kind == b"string":
            values = [connection.get(key) or b""]
        elif kind == b"hash":
            values = list(connection.hgetall(key).values())
        elif kind == b"list":
            values = connection.lrange(key, 0, -1)
        elif kind == b"set":
            values = list(connection.smembers(key))
        elif kind == b"zset":
            values = connection.zrange(key, 0, -1)
        else:
            values = []
        for value in values:
            texts = [value]
            with contextlib.suppress(zlib.error):
                texts.append(zlib.decompress(value))
            hits = [needle for needle in needles if any(needle in text for text in texts)]
            if hits:
                found.setdefault(key, []).extend(hits)
    return found


def test_queued_jobs_keep_no_invoice_or_secret_readable_and_logout_deletes_them(
    client: TestClient, receiver: Receiver, redis_url: str
) -> None:
    invoice = parsed_invoice(client)
    accepted = send_webhook(client, invoice["id"], receiver.url, SECRET).json()  # no worker: it stays queued
    connection = Redis.from_url(redis_url)
    invoice_text = [invoice["invoice_number"].encode(), invoice["vendor"].encode()]
    secret_forms = [SECRET.encode(), SECRET.removeprefix("whsec_").encode()]

    while_queued = _redis_mentions(connection, [*invoice_text, *secret_forms])
    assert all(key.startswith(b"sess:") for key in while_queued), while_queued  # only the session holds the invoice
    assert not [key for key, hits in while_queued.items() if set(hits) & set(secret_forms)]
    assert _redis_mentions(connection, [accepted["delivery_id"].encode()])  # the job and its record exist

    assert client.post("/api/auth/logout").status_code == 204

    assert _redis_mentions(connection, [*invoice_text, *secret_forms, accepted["delivery_id"].encode()]) == {}


def test_a_delivery_lives_no_longer_than_its_session(
    make_app: Callable[..., TestClient], redis_url: str, receiver: Receiver
) -> None:
    """The standard schedule retries for days; the invoice a delivery carries, and its record, go
    with its session."""
    client = make_app(redis_url=redis_url, webhook_allowed_hosts=receiver.authority, session_max_age=600)
    invoice = parsed_invoice(client)
    accepted = send_webhook(client, invoice["id"], receiver.url, SECRET).json()  # no worker: it stays queued
    connection = Redis.from_url(redis_url)
    sealed = connection.ttl(f"invoice-service:job-private:{accepted['delivery_id']}")
    assert 0 < sealed <= 601
    # nor does its record (kept 7 days before), whose URL may carry the caller's token
    assert 0 < connection.ttl(f"delivery:{accepted['delivery_id']}") <= 601
    assert client.get(accepted["status_url"]).json()["kept_until"]


@pytest.mark.parametrize("job_id", ["a.b", "a b", "é"])
def test_a_job_id_rq_could_not_have_made_is_not_found(client: TestClient, job_id: str) -> None:
    response = client.get(f"/api/v2/jobs/{job_id}")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "job_not_found")
