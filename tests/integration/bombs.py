"""Every kind of bomb a client can send, with the answer the service owes it.

Used by tests/integration/test_bombs.py (answers and bounded memory against a live server) and by
bench/bombs.py (the same, printed with sizes, times and peak memory).
"""

from __future__ import annotations

import io
import json
import random
import select
import socket
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2

from tests.hostile import (
    BILLION_LAUGHS,
    deep_xml,
    image_bomb_pdf,
    many_items_ocr,
    many_lines_cii,
    many_pages_pdf,
    overlapping_zip,
    text_bomb_pdf,
)

PARSE = "/api/v2/invoices/parse"
BULK = "/api/v2/invoices/bulk"


@dataclass(frozen=True)
class Answer:
    """What the service answered: the status and the error code (for a bulk request, the entry's)."""

    status: int
    code: str | None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bomb:
    """A hostile request: its body built on demand (some take seconds), how it is sent, and the
    answers that are right for it."""

    name: str
    build: Callable[[], bytes]
    send: Callable[[httpx2.Client, bytes], Answer]
    expected: frozenset[Answer]
    #: What is sent, where the body is not built beforehand (raw socket bombs).
    streamed: str | None = None


def _parse_document(client: httpx2.Client, data: bytes, name: str) -> Answer:
    return _answer(client.post(PARSE, files={"file": (name, data)}))


def _parse_ocr(client: httpx2.Client, data: bytes) -> Answer:
    """The bomb as the OCR output of a single parse (the document part left empty)."""
    return _answer(client.post(PARSE, files={"file": ("a.txt", b""), "ocr": ("o.json", data)}))


def _answer(response: httpx2.Response) -> Answer:
    body: dict[str, Any] = response.json()
    if response.status_code == 201:
        return Answer(201, None, tuple(sorted({warning["code"] for warning in body["warnings"]} - {"field_not_found"})))
    return Answer(response.status_code, body["error"]["code"])


def _bulk(client: httpx2.Client, archive: bytes) -> Answer:
    """The first refused entry of a bulk upload (the request itself answers 200 with a result per file)."""
    response = client.post(BULK, files={"zip": ("bomb.zip", archive, "application/zip")})
    body: dict[str, Any] = response.json()
    if response.status_code != 200:
        return Answer(response.status_code, body["error"]["code"])
    errors = [result["error"]["code"] for result in body["results"] if result.get("error")]
    return Answer(200, errors[0] if errors else None)


def zip_bomb(megabytes: int = 1024) -> bytes:
    """One XML entry of ``megabytes`` MiB of zeros, packed about 1000:1 (1 MiB packed per GiB)."""
    buffer, block = io.BytesIO(), b"\x00" * (1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("bomb.xml", "w", force_zip64=True) as entry,
    ):
        for _ in range(megabytes):
            entry.write(block)
    return buffer.getvalue()


HEADER_MIB = 16


def huge_header(client: httpx2.Client, _body: bytes) -> Answer:
    """A request whose one header is HEADER_MIB MiB long, sent over a raw socket."""
    with socket.create_connection((client.base_url.host, client.base_url.port or 80), timeout=30) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ")
        try:
            for _ in range(HEADER_MIB):
                connection.sendall(b"a" * (1024 * 1024))
        except OSError:
            pass  # answered and closed before the header ended
        return _read_answer(connection)


def _read_answer(connection: socket.socket) -> Answer:
    """The status and error code of the HTTP answer arriving on ``connection``."""
    answer = b""
    while b"\r\n\r\n" not in answer or len(answer.partition(b"\r\n\r\n")[2]) < _length(answer):
        chunk = connection.recv(65536)
        if not chunk:
            break
        answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return Answer(int(head.split()[1]), json.loads(body)["error"]["code"])


def _length(answer: bytes) -> int:
    for line in answer.partition(b"\r\n\r\n")[0].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 1 << 30


