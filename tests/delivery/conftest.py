"""Fixtures for delivery tests: a receiver and helpers to send and follow a webhook."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ROOT, TEST_SECRET_KEY, corpus_bytes, upload
from tests.delivery.receiver import Receiver, running_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


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


WorkerFactory = Callable[..., subprocess.Popen[bytes]]


@pytest.fixture
def start_worker(redis_url: str, tmp_path: Path) -> Iterator[WorkerFactory]:
    """Starts `python -m workers [arguments]` processes on the test database; all are stopped after
    the test."""
    started: list[subprocess.Popen[bytes]] = []

    def start(*arguments: str, **settings: str) -> subprocess.Popen[bytes]:
        environment = {
            **os.environ,
            "REDIS_URL": redis_url,
            "APP_ENV": "test",
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": TEST_SECRET_KEY,
            **settings,
        }
        with (tmp_path / f"worker-{len(started)}.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "workers", *arguments],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
