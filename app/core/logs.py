"""Structured logs: one JSON object per line, each carrying the id of the request it belongs to.

Log calls pass facts (sizes, codes, durations) in ``extra``; they never pass document content,
tokens or secrets.
"""

from __future__ import annotations

import logging
import re
import sys
from contextvars import ContextVar
from traceback import TracebackException
from typing import Any

from pythonjsonlogger.json import JsonFormatter

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


#: Loggers of the service's own code, which log facts and never document content.
_OWN_LOGGERS = ("app", "workers", "uvicorn")
#: What libraries quote in their messages: pypdf's "Invalid object @60: b'...endobj (text)...'".
_QUOTED = re.compile(r"b?'(?:[^'\\]|\\.)*'|b?\"(?:[^\"\\]|\\.)*\"")
_LIBRARY_MESSAGE_CHARS = 200


class _LibraryTextFilter(logging.Filter):
    """Libraries reading a document quote it in their messages and tracebacks (pypdf prints the
    bytes around a damaged object). Their records keep their words, not what they quote, cut short,
    and without a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(_OWN_LOGGERS):
            message = _QUOTED.sub("'…'", record.getMessage())
            record.msg, record.args = message[:_LIBRARY_MESSAGE_CHARS], ()
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


class _MessageFreeJsonFormatter(JsonFormatter):
    """Tracebacks keep their frames and exception types but not their messages: an exception
    raised while reading a document may quote it (an XML's declared encoding, a value that failed
    to convert), and a parse worker's error arrives with its traceback as text."""

    def formatException(self, ei: Any) -> str:
        _, value, _ = ei
        lines: list[str] = []
        chained: TracebackException | None = TracebackException.from_exception(value)
        while chained is not None:
            lines[:0] = [*chained.stack.format(), f"{chained.exc_type.__qualname__ if chained.exc_type else '?'}\n"]
            chained = chained.__cause__ or (None if chained.__suppress_context__ else chained.__context__)
        return "Traceback (messages withheld):\n" + "".join(lines).rstrip()


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        _MessageFreeJsonFormatter(
            "{asctime}{levelname}{name}{message}{request_id}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(_RequestIdFilter())
    handler.addFilter(_LibraryTextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # The service logs every request itself (with its request id); uvicorn's own access log would
    # repeat each one without it.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # The HTTP client logs every request's URL, and the OCR service's URLs carry its credentials
    # and access token in the query.
    for name in ("httpx2", "httpcore2"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # A damaged upload makes pypdf warn once per broken object: nothing an operator can act on.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    logging.captureWarnings(True)  # warnings.warn() from libraries, as log records
