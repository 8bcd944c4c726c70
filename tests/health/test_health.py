"""Service info, health, readiness, metrics and the OpenAPI description."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.conftest import corpus_bytes, sample, upload, wait_until_ready


def test_service_info(client: TestClient) -> None:
    body = client.get("/").json()
    assert body["name"] == "invoice-parsing-service"
    assert body["version"]
    assert body["features"] == {"redis": False, "s3": False, "imap": True, "ocr": False}
    assert body["ocr_engine"] == "none"


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"session_store": "ok", "job_queue": "ok", "parse_pool": "ok"}
    assert "set-cookie" not in ready.headers  # no session outside /api


def test_ready_waits_for_the_parse_workers_to_warm_up(make_app: Callable[..., TestClient]) -> None:
    """Ready once every worker has read a first invoice: the first client's parse no longer pays
    for starting the workers (1.2 s, 60 times a warm parse)."""
    client = make_app()
    starting = client.get("/health/ready")
    assert starting.status_code == 503
    assert starting.json()["checks"]["parse_pool"] == "warming"
    assert "parse_pool warming" in starting.json()["error"]["message"]
    wait_until_ready(client)
    assert client.app.state.parse_pool.warmed  # type: ignore[attr-defined]


def test_ready_names_what_is_down(make_app: object) -> None:
    client = make_app()  # type: ignore[operator]
    client.app.state.parse_pool.close()
    response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["parse_pool"] == "down"
    assert body["error"]["code"] == "not_ready"


def test_metrics_count_requests_and_documents(client: TestClient) -> None:
    client.get("/health")
    upload(client, corpus_bytes("us-invoice-01.pdf"))
    upload(client, b"not a pdf")
    text = client.get("/metrics").text
    assert 'http_requests_total{method="POST",route="/api/v2/invoices/parse",status="201"}' in text
    assert 'http_requests_total{method="POST",route="/api/v2/invoices/parse",status="415"}' in text
    assert 'http_request_duration_seconds_count{method="GET",route="/health"}' in text
    assert 'documents_total{outcome="unsupported_media_type"}' in text
    assert 'parse_duration_seconds_count{outcome="ok"}' in text


def test_made_up_methods_share_one_metrics_label(client: TestClient) -> None:
    """Labelled by the method as sent, 200 made-up methods of 5 KB grew /metrics to 20 MB."""
    for number in range(3):
        assert client.request(f"X{number}" + "M" * 5000, "/health").status_code == 405
    text = client.get("/metrics").text
    counted = sample(text, "http_requests_total", method="OTHER", route="/health", status="405")
    assert counted is not None and counted >= 3
    assert "MMMMM" not in text


def test_openapi_describes_every_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    expected = {
        ("get", "/"),
        ("get", "/health"),
        ("get", "/health/ready"),
        ("get", "/metrics"),
        ("post", "/api/auth/anonymous-session"),
        ("post", "/api/auth/logout"),
        ("post", "/api/v2/invoices/parse"),
        ("get", "/api/v2/invoices"),
        ("get", "/api/v2/invoices/{invoice_id}"),
        ("delete", "/api/v2/invoices/{invoice_id}"),
        ("post", "/api/v2/invoices/batch-delete"),
    }
    documented = {(method, path) for path, item in spec["paths"].items() for method in item}
    assert expected <= documented
    for path, method in ((p, m) for m, p in expected):
        assert spec["paths"][path][method].get("description") or spec["paths"][path][method].get("summary")
    assert "multipart/form-data" in spec["paths"]["/api/v2/invoices/parse"]["post"]["requestBody"]["content"]
    assert client.get("/docs").status_code == 200


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    assert client.get("/health", headers={"x-request-id": "abc-123"}).headers["x-request-id"] == "abc-123"
    made = client.get("/health", headers={"x-request-id": "bad id with spaces"}).headers["x-request-id"]
    assert len(made) == 32 and " " not in made


def test_web_page_is_served(client: TestClient) -> None:
    page = client.get("/static/")
    assert page.status_code == 200
    assert '<title data-i18n="title">Invoices</title>' in page.text
    assert client.get("/static/js/main.js").status_code == 200


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_load_everything_from_the_app(client: TestClient, page: str) -> None:
    """Offline machines cannot reach a CDN: every script, style and icon of the docs is the app's."""
    html = client.get(page).text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)
    assert assets and not [url for url in assets if "://" in url], assets
    for url in assets:
        assert client.get(url).status_code == 200, url


def test_a_browser_opening_the_root_gets_the_page(client: TestClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
    page = client.get("/", headers={"Accept": browser})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["vary"] == "Accept"
    assert "/static/js/main.js" in page.text
    for api_client in ("*/*", "application/json", "application/json, text/html;q=0.5", ""):
        answer = client.get("/", headers={"Accept": api_client})
        assert answer.headers["content-type"] == "application/json", api_client
        assert answer.headers["vary"] == "Accept"
        assert answer.json()["name"] == "invoice-parsing-service"
