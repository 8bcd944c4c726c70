"""Tracking rules: moving an invoice along draft → sent → viewed → paid, and the dashboard."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.core.errors import AppError
from app.invoices import service as invoices
from app.invoices.schemas import Invoice, TrackingEvent, TrackingStatus
from app.sessions.store import SessionStore
from app.sessions.token import Session
from app.tracking import dashboard
from app.tracking.dashboard import Dashboard

#: The order statuses follow; an invoice may skip ahead (a paid invoice need not be viewed first).
ORDER: tuple[TrackingStatus, ...] = ("draft", "sent", "viewed", "paid")


async def update_status(*, store: SessionStore, session: Session, invoice_id: str, status: TrackingStatus) -> Invoice:
    """Move the invoice forward to ``status`` and record when; the status it has already is a
    no-op, and going back is refused (422), so the history only ever moves forward."""

    def move(invoice: Invoice) -> Invoice | None:
        current = invoice.tracking_status
        if status == current:
            return None
        if ORDER.index(status) < ORDER.index(current):
            raise AppError(
                "invalid_transition",
                f"The invoice is already {current}; tracking moves forward only "
                f"({' → '.join(ORDER)}), so it cannot go back to {status}.",
                field="status",
            )
        invoice.tracking_status = status
        invoice.tracking_history.append(TrackingEvent(status=status, at=datetime.now(UTC)))
        return invoice

    return await invoices.update_invoice(store=store, session=session, invoice_id=invoice_id, change=move)


async def build_dashboard(*, store: SessionStore, session: Session, as_of: date | None, terms_days: int) -> Dashboard:
    return dashboard.build(
        await invoices.session_invoices(store=store, session=session),
        as_of=as_of or datetime.now(UTC).date(),
        terms_days=terms_days,
    )