JSON_MIB = 256


def huge_json(client: httpx2.Client, _body: bytes) -> Answer:
    """JSON_MIB MiB of JSON to a small endpoint, without a declared length (chunked), over a raw socket."""
    cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    head = (
        f"POST /api/v2/invoices/batch-delete HTTP/1.1\r\nHost: x\r\nCookie: {cookies}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    chunk = b"%x\r\n" % (1024 * 1024) + b" " * (1024 * 1024) + b"\r\n"
    with socket.create_connection((client.base_url.host, client.base_url.port or 80), timeout=30) as connection:
        connection.sendall(head + b'3\r\n{"a\r\n')
        try:
            for _ in range(JSON_MIB):
                if select.select([connection], [], [], 0)[0]:
                    break  # answered
                connection.sendall(chunk)
        except OSError:
            pass  # answered and closed
        return _read_answer(connection)


def _document(name: str, build: Callable[[], bytes], *expected: Answer) -> Bomb:
    return Bomb(name, build, lambda client, data: _parse_document(client, data, name), frozenset(expected))


def _ocr(name: str, build: Callable[[], bytes], *expected: Answer) -> Bomb:
    return Bomb(name, build, _parse_ocr, frozenset(expected))


def _archive(name: str, build: Callable[[], bytes], *expected: Answer) -> Bomb:
    return Bomb(name, build, _bulk, frozenset(expected))


_CUT = Answer(201, None, ("too_many_line_items",))
_STOPPED = (Answer(422, "parse_resources_exceeded"), Answer(422, "parse_timeout"))
_BAD_OCR = Answer(422, "invalid_ocr")
_ZEROS = b"<Invoice>" + b"0" * 1024 * 1024 + b"</Invoice>"

#: Every bomb, in the order they are sent.
BOMBS = [
    _document("text-bomb.pdf", text_bomb_pdf, *_STOPPED),
    _document("image-bomb.pdf", image_bomb_pdf, Answer(422, "scanned_pdf_needs_ocr")),
    _document("100000-pages.pdf", many_pages_pdf, Answer(422, "too_many_pages")),
    _document("billion-laughs.xml", lambda: BILLION_LAUGHS, Answer(422, "hostile_xml")),
    _document("200000-deep.xml", deep_xml, Answer(201, None)),
    _document("50000-lines.xml", many_lines_cii, _CUT),
    _ocr("ocr nested 100000 deep", lambda: b'{"a":' * 100_000 + b"1" + b"}" * 100_000, _BAD_OCR),
    _ocr("ocr integer of 4400 digits", lambda: b'{"words_result": {"InvoiceNum": ' + b"9" * 4400 + b"}}", _BAD_OCR),
    _ocr("ocr with 120000 items", many_items_ocr, _CUT),
    _archive("zip of 1 GiB of zeros", zip_bomb, Answer(200, "suspicious_compression"), Answer(200, "file_too_large")),
    _archive(
        "zip listing 1 MiB 400 times", lambda: overlapping_zip(400, _ZEROS), Answer(200, "suspicious_compression")
    ),
    _archive(
        "zip listing one entry 1,000,000 times",
        lambda: overlapping_zip(1_000_000, b"x"),
        Answer(200, "too_many_entries"),
    ),
    _archive(
        "zip listing 1 MiB of noise 400 times",
        lambda: overlapping_zip(400, random.Random(1).randbytes(1024 * 1024)),
        Answer(413, "upload_too_large"),
    ),
    Bomb(
        "JSON to batch-delete, chunked",
        lambda: b"",
        huge_json,
        frozenset({Answer(413, "payload_too_large")}),
        streamed=f"{JSON_MIB} MiB",
    ),
    Bomb(
        "one header line",
        lambda: b"",
        huge_header,
        frozenset({Answer(431, "header_too_large")}),
        streamed=f"{HEADER_MIB} MiB",
    ),
]
