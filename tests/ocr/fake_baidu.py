"""A local HTTP server speaking Baidu's OCR protocol: the token endpoint and vat_invoice, with
scripted failures (throttling, busy, stale tokens, quota, unreadable documents)."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

API_KEY = "test-api-key"
SECRET_KEY = "test-secret-key-do-not-log"

#: What vat_invoice answers for each scripted step (HTTP status, JSON body).
_ANSWERS: dict[str, tuple[int, dict[str, Any]]] = {
    "throttle": (200, {"error_code": 18, "error_msg": "Open api qps request limit reached"}),
    "busy": (500, {"error_code": 282000, "error_msg": "internal error"}),
    "expire": (200, {"error_code": 111, "error_msg": "Access token expired"}),
    "quota": (200, {"error_code": 17, "error_msg": "Open api daily request limit reached"}),
    "unreadable": (200, {"error_code": 216201, "error_msg": "image format error"}),
}


@dataclass
class OcrCall:
    at: float
    token: str
    document: bytes
    page: str


@dataclass
class FakeBaidu:
    url: str
    result: bytes
    script: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    expired: set[str] = field(default_factory=set)
    calls: list[OcrCall] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeBaidu

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        target = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(target.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
        if target.path == "/oauth/2.0/token":
            self._token(query)
        elif target.path == "/rest/2.0/ocr/v1/vat_invoice":
            self._vat_invoice(query, form)
        else:
            self._send(404, {"error_code": 3, "error_msg": "Unsupported openapi method"})

    def _token(self, query: dict[str, str]) -> None:
        if (query.get("client_id"), query.get("client_secret")) != (API_KEY, SECRET_KEY):
            self._send(401, {"error": "invalid_client", "error_description": "unknown client id"})
            return
        token = "24." + secrets.token_hex(16)
        self.fake.tokens.append(token)
        self._send(200, {"access_token": token, "expires_in": 2592000, "scope": "brain_all_scope"})

    def _vat_invoice(self, query: dict[str, str], form: dict[str, str]) -> None:
        token = query.get("access_token", "")
        self.fake.calls.append(
            OcrCall(time.monotonic(), token, base64.b64decode(form.get("pdf_file", "")), form.get("pdf_file_num", ""))
        )
        if token not in self.fake.tokens or token in self.fake.expired:
            self._send(200, {"error_code": 110, "error_msg": "Access token invalid or no longer valid"})
            return
        step = self.fake.script.pop(0) if self.fake.script else "ok"
        if step == "expire":
            self.fake.expired.add(token)
        if step in _ANSWERS:
            self._send(*_ANSWERS[step])
            return
        self._send_bytes(200, self.fake.result)

    def _send(self, status: int, body: dict[str, Any]) -> None:
        self._send_bytes(status, json.dumps({**body, "log_id": 1}).encode())

    def _send_bytes(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def fake_baidu(result: bytes) -> Iterator[FakeBaidu]:
    """Serve on 127.0.0.1 (a free port) until the block ends; ``result`` is the OCR answer."""
    fake = FakeBaidu(url="", result=result)
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_Handler,), {"fake": fake}))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
