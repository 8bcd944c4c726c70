"""Shared fixtures: the corpus, test settings, a running app and HTTP clients."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx2
import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from app.core.settings import Settings
from app.factory import create_app
from tests.delivery.receiver import Receiver, running_receiver

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("INVOICE_CORPUS", ROOT.parent / "shared" / "corpus"))
IN_CI = os.environ.get("CI", "").lower() == "true"
#: The tests' own database on the machine's Redis, flushed around each test that uses it.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def need(condition: bool, reason: str) -> None:
    """Skip for a missing prerequisite locally; in CI a missing prerequisite is a failure."""
    if not condition:
        if IN_CI:
            pytest.fail(f"required in CI: {reason}")
        pytest.skip(reason)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def corpus_bytes(name: str) -> bytes:
    path = CORPUS / "docs" / name
    need(path.is_file(), f"corpus file {path} (set INVOICE_CORPUS to the corpus folder)")
    return path.read_bytes()


#: The apps' SECRET_KEY in tests; a worker started by a test gets it too (it opens the jobs' sealed data).
TEST_SECRET_KEY = "test-secret-key-not-for-production"


def settings_for_tests(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "app_env": "test",
        "secret_key": TEST_SECRET_KEY,
        "parse_workers": 2,
        "parse_timeout_seconds": 30,
        "max_upload_bytes": 2 * 1024 * 1024,
        "max_pages": 5,
        "rate_limit_per_session": 0,  # tests poll and upload freely; test_rate_limits.py switches them on
        "rate_limit_per_address": 0,
        "ocr_engine": "none",  # scans are refused unless a test chooses an engine (tests/ocr/)
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The URL of an empty Redis database (a real server: bash scripts/start-services)."""
    connection = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        connection.ping()
    except redis.RedisError:
        need(False, f"a Redis server at {TEST_REDIS_URL} (bash scripts/start-services)")
    connection.flushdb()
    yield TEST_REDIS_URL
    connection.flushdb()
    connection.close()


@pytest.fixture(scope="session")
def running_app() -> Iterator[FastAPI]:
    """One app with its parse pool started, shared by the tests that need no special limits."""
    application = create_app(settings_for_tests())
    with TestClient(application) as started:
        wait_until_ready(started)
        yield application


def wait_until_ready(client: TestClient, timeout: float = 60) -> None:
    """Until /health/ready says ready: the parse workers warm up after the app starts."""
    deadline = time.monotonic() + timeout
    while client.get("/health/ready").status_code != 200:
        assert time.monotonic() < deadline, client.get("/health/ready").json()
        time.sleep(0.05)


def finished(client: TestClient, status_url: str, timeout: float = 60) -> dict[str, Any]:
    """The job at ``status_url`` once it has finished or failed (or as it is at the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(status_url).json()
        if job["status"] in ("finished", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


@pytest.fixture
def client(running_app: FastAPI) -> TestClient:
    """A fresh client (no cookies) on the shared running app."""
    return TestClient(running_app)


@pytest.fixture
def make_app() -> Iterator[Callable[..., TestClient]]:
    """Start an app with its own settings; returns a client on it. Stopped after the test."""
    opened: list[TestClient] = []

    def start(**overrides: Any) -> TestClient:
        test_client = TestClient(create_app(settings_for_tests(**overrides)))
        test_client.__enter__()
        opened.append(test_client)
        return test_client

    yield start
    for test_client in opened:
        test_client.__exit__(None, None, None)


def upload(client: TestClient, data: bytes, name: str = "invoice.pdf", **kwargs: Any) -> Any:
    return client.post("/api/v2/invoices/parse", files={"file": (name, data, "application/pdf")}, **kwargs)


def sample(metrics_text: str, name: str, **labels: str) -> float | None:
    """A sample's value in Prometheus text, or None when it is not there."""
    for family in text_string_to_metric_families(metrics_text):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return float(found.value)
    return None


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


BUCKET = "invoice-exports-test"


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """moto's S3 server, over HTTP on 127.0.0.1."""
    port = free_port()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        need(False, "moto's server (pip install 'moto[server]')")
        raise
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx2.get(url, timeout=1)
            break
        except httpx2.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                need(False, "moto's server did not start (pip install 'moto[server]')")
            time.sleep(0.2)
    yield url
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=10)


@pytest.fixture
def s3_settings(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Settings that export to a bucket on moto's server, with AWS credentials it accepts."""
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing-secret"),
        ("AWS_DEFAULT_REGION", "eu-central-1"),
    ):
        monkeypatch.setenv(name, value)
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="eu-central-1")
    existing = {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}
    if BUCKET not in existing:
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    return {
        "enable_s3": True,
        "s3_bucket": BUCKET,
        "s3_region": "eu-central-1",
        "s3_endpoint_url": moto_url,
        "s3_url_expires": 600,
        "s3_retry_schedule": "1,1",
    }


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running
