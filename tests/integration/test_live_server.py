"""The service as a real process: both ways to start it, concurrency, logs, start-up errors."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import httpx2
import pytest

from tests.conftest import corpus_bytes
from tests.hostile import text_bomb_pdf
from tests.integration.live import ROOT, live_server

pytestmark = pytest.mark.live


def _parse(url: str, data: bytes, **kwargs: object) -> httpx2.Response:
    files = {"file": ("invoice.pdf", data, "application/pdf")}
    return httpx2.post(f"{url}/api/v2/invoices/parse", files=files, timeout=60, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("command", ["uvicorn", "python"])
def test_both_entry_points_serve(tmp_path: Path, command: str) -> None:
    with live_server(tmp_path, command=command, SECRET_KEY="k" * 40) as server:
        assert httpx2.get(f"{server.url}/").json()["name"] == "invoice-parsing-service"
        response = _parse(server.url, corpus_bytes("us-invoice-01.pdf"))
        assert response.status_code == 201
        assert response.json()["total_amount"] == "19696.87"


def test_slow_parse_does_not_hold_up_health(tmp_path: Path) -> None:
    with live_server(tmp_path, PARSE_WORKERS="1", PARSE_MEMORY_MB="16384", PARSE_TIMEOUT_SECONDS="60") as server:
        results: list[httpx2.Response] = []
        slow = threading.Thread(target=lambda: results.append(_parse(server.url, text_bomb_pdf())))
        slow.start()
        served_meanwhile = 0
        while slow.is_alive() and served_meanwhile < 20:
            assert httpx2.get(f"{server.url}/health", timeout=5).status_code == 200
            served_meanwhile += 1
        slow.join(timeout=90)
        assert served_meanwhile >= 5, "health answered while the parse was still running"
        assert results and results[0].status_code in (201, 422)


def test_logs_are_json_with_request_ids_and_no_secrets(tmp_path: Path) -> None:
    secret = "super-secret-signing-key-" + "x" * 20
    with live_server(tmp_path, SECRET_KEY=secret) as server:
        token = httpx2.post(f"{server.url}/api/auth/anonymous-session").json()["token"]
        document = corpus_bytes("de-rechnung-01.pdf")
        _parse(server.url, document, headers={"Authorization": f"Bearer {token}"})
        _parse(server.url, b"%PDF-1.4 broken INVOICE-CONTENT-MARKER", headers={"Authorization": f"Bearer {token}"})
    lines = server.log_lines()
    records = [json.loads(line) for line in lines if line.strip()]
    requests = [r for r in records if r.get("message") == "request"]
    assert len(requests) >= 3
    assert all(r["request_id"] and r["route"] and r["status"] for r in requests)
    text = "\n".join(lines)
    for leaked in (secret, token, "INVOICE-CONTENT-MARKER", "RE-2024-00157", "Müller"):
        assert leaked not in text


def test_production_without_secret_refuses_to_start() -> None:
    result = subprocess.run(
        [sys.executable, "main.py"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "APP_ENV": "production", "HOME": "/tmp"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr
