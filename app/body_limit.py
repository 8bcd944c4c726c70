"""A cap on every request body, as one pure ASGI middleware.

The upload endpoints stream their multipart bodies under their own limits (app/invoices/uploads.py),
but FastAPI reads any other body whole before looking at it: without a cap, one client posting a
gigabyte of JSON to a small endpoint would hold a gigabyte of memory. Bodies declared larger than
the cap are refused before a byte is read; bodies that do not declare their size are counted as
they arrive and refused when they pass it. Multipart bodies get the uploads' largest limit, other
bodies MAX_BODY_BYTES.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import error_response


def _too_large(limit: int) -> str:
    return f"The request body is larger than the limit of {limit:,} bytes for this kind of request."


def _code(multipart: bool) -> str:
    """The upload endpoints' own code for a body too large, for an upload refused here first."""
    return "file_too_large" if multipart else "payload_too_large"


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_body_bytes = max_upload_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        multipart = headers.get(b"content-type", b"").lower().startswith(b"multipart/")
        limit = self.max_upload_body_bytes if multipart else self.max_body_bytes
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await error_response(_code(multipart), _too_large(limit))(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # an AppError would become FastAPI's 400 "error parsing the body"; an
                    # HTTPException passes its body reading untouched to the error handlers
                    raise HTTPException(413, _too_large(limit))
            return message

        await self.app(scope, counted, send)
