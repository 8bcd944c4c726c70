"""Bulk parsing: many files and ZIP archives in one request, parsed side by side in the pool.

Each document gets its own result, an invoice or an error; only limits of the request as a whole
(too many documents, too many bytes, no room left in the session) refuse the request, and they
do so before anything is parsed or stored.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence

import anyio

from app.errors import AppError
from app.invoices.archives import BulkLimits, Document, Upload, unpack
from app.invoices.parser import DocumentParser
from app.invoices.schemas import BulkFailed, BulkParsed, BulkResponse, BulkSummary, ErrorDetail
from app.invoices.service import parse_into_session
from app.sessions.store import SessionStore
from app.sessions.token import Session

log = logging.getLogger(__name__)

MIB = 1024 * 1024
_INTERNAL_ERROR = AppError(
    500, "internal_error", "This document could not be read because of a fault in the service; try it again alone."
)


async def parse_bulk(
    *,
    parser: DocumentParser,
    store: SessionStore,
    session: Session,
    uploads: Sequence[Upload],
    limits: BulkLimits,
) -> BulkResponse:
    """Unpack the uploads (in a thread: inflating is CPU work), check the request's limits and the
    session's room, then parse every document concurrently, at most two per pool worker at a time
    so a large upload does not queue hundreds of documents (and their bytes) at once."""
    documents = await anyio.to_thread.run_sync(unpack, uploads, limits)
    needed = sum(len(document.data) for document in documents)
    room = await store.room(session.id)
    if needed > room:
        raise AppError(
            413,
            "session_full",
            f"These documents need {needed / MIB:.1f} MiB, but this session has {max(room, 0) / MIB:.1f} MiB "
            "left. Delete invoices you no longer need, upload fewer at once, or start a new session.",
        )
    slots = asyncio.Semaphore(2 * parser.pool.workers)

    async def parse_one(document: Document) -> BulkParsed | BulkFailed:
        if document.error is not None:
            return _failed(document.file_name, document.error)
        async with slots:
            try:
                invoice = await parse_into_session(
                    parser=parser,
                    store=store,
                    session=session,
                    data=document.data,
                    file_name=document.file_name,
                    source="bulk",
                )
            except AppError as exc:
                return _failed(document.file_name, exc)
            except Exception:  # a fault of ours with one document must not cost the others theirs
                log.exception("bulk document failed unexpectedly")
                return _failed(document.file_name, _INTERNAL_ERROR)
        return BulkParsed(file_name=document.file_name, invoice=invoice)

    results = await asyncio.gather(*(parse_one(document) for document in documents))
    return BulkResponse(results=list(results), summary=_summarise(results))


def _failed(file_name: str | None, error: AppError) -> BulkFailed:
    # The field names the form part for single uploads; in a bulk result the file name says it.
    return BulkFailed(file_name=file_name, error=ErrorDetail(code=error.code, message=error.message))


def _summarise(results: Sequence[BulkParsed | BulkFailed]) -> BulkSummary:
    statuses = Counter(result.invoice.status for result in results if isinstance(result, BulkParsed))
    errors = Counter(result.error.code for result in results if isinstance(result, BulkFailed))
    summary = BulkSummary(
        files=len(results),
        parsed=statuses["parsed"],
        needs_review=statuses["needs_review"],
        failed=sum(errors.values()),
        errors=dict(errors),
    )
    log.info("bulk upload parsed", extra=summary.model_dump(exclude={"errors"}))
    return summary
