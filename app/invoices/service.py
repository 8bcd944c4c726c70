"""Invoice rules: parse a document into the session, read, list and delete the session's invoices."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime

from app.core import metrics
from app.core.errors import AppError
from app.invoices import corrections, duplicates, records
from app.invoices.inputs import Inputs, pack, unpack
from app.invoices.page_images import PageImage, render_page
from app.invoices.parser import DocumentParser
from app.invoices.query import InvoiceFilter, Sort, after, ordered
from app.invoices.schemas import BatchDeleteResult, EmailOrigin, Invoice, InvoicePage, Source, Status
from app.parsing import DocumentError, ExtractedInvoice
from app.parsing.pdf import looks_like_pdf
from app.sessions.store import RecordChanged, SessionStore
from app.sessions.token import Session

log = logging.getLogger(__name__)


def _new_id() -> str:
    return "inv_" + secrets.token_hex(8)


def _review_status(extracted: ExtractedInvoice) -> Status:
    return "needs_review" if extracted.needs_review() else "parsed"


async def parse_into_session(
    *,
    parser: DocumentParser,
    store: SessionStore,
    session: Session,
    data: bytes | None,
    file_name: str | None,
    source: Source,
    ocr: bytes | None = None,
    email: EmailOrigin | None = None,
) -> Invoice:
    """Parse one document (and/or its OCR output) in the pool and keep the result and the inputs
    (the document and the OCR output) in the session."""
    invoice, inputs = await read_invoice(
        parser=parser, data=data, file_name=file_name, source=source, ocr=ocr, email=email
    )
    original = pack(inputs)
    await store.save(
        session.id, invoice.id, invoice.model_dump_json(by_alias=True), original, ttl=session.seconds_left()
    )
    metrics.DOCUMENTS.labels(outcome=invoice.status).inc()
    log.info(
        "document parsed",
        extra={
            "status": invoice.status,
            "format": invoice.input_format,
            "pages": invoice.pages,
            "bytes": len(original),
        },
    )
    return invoice


async def read_invoice(
    *,
    parser: DocumentParser,
    data: bytes | None,
    file_name: str | None,
    source: Source,
    ocr: bytes | None = None,
    email: EmailOrigin | None = None,
) -> tuple[Invoice, Inputs]:
    """A new invoice parsed from one document (and/or its OCR output), and the inputs to keep with
    it: a scan sent as an image is kept as the PDF it becomes."""
    received = hashlib.sha256(data).hexdigest() if data else None
    data = await parser.as_document(data) if data else data
    extracted, parse_ms = await parser.parse(data, ocr=ocr)
    invoice = Invoice(
        **extracted.model_dump(),
        id=_new_id(),
        file_name=file_name,
        source=source,
        email=email,
        document_sha256=received,
        status=_review_status(extracted),
        parsed_timestamp=datetime.now(UTC),
        parse_ms=parse_ms,
    )
    return invoice, Inputs(document=data or None, ocr=ocr or None)


async def reprocess_invoice(
    *, parser: DocumentParser, store: SessionStore, session: Session, invoice_id: str, ocr: bytes | None = None
) -> Invoice:
    """Parse the kept inputs again, with new OCR output when given, which is then kept in place of
    the old. The person's corrections are applied again on top (their word beats the parser's) and
    stay on record."""
    kept = await load_inputs(store=store, session=session, invoice_id=invoice_id)
    extracted, parse_ms = await parser.parse(kept.document, ocr=ocr or kept.ocr)

    def renew(current: Invoice) -> Invoice:
        """The new reading with what was decided on the invoice meanwhile (the parse takes
        seconds, and corrections or tracking made during it must not be lost)."""
        renewed = Invoice(
            **extracted.model_dump(),
            **current.model_dump(
                include={"id", "file_name", "source", "email", "document_sha256", "tracking_status", "tracking_history"}
            ),
            status=_review_status(extracted),
            parsed_timestamp=datetime.now(UTC),
            parse_ms=parse_ms,
        )
        corrections.reapply(renewed, current.corrections)
        return renewed

    inputs = pack(Inputs(kept.document, ocr)) if ocr else None
    return await update_invoice(store=store, session=session, invoice_id=invoice_id, change=renew, original=inputs)


async def page_image(
    *, parser: DocumentParser, store: SessionStore, session: Session, invoice_id: str, number: int, width: int
) -> PageImage:
    """Page ``number`` of the invoice's kept document as a PNG ``width`` pixels wide."""
    kept = await load_inputs(store=store, session=session, invoice_id=invoice_id)
    if kept.document is None or not looks_like_pdf(kept.document):
        raise AppError(
            "page_not_found",
            "This invoice was read from e-invoice XML or OCR output, which has no page to show.",
            field="page",
        )
    try:
        return await parser.pool.run(render_page, kept.document, number, width)
    except DocumentError as exc:
        raise AppError(exc.code, exc.message, field="page") from None


async def load_inputs(*, store: SessionStore, session: Session, invoice_id: str) -> Inputs:
    """The document and OCR output an invoice was parsed from."""
    original = await store.load_original(session.id, invoice_id)
    if original is None:
        raise _not_found(invoice_id)
    return unpack(original)


