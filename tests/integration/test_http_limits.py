"""`python main.py` against clients that send too much or too slowly: 431 and 408, never a held connection."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import httpx2
import pytest

from tests.conftest import corpus_bytes
from tests.integration.live import LiveServer, live_server

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    limits = {
        "HTTP_MAX_HEADER_BYTES": "8192",
        "HTTP_MAX_HEADERS": "50",
        "HTTP_HEADER_TIMEOUT_SECONDS": "1",
        "HTTP_BODY_IDLE_TIMEOUT_SECONDS": "1",
        "HTTP_BODY_TIMEOUT_SECONDS": "3",
    }
    with live_server(tmp_path_factory.mktemp("limits"), command="python", PARSE_WORKERS="1", **limits) as running:
        yield running


def _exchange(server: LiveServer, *pieces: bytes, pause: float = 0.0) -> tuple[int, dict[str, object]]:
    """Send the pieces with ``pause`` seconds between them; the status and JSON body of the answer."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        for piece in pieces:
            try:
                connection.sendall(piece)
            except OSError:
                break  # the server already answered and closed
            time.sleep(pause)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def test_headers_that_are_too_large_get_a_431(server: LiveServer) -> None:
    status, body = _exchange(server, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n")
    assert (status, body["error"]["code"]) == (431, "header_too_large")  # type: ignore[index]


def test_too_many_headers_get_a_431(server: LiveServer) -> None:
    headers = b"".join(b"X-H%d: 1\r\n" % number for number in range(80))
    status, _ = _exchange(server, b"GET /health HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    assert status == 431


def test_a_head_sent_a_byte_at_a_time_gets_a_408(server: LiveServer) -> None:
    head = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 40
    status, body = _exchange(server, *(head[i : i + 1] for i in range(len(head))), pause=0.05)
    assert (status, body["error"]["code"]) == (408, "request_timeout")  # type: ignore[index]


def test_a_trickling_body_gets_a_408(server: LiveServer) -> None:
    head = (
        b"POST /api/v2/invoices/parse HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: multipart/form-data; boundary=B\r\nContent-Length: 1000\r\n\r\n"
    )
    status, _ = _exchange(server, head, b"--B\r\n", b"Content-Disposition", pause=1.5)
    assert status == 408
    body_status, _ = _exchange(
        server, head, b"--B\r\n", *([b"x" * 10] * 10), pause=0.5
    )  # steady, but 5 s for 100 bytes
    assert body_status == 408


def test_a_body_sent_with_its_head_in_one_piece_is_no_header(server: LiveServer) -> None:
    """Under load a head and a large body arrive in one read; only the head counts as headers."""
    document = corpus_bytes("de-rechnung-02.pdf")
    assert len(document) > 8192
    body = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="i.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + document + b"\r\n--B--\r\n"
    )
    head = (
        b"POST /api/v2/invoices/parse HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: multipart/form-data; boundary=B\r\nContent-Length: %d\r\n\r\n" % len(body)
    )
    status, _ = _exchange(server, head + body)
    assert status == 201


def test_well_behaved_clients_are_served_meanwhile(server: LiveServer) -> None:
    assert httpx2.get(f"{server.url}/health", timeout=5).status_code == 200
