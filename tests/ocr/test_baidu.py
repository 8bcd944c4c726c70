"""OCR_ENGINE=baidu end to end: scanned PDFs go to a local server speaking Baidu's protocol."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.settings import Settings
from app.ocr.baidu import BaiduVatOcr
from app.ocr.cache import MemoryResultCache
from tests.conftest import CORPUS, corpus_bytes, upload
from tests.ocr.fake_baidu import API_KEY, SECRET_KEY, FakeBaidu, fake_baidu

SCAN = "cn-fapiao-scan-05.pdf"
RESULT = "cn-fapiao-ocr-01.ocr.json"


@pytest.fixture
def baidu() -> Iterator[FakeBaidu]:
    with fake_baidu(corpus_bytes(RESULT)) as fake:
        yield fake


@pytest.fixture
def baidu_app(make_app: Callable[..., TestClient], baidu: FakeBaidu) -> Callable[..., TestClient]:
    def start(**overrides: Any) -> TestClient:
        settings: dict[str, Any] = {
            "ocr_engine": "baidu",
            "baidu_ocr_api_key": API_KEY,
            "baidu_ocr_secret_key": SECRET_KEY,
            "baidu_ocr_url": baidu.url,
            "ocr_backoff_seconds": 0.01,
            "ocr_qps_limit": 100,
        }
        return make_app(**{**settings, **overrides})

    return start


def _truth() -> dict[str, Any]:
    truth: dict[str, Any] = json.loads((CORPUS / "docs" / RESULT.replace(".ocr.json", ".json")).read_text())
    return truth


def test_a_scan_is_read_by_the_service_and_parsed_like_ocr_json(
    baidu_app: Callable[..., TestClient], baidu: FakeBaidu
) -> None:
    scan = corpus_bytes(SCAN)
    response = upload(baidu_app(), scan, name="scan.pdf")

    assert response.status_code == 201, response.text
    invoice, truth = response.json(), _truth()
    assert invoice["input_format"] == "pdf_scanned"
    assert invoice["pages"] == 1
    for name in ("vendor", "vendor_tax_id", "buyer", "invoice_number", "invoice_date", "total_amount", "tax_amount"):
        assert invoice[name] == truth[name], name
    assert len(invoice["line_items"]) == len(truth["line_items"])
    assert len(baidu.tokens) == 1
    assert [(call.document, call.page) for call in baidu.calls] == [(scan, "1")]


def test_throttling_is_retried_with_the_same_token(baidu_app: Callable[..., TestClient], baidu: FakeBaidu) -> None:
    baidu.script[:] = ["throttle", "busy", "throttle"]

    response = upload(baidu_app(), corpus_bytes(SCAN))

    assert response.status_code == 201, response.text
    assert len(baidu.calls) == 4
    assert len(baidu.tokens) == 1 and {call.token for call in baidu.calls} == set(baidu.tokens)


def test_throttled_past_the_attempts_is_a_503_and_the_session_keeps_nothing(
    baidu_app: Callable[..., TestClient], baidu: FakeBaidu
) -> None:
    baidu.script[:] = ["throttle"] * 10
    client = baidu_app(ocr_max_attempts=3)

    response = upload(client, corpus_bytes(SCAN))

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "ocr_unavailable"
    assert response.headers["Retry-After"].isdigit()
    assert len(baidu.calls) == 3
    assert client.get("/api/v2/invoices").json()["total"] == 0


def test_an_expired_token_is_fetched_again(baidu_app: Callable[..., TestClient], baidu: FakeBaidu) -> None:
    baidu.script[:] = ["expire"]

    response = upload(baidu_app(), corpus_bytes(SCAN))

    assert response.status_code == 201, response.text
    assert len(baidu.tokens) == 2
    assert [call.token for call in baidu.calls] == baidu.tokens


def test_an_exhausted_quota_is_not_retried(baidu_app: Callable[..., TestClient], baidu: FakeBaidu) -> None:
    baidu.script[:] = ["quota"]

    response = upload(baidu_app(), corpus_bytes(SCAN))

    assert response.status_code == 503
    assert "quota" in response.json()["error"]["message"]
    assert len(baidu.calls) == 1


def test_a_document_the_service_cannot_read_is_a_422(baidu_app: Callable[..., TestClient], baidu: FakeBaidu) -> None:
    baidu.script[:] = ["unreadable"]

    response = upload(baidu_app(), corpus_bytes(SCAN))

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "scanned_pdf_needs_ocr"
    assert "'ocr' part" in response.json()["error"]["message"]


def test_refused_credentials_are_a_503_that_names_the_setting_not_the_secret(
    baidu_app: Callable[..., TestClient], baidu: FakeBaidu, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong_secret = "wrong-secret-that-must-not-leak"

    response = upload(baidu_app(baidu_ocr_secret_key=wrong_secret), corpus_bytes(SCAN))

    assert response.status_code == 503
    assert "BAIDU_OCR_SECRET_KEY" in response.json()["error"]["message"]
    assert wrong_secret not in response.text
    assert not baidu.calls
    assert all(wrong_secret not in record.getMessage() + str(record.__dict__) for record in caplog.records)


def test_the_same_file_is_paid_for_once(baidu_app: Callable[..., TestClient], baidu: FakeBaidu) -> None:
    client = baidu_app()
    scan = corpus_bytes(SCAN)

    first, second = upload(client, scan), upload(client, scan)

    assert first.status_code == second.status_code == 201
    assert first.json()["total_amount"] == second.json()["total_amount"]
    assert len(baidu.calls) == 1


def test_with_redis_two_instances_share_the_cache(
    baidu_app: Callable[..., TestClient], baidu: FakeBaidu, redis_url: str
) -> None:
    scan = corpus_bytes(SCAN)

    first = upload(baidu_app(redis_url=redis_url), scan)
    second = upload(baidu_app(redis_url=redis_url), scan)

    assert first.status_code == second.status_code == 201
    assert second.json()["invoice_number"] == _truth()["invoice_number"]
    assert len(baidu.calls) == 1


def test_a_text_pdf_never_reaches_the_service(baidu_app: Callable[..., TestClient], baidu: FakeBaidu) -> None:
    response = upload(baidu_app(), corpus_bytes("cn-fapiao-01.pdf"))

    assert response.status_code == 201
    assert response.json()["input_format"] == "pdf_text"
    assert not baidu.calls and not baidu.tokens


def test_calls_are_spaced_by_the_qps_limit(baidu: FakeBaidu) -> None:
    qps = 5.0
    client = BaiduVatOcr(
        api_key=API_KEY,
        secret_key=SECRET_KEY,
        base_url=baidu.url,
        cache=MemoryResultCache(ttl_seconds=60, max_entries=10),
        qps_limit=qps,
        attempts=1,
        backoff_seconds=0,
        timeout_seconds=5,
    )

    async def recognise_four() -> None:
        try:
            await asyncio.gather(*(client.recognise(b"%%PDF-1.4 document %d" % n) for n in range(4)))
        finally:
            await client.close()

    asyncio.run(recognise_four())

    times = sorted(call.at for call in baidu.calls)
    assert len(times) == 4
    # The limiter's own clock and the server's differ by scheduling jitter only.
    assert all(later - earlier >= 0.8 / qps for earlier, later in itertools.pairwise(times))


def test_baidu_without_keys_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="BAIDU_OCR_API_KEY"):
        Settings(ocr_engine="baidu", baidu_ocr_api_key="only-one")