def _not_found(invoice_id: str) -> AppError:
    return AppError("invoice_not_found", f"No invoice {invoice_id!r} in this session.", field="id")


async def get_invoice(*, store: SessionStore, session: Session, invoice_id: str) -> Invoice:
    """One invoice, with ``possible_duplicate`` worked out against the rest of the session."""
    return await with_duplicate_flag(
        await load_invoice(store=store, session=session, invoice_id=invoice_id), store=store, session=session
    )


async def load_invoice(*, store: SessionStore, session: Session, invoice_id: str) -> Invoice:
    """One invoice as stored, without reading the rest of the session (``possible_duplicate`` unset)."""
    record = await store.load(session.id, invoice_id)
    if record is None:
        raise _not_found(invoice_id)
    return records.fresh(record)


async def with_duplicate_flag(invoice: Invoice, *, store: SessionStore, session: Session) -> Invoice:
    """``invoice`` with ``possible_duplicate`` worked out against the invoices before it."""
    if next(duplicates.fingerprints(invoice), None) is None:
        return invoice
    stored = (records.shared(record) for record in await store.load_all(session.id))
    return invoice.model_copy(update={"possible_duplicate": duplicates.original_of(invoice, stored)})


async def session_invoices(*, store: SessionStore, session: Session) -> list[Invoice]:
    """Every invoice of the session, oldest first, later copies of an earlier one flagged
    (``possible_duplicate``); shared (see records.py): read, never change."""
    return duplicates.flag(records.shared(record) for record in await store.load_all(session.id))


async def select_invoices(
    *, store: SessionStore, session: Session, filters: InvoiceFilter, sort: Sort
) -> list[Invoice]:
    """The session's invoices that pass ``filters``, in ``sort`` order (lists and exports), shared
    (see records.py): read them, never change them."""
    invoices = await session_invoices(store=store, session=session)
    return ordered((invoice for invoice in invoices if filters.matches(invoice)), sort)


async def list_invoices(
    *,
    store: SessionStore,
    session: Session,
    filters: InvoiceFilter,
    sort: Sort,
    limit: int,
    cursor: str | None,
) -> InvoicePage:
    """A page of the selected invoices; the cursor is the id of the last invoice already seen, and
    the page continues from its place in the order, so pages stay stable while invoices are added."""
    selected = await select_invoices(store=store, session=session, filters=filters, sort=sort)
    total = len(selected)
    if cursor:  # blank is no cursor: the first page
        record = await store.load(session.id, cursor)
        if record is None:
            raise AppError(
                "invalid_cursor",
                "The cursor is unknown or its invoice was deleted; start again without it.",
                field="cursor",
            )
        selected = after(selected, records.shared(record), sort)
    page = selected[:limit]
    return InvoicePage(items=page, next_cursor=page[-1].id if len(selected) > limit else None, total=total)


#: Times a change is read and applied again when other requests keep writing the same invoice.
_UPDATE_ATTEMPTS = 8


async def update_invoice(
    *,
    store: SessionStore,
    session: Session,
    invoice_id: str,
    change: Callable[[Invoice], Invoice | None],
    original: bytes | None = None,
) -> Invoice:
    """Read an invoice, change it and write it back as one step: ``change`` returns the changed
    invoice (or None: nothing to write). When another request wrote the invoice in between, it is
    read again and the change made again, so no request's change overwrites another's."""
    for _ in range(_UPDATE_ATTEMPTS):
        record = await store.load(session.id, invoice_id)
        if record is None:
            raise _not_found(invoice_id)
        changed = change(records.fresh(record))
        if changed is None:
            return records.fresh(record)
        try:
            written = await store.replace(
                session.id, invoice_id, changed.model_dump_json(by_alias=True), original, expected=record
            )
        except RecordChanged:
            continue
        if not written:
            raise _not_found(invoice_id)
        return changed
    raise AppError(
        "edit_conflict", "The invoice kept changing while this change was saved; look at it again and retry."
    )


async def approve_invoice(*, store: SessionStore, session: Session, invoice_id: str) -> Invoice:
    """Mark an invoice approved (a person has checked it); approving twice changes nothing."""

    def approve(invoice: Invoice) -> Invoice | None:
        if invoice.status == "approved":
            return None
        invoice.status = "approved"
        return invoice

    return await update_invoice(store=store, session=session, invoice_id=invoice_id, change=approve)


async def correct_field(
    *, store: SessionStore, session: Session, invoice_id: str, field: str, value: object
) -> Invoice:
    """A person's correction of one field (see corrections.py); the same value twice records nothing."""
    parsed = corrections.parse_value(field, value)

    def correct(invoice: Invoice) -> Invoice | None:
        return invoice if corrections.apply(invoice, field, parsed) else None

    return await update_invoice(store=store, session=session, invoice_id=invoice_id, change=correct)


async def delete_invoice(*, store: SessionStore, session: Session, invoice_id: str) -> None:
    if not await store.delete(session.id, [invoice_id]):
        raise _not_found(invoice_id)


async def delete_invoices(*, store: SessionStore, session: Session, ids: list[str]) -> BatchDeleteResult:
    unique = list(dict.fromkeys(ids))
    deleted = await store.delete(session.id, unique)
    return BatchDeleteResult(deleted=deleted, not_found=[i for i in unique if i not in set(deleted)])
