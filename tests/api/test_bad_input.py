"""Every kind of bad upload gets a JSON error with a code, the right 4xx, and the session keeps its data."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfWriter

from tests.conftest import corpus_bytes, upload
from tests.hostile import text_bomb_pdf


def _blank_pdf(pages: int, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _truncated() -> bytes:
    data = corpus_bytes("de-rechnung-01.pdf")
    return data[: len(data) // 3]


CASES: list[tuple[str, Callable[[], bytes], int, str]] = [
    ("empty", lambda: b"", 400, "empty_file"),
    ("whitespace only", lambda: b"  \n\t ", 400, "empty_file"),
    ("png named .pdf", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, 415, "unsupported_media_type"),
    ("plain text", lambda: b"Invoice 42, total 100.00 EUR", 415, "unsupported_media_type"),
    ("encrypted", lambda: _blank_pdf(1, password="s3cret"), 422, "encrypted_pdf"),
    ("too many pages", lambda: _blank_pdf(6), 422, "too_many_pages"),
    ("garbage after header", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 20, 422, "corrupt_pdf"),
    ("truncated", _truncated, 422, "corrupt_pdf"),
    ("image only (scanned)", lambda: corpus_bytes("de-rechnung-scan-02.pdf"), 422, "scanned_pdf_needs_ocr"),
]


@pytest.mark.parametrize(("data", "status", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_document_gets_clear_error_and_session_keeps_data(
    client: TestClient, data: Callable[[], bytes], status: int, code: str
) -> None:
    kept = upload(client, corpus_bytes("uk-invoice-01.pdf")).json()["id"]

    response = upload(client, data(), "invoice.pdf")

    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert len(error["message"]) > 20 and "Traceback" not in error["message"]
    listed = client.get("/api/v2/invoices").json()
    assert [item["id"] for item in listed["items"]] == [kept]


def test_file_larger_than_limit_is_413(make_app: Callable[..., TestClient]) -> None:
    client = make_app(max_upload_bytes=50_000)
    response = upload(client, b"%PDF-1.4\n" + b"0" * 60_000)
    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "file_too_large",
        "message": "The part 'file' is larger than the limit of 50,000 bytes. Upload a smaller file.",
        "field": "file",
    }


def test_declared_oversized_body_is_refused_before_reading(client: TestClient) -> None:
    response = client.post(
        "/api/v2/invoices/parse",
        content=b"--x--\r\n",
        headers={"content-type": "multipart/form-data; boundary=x", "content-length": str(10**10)},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"


def test_not_multipart_is_415(client: TestClient) -> None:
    response = client.post("/api/v2/invoices/parse", json={"file": "x"})
    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["error"]["message"]


def test_missing_file_part_is_400(client: TestClient) -> None:
    response = client.post("/api/v2/invoices/parse", files={"document": ("a.pdf", b"%PDF-1.4", "application/pdf")})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unexpected_part"
    response = client.post("/api/v2/invoices/parse", data={}, files={})
    assert response.status_code in (400, 415)


def test_malformed_multipart_is_400(client: TestClient) -> None:
    response = client.post(
        "/api/v2/invoices/parse",
        content=b"this is not multipart at all",
        headers={"content-type": "multipart/form-data; boundary=zzz"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("malformed_multipart", "missing_file")


def test_parser_hang_is_stopped_and_worker_replaced(make_app: Callable[..., TestClient]) -> None:
    client = make_app(parse_timeout_seconds=1, parse_memory_mb=16_384, parse_workers=1)
    kept = upload(client, corpus_bytes("us-invoice-01.pdf")).json()["id"]

    response = upload(client, text_bomb_pdf())

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "parse_timeout"
    # the only worker was killed; a fresh one serves the next document
    after = upload(client, corpus_bytes("us-invoice-04.pdf"))
    assert after.status_code == 201
    assert [item["id"] for item in client.get("/api/v2/invoices").json()["items"]] == [kept, after.json()["id"]]


def test_parser_memory_bomb_is_stopped(make_app: Callable[..., TestClient]) -> None:
    client = make_app(parse_timeout_seconds=60, parse_memory_mb=512, parse_workers=1)

    response = upload(client, text_bomb_pdf())

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "parse_resources_exceeded"
    assert upload(client, corpus_bytes("us-invoice-04.pdf")).status_code == 201
