"""The streaming multipart reader stops an oversized upload while it arrives."""

from __future__ import annotations

import asyncio

import pytest
from starlette.requests import Request

from app.core.errors import AppError
from app.invoices.uploads import FormParts, read_multipart

BOUNDARY = b"b0undary"
FORM = FormParts(frozenset({"file"}), "Send the document as 'file'.")


def _request(chunks: list[bytes], consumed: list[int], content_length: int | None = None) -> Request:
    headers = [(b"content-type", b"multipart/form-data; boundary=" + BOUNDARY)]
    if content_length is not None:
        headers.append((b"content-length", str(content_length).encode()))
    pending = list(chunks)

    async def receive() -> dict[str, object]:
        consumed.append(1)
        chunk = pending.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    return Request({"type": "http", "method": "POST", "path": "/", "headers": headers}, receive)


def _body_chunks(file_bytes: int, chunk: int = 1024) -> list[bytes]:
    head = b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
    payload = head + b"x" * file_bytes + b"\r\n--" + BOUNDARY + b"--\r\n"
    return [payload[i : i + chunk] for i in range(0, len(payload), chunk)]


def test_oversized_part_is_refused_mid_stream() -> None:
    chunks = _body_chunks(file_bytes=1_000_000)
    consumed: list[int] = []
    with pytest.raises(AppError) as caught:
        asyncio.run(read_multipart(_request(chunks, consumed), FORM, max_part_bytes=10_000, max_parts=2))
    assert caught.value.status == 413
    assert len(consumed) < 15 < len(chunks)  # stopped after ~10 KB of a ~1 MB body


def test_small_upload_is_read_whole() -> None:
    consumed: list[int] = []
    parts = asyncio.run(
        read_multipart(_request(_body_chunks(5000), consumed), FORM, max_part_bytes=10_000, max_parts=2)
    )
    assert [(p.name, p.filename, len(p.data)) for p in parts] == [("file", "a.pdf", 5000)]


def test_too_many_parts_is_refused() -> None:
    part = b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\nx\r\n'
    body = part * 3 + b"--" + BOUNDARY + b"--\r\n"
    with pytest.raises(AppError) as caught:
        asyncio.run(read_multipart(_request([body], []), FORM, max_part_bytes=100, max_parts=2))
    assert caught.value.code == "too_many_files"


def test_a_part_of_another_name_is_refused_before_it_is_counted_or_read() -> None:
    """Named at once: "at most 2 parts" or "too large" would send the client looking elsewhere."""
    part = b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n\r\n'
    body = part + b"x" * 1000 + b"\r\n--" + BOUNDARY + b"--\r\n"
    with pytest.raises(AppError) as caught:
        asyncio.run(read_multipart(_request([body], []), FORM, max_part_bytes=100, max_parts=0))
    assert (caught.value.status, caught.value.code, caught.value.field) == (400, "unexpected_part", "files")
    assert "'file'" in caught.value.message
