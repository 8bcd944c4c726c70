"""Printing: the chosen invoices' originals n-up on A4 (POST /api/v2/print)."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.errors import AppError
from app.core.pool import ParsePool, ParseResourcesExceeded, ParseTimeout
from app.exports.nup import PrintItem, compose
from app.invoices import service as invoices
from app.invoices.page_images import PageImage, render_page
from app.parsing import DocumentError
from app.sessions.store import SessionStore
from app.sessions.token import Session


async def print_invoices(
    *, pool: ParsePool, store: SessionStore, session: Session, ids: Sequence[str], per_page: int, max_bytes: int
) -> bytes:
    """One PDF with the invoices in the order given (an id listed twice prints twice). The layout
    runs in the parse pool, under its time and memory limits, since it reads the originals. Each
    invoice is loaded once however often it is listed, so what is held and sent to the pool stays
    within what the session holds (500 listings of one 20 MB original were 10 GB)."""
    loaded: dict[str, PrintItem] = {}
    for invoice_id in dict.fromkeys(ids):
        invoice = await invoices.load_invoice(store=store, session=session, invoice_id=invoice_id)
        inputs = await invoices.load_inputs(store=store, session=session, invoice_id=invoice_id)
        loaded[invoice_id] = PrintItem(invoice=invoice, original=inputs.document)
    items = [loaded[invoice_id] for invoice_id in ids]
    # each listing copies its original's pages into the sheets, which the web process then holds
    printed = sum(len(item.original or b"") for item in items)
    if printed > max_bytes:
        raise AppError(
            "print_too_large",
            f"These {len(ids)} listings copy {printed:,} bytes of originals into the sheets; at most "
            f"{max_bytes:,} are printed at once. Print fewer invoices (or fewer copies) at a time.",
        )
    try:
        return await pool.run(compose, items, per_page)
    except (ParseTimeout, ParseResourcesExceeded):
        raise AppError(
            "print_too_large",
            f"Laying out these {len(ids)} invoices took more time or memory than allowed; print fewer at once.",
        ) from None


async def preview_sheet(
    *,
    pool: ParsePool,
    store: SessionStore,
    session: Session,
    ids: Sequence[str],
    per_page: int,
    max_bytes: int,
    sheet: int,
    width: int,
) -> PageImage:
    """One sheet of that print as a PNG, for a preview before printing."""
    pdf = await print_invoices(pool=pool, store=store, session=session, ids=ids, per_page=per_page, max_bytes=max_bytes)
    try:
        return await pool.run(render_page, pdf, sheet, width)
    except DocumentError as exc:
        raise AppError(exc.code, exc.message, field="sheet") from None
