"""The tracking endpoints: status updates and the collections dashboard."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from app.aliases import add_deprecated_aliases
from app.deps import AppSettings
from app.invoices.query import IsoDate
from app.invoices.schemas import Invoice, InvoiceId, TrackingStatus
from app.sessions.deps import CurrentSession, Store
from app.tracking import service
from app.tracking.dashboard import LAST_FORECAST_START, Dashboard

router = APIRouter(tags=["tracking"])


class StatusUpdate(BaseModel):
    invoice_id: InvoiceId
    status: TrackingStatus


@router.post("/api/v2/tracking/status", response_model=Invoice)
async def update_status(body: StatusUpdate, session: CurrentSession, store: Store) -> Invoice:
    """Move an invoice along draft → sent → viewed → paid (skipping ahead is fine; going back is
    422 `invalid_transition`). Returns the invoice with its `tracking_history`."""
    return await service.update_status(store=store, session=session, invoice_id=body.invoice_id, status=body.status)


@router.get("/api/v2/tracking/dashboard", response_model=Dashboard)
async def dashboard(
    session: CurrentSession,
    store: Store,
    settings: AppSettings,
    as_of: Annotated[
        IsoDate | None, Query(description="the day to compute for (default: today, UTC)", le=LAST_FORECAST_START)
    ] = None,
) -> Dashboard:
    """Counts and sums per tracking status and currency (draft, sent, viewed, paid; due and overdue
    derived from the due date), ageing buckets of what is outstanding, the collections health
    score (0–100) and the expected inflow per day over the next 30 days (formulas in docs/api.md, Tracking)."""
    return await service.build_dashboard(
        store=store, session=session, as_of=as_of, terms_days=settings.payment_terms_days
    )


add_deprecated_aliases(router)
