"""Bulk parsing: many files and ZIP archives in one request, parsed side by side in the pool.

Each document gets its own result, an invoice or an error; only limits of the request as a whole
(too many documents, too many bytes, no room left in the session) refuse the request, and they
do so before anything is parsed or stored.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import Counter
from collections.abc import Sequence
from functools import partial

import anyio

from app.core.errors import AppError
from app.invoices.archives import BulkLimits, Document, Upload, unpack
from app.invoices.parser import DocumentParser
from app.invoices.schemas import BulkFailed, BulkParsed, BulkResponse, BulkSummary, ErrorDetail
from app.invoices.service import parse_into_session, session_invoices
from app.sessions.store import SessionStore
from app.sessions.token import Session

log = logging.getLogger(__name__)

_INTERNAL_ERROR = AppError(
    "internal_error", "This document could not be read because of a fault in the service; try it again alone."
)


async def parse_bulk(
    *,
    parser: DocumentParser,
    store: SessionStore,
    session: Session,
    uploads: list[Upload],
    limits: BulkLimits,
) -> BulkResponse:
    """Check the room left for the session's invoices, unpack the uploads within it and the
    request's limits (in a thread: inflating is CPU work), then parse every document concurrently,
    at most two per pool worker at a time so a large upload does not queue hundreds of documents
    (and their bytes) at once. Only BULKS_AT_ONCE requests unpack and parse at a time: each may
    hold up to BULK_MAX_BYTES of inflated documents until they are stored. The uploads are let go
    (the list emptied) once unpacked, and each document's bytes once it is stored, so that a
    request does not hold its upload, its documents and their stored copies all at once."""
    async with _bulks_at_once():
        room = await store.room(session.id)
        documents = await anyio.to_thread.run_sync(partial(unpack, uploads, limits, room=room))
        uploads.clear()
        response = await _parse_all(parser, store, session, documents)
    return await _with_duplicates(response, store, session)


async def _with_duplicates(response: BulkResponse, store: SessionStore, session: Session) -> BulkResponse:
    """The parsed invoices flagged where they repeat one already in the session or in this upload."""
    if not any(isinstance(result, BulkParsed) for result in response.results):
        return response
    flags = {invoice.id: invoice.possible_duplicate for invoice in await session_invoices(store=store, session=session)}
    for result in response.results:
        if isinstance(result, BulkParsed):
            result.invoice.possible_duplicate = flags.get(result.invoice.id)
    return response


#: Bulk requests unpacked and parsed at the same time, per process.
BULKS_AT_ONCE = 2
_semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _bulks_at_once() -> asyncio.Semaphore:
    """The process's bulk semaphore (one per event loop: tests run several apps)."""
    loop = asyncio.get_running_loop()
    return _semaphores.setdefault(loop, asyncio.Semaphore(BULKS_AT_ONCE))


async def _parse_all(
    parser: DocumentParser, store: SessionStore, session: Session, documents: list[Document]
) -> BulkResponse:
    slots = asyncio.Semaphore(2 * parser.pool.workers)

    async def parse_one(index: int) -> BulkParsed | BulkFailed:
        document = documents[index]
        documents[index] = Document(document.file_name)  # its bytes go with this task
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

    results = await asyncio.gather(*(parse_one(index) for index in range(len(documents))))
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
