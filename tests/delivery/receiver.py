"""A real webhook receiver on 127.0.0.1 that verifies every Standard Webhooks signature on its own
(not with the service's code) and answers from a script: a status per request, optionally a
Retry-After or a long pause."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SECRET = "whsec_" + base64.b64encode(b"receiver-test-key-32-bytes-long!").decode()


@dataclass
class Received:
    at: float
    headers: dict[str, str]
    body: bytes
    signature_valid: bool

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass
class Answer:
    status: int = 200
    retry_after: str | None = None
    pause: float = 0.0
    location: str | None = None


@dataclass
class Receiver:
    url: str
    secret: str = SECRET
    script: list[Answer] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    @property
    def authority(self) -> str:
        """host:port, as WEBHOOK_ALLOWED_HOSTS lists a receiver."""
        return self.url.split("/")[2]

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Standard Webhooks verification: HMAC-SHA256 over id.timestamp.body, timestamp within 5 min."""
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"))
        timestamp = int(headers["webhook-timestamp"])
        signed = f"{headers['webhook-id']}.{timestamp}.".encode() + body
    except (KeyError, ValueError):
        return False
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [part.split(",", 1)[1] for part in headers.get("webhook-signature", "").split() if part.startswith("v1,")]
    fresh = abs(time.time() - timestamp) < 300
    return fresh and any(hmac.compare_digest(expected, candidate) for candidate in offered)


@contextmanager
def running_receiver(secret: str = SECRET) -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    receiver = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hooks/invoices?team=7", secret=secret)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            headers = {name.lower(): value for name, value in self.headers.items()}
            answer = receiver.script.pop(0) if receiver.script else Answer()
            receiver.received.append(Received(time.time(), headers, body, verify(receiver.secret, headers, body)))
            receiver.arrived.set()
            time.sleep(answer.pause)
            self.send_response(answer.status)
            if answer.retry_after:
                self.send_header("Retry-After", answer.retry_after)
            if answer.location:
                self.send_header("Location", answer.location)
            reply = b"x" * 100_000  # more than the service will read
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
