"""uvicorn's HTTP/1.1 protocol (h11) with limits on what a client may send and how slowly.

uvicorn bounds neither the size nor the number of request headers under httptools, and times out
neither a request head sent a byte at a time nor a body that trickles in: a few such clients hold
connections and memory for as long as they like. This protocol answers, and closes the connection:

- 431 when the request head passes ``max_header_bytes`` or ``max_headers`` lines;
- 408 when the head is not complete ``header_timeout`` seconds after the connection opened (or
  the previous response ended), or the body stops arriving for ``body_idle_timeout`` seconds or
  is not complete ``body_timeout`` seconds after its head.

Bodies larger than the upload limits are refused by the app itself (413). ``python main.py`` runs
with this protocol; see ``protocol_with``.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


@dataclass(frozen=True)
class HttpLimits:
    max_header_bytes: int
    max_headers: int
    header_timeout: float
    body_idle_timeout: float
    body_timeout: float


_REASONS = {408: "Request Timeout", 431: "Request Header Fields Too Large"}


class LimitedH11Protocol(H11Protocol):
    limits: ClassVar[HttpLimits]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._head_lines = 0
        self._head_tail = b""
        self._head_complete = False
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_idle_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timers()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._await_head()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE and not self._head_complete:  # still reading a request head
            head = self._head_part(data)
            self._head_bytes += len(head)
            self._head_lines += head.count(b"\n")
            if self._head_bytes > self.limits.max_header_bytes or self._head_lines > self.limits.max_headers + 1:
                self._refuse(431, "header_too_large", "The request's headers are too large or too many.")
                return
        super().data_received(data)
        if self.conn.their_state is h11.SEND_BODY:
            self._on_body_progress()
        elif self.conn.their_state is not h11.IDLE:
            self._cancel_timers()  # the whole request is in

    def _head_part(self, data: bytes) -> bytes:
        """The part of ``data`` that belongs to the request head: a client may send the head and
        the start of its body in one piece, and the body is no header."""
        window = self._head_tail + data
        end = window.find(b"\r\n\r\n")
        self._head_tail = window[-3:]
        if end < 0:
            return data
        self._head_complete = True
        return data[: max(0, end + 4 - (len(window) - len(data)))]

    def _await_head(self) -> None:
        """A new request head may start: count it afresh and give it ``header_timeout`` seconds."""
        self._head_bytes = self._head_lines = 0
        self._head_tail, self._head_complete = b"", False
        self._cancel_timers()
        self._head_timer = self.loop.call_later(
            self.limits.header_timeout, self._time_out, "The request's headers did not arrive in time."
        )

    def _on_body_progress(self) -> None:
        if self._head_timer is not None:  # the head just completed: the body's clock starts
            self._head_timer.cancel()
            self._head_timer = None
            self._body_timer = self.loop.call_later(
                self.limits.body_timeout, self._time_out, "The request body did not arrive in time."
            )
        if self._body_idle_timer is not None:
            self._body_idle_timer.cancel()
        self._body_idle_timer = self.loop.call_later(
            self.limits.body_idle_timeout, self._time_out, "The request body stopped arriving."
        )

    def _time_out(self, message: str) -> None:
        if self.conn.their_state is h11.IDLE and self._head_bytes == 0:
            self.transport.close()  # an idle connection: nothing was asked, nothing to answer
            return
        self._refuse(408, "request_timeout", message)

    def _refuse(self, status: int, code: str, message: str) -> None:
        """Answer with the service's JSON error shape, unless a response has begun, and close."""
        self._cancel_timers()
        if self.transport.is_closing():
            return
        if self.cycle is None or not self.cycle.response_started:
            body = json.dumps({"error": {"code": code, "message": message}}).encode()
            head = (
                f"HTTP/1.1 {status} {_REASONS[status]}\r\ncontent-type: application/json\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
            ).encode()
            self.transport.write(head + body)
        self.transport.close()

    def _cancel_timers(self) -> None:
        for timer in (self._head_timer, self._body_idle_timer, self._body_timer):
            if timer is not None:
                timer.cancel()
        self._head_timer = self._body_idle_timer = self._body_timer = None


def protocol_with(limits: HttpLimits) -> type[LimitedH11Protocol]:
    """The protocol class to give uvicorn (``http=``), bound to these limits."""
    return type("LimitedH11Protocol", (LimitedH11Protocol,), {"limits": limits})
