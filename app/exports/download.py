"""A workbook as an HTTP download: built off the event loop, streamed in chunks."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import Query
from fastapi.responses import StreamingResponse

from app.core.errors import ErrorBody
from app.delivery.schemas import JobAccepted
from app.exports.workbook import XLSX_MEDIA_TYPE, build_workbook
from app.invoices.schemas import Invoice

_CHUNK = 64 * 1024

#: `?delivery=`: stream the workbook, or queue its upload to S3.
Delivery = Annotated[Literal["download", "s3"], Query(description="download the workbook, or upload it to S3")]
#: OpenAPI answers of an endpoint that streams a workbook or, with delivery=s3, accepts a job.
WORKBOOK_OR_JOB: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "the workbook"},
    202: {"model": JobAccepted, "description": "delivery=s3: the upload job"},
    413: {"model": ErrorBody, "description": "`export_too_large`: more line items than an Excel sheet holds"},
}


async def workbook_of(invoices: Sequence[Invoice]) -> bytes:
    """Built in a worker thread: a large workbook takes seconds of CPU the event loop must not wait on."""
    return await anyio.to_thread.run_sync(build_workbook, invoices)


def safe_file_name(stem: str) -> str:
    """A file name that needs no quoting in Content-Disposition and is valid on every system."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._")[:80] or "invoice"


def xlsx_response(file_name: str, workbook: bytes, *, count: int) -> StreamingResponse:
    def chunks() -> Iterator[bytes]:
        for start in range(0, len(workbook), _CHUNK):
            yield workbook[start : start + _CHUNK]

    return StreamingResponse(
        chunks(),
        media_type=XLSX_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{file_name}"',
            "Content-Length": str(len(workbook)),
            "X-Invoice-Count": str(count),
        },
    )
