"""The delivery endpoints: webhooks of an invoice and their delivery records."""

from __future__ import annotations

from fastapi import APIRouter, status

from app.delivery import service
from app.delivery.log import Delivery
from app.delivery.schemas import WebhookAccepted, WebhookRequest
from app.deps import AppSettings
from app.jobs.deps import JobQueue
from app.sessions.deps import CurrentSession, Store

router = APIRouter(tags=["delivery"])


@router.post("/api/v2/invoices/{invoice_id}/webhook", status_code=status.HTTP_202_ACCEPTED)
async def send_webhook(
    invoice_id: str, body: WebhookRequest, session: CurrentSession, store: Store, settings: AppSettings, jobs: JobQueue
) -> WebhookAccepted:
    """Queue a signed POST of the invoice (`invoice.parsed`, or `invoice.approved` once approved)
    to `url`, per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
    422 `webhook_target_refused` for a URL that is not a public http(s) address, `invalid_secret`
    or `webhook_secret_required` for the secret; 503 `queue_unavailable` when jobs cannot be queued."""
    return await service.request_webhook(
        jobs=jobs,
        store=store,
        session=session,
        settings=settings,
        invoice_id=invoice_id,
        url=body.url,
        secret=body.secret,
    )


@router.get("/api/v2/webhooks/deliveries/{delivery_id}", response_model=Delivery, response_model_exclude={"owner"})
async def delivery(delivery_id: str, session: CurrentSession, settings: AppSettings) -> Delivery:
    """`pending`, `retrying` (with `next_retry_at`), `delivered` or `failed`, and every attempt:
    when, the receiver's status code, the error. Kept DELIVERY_RETENTION_SECONDS after the last change."""
    return await service.delivery_state(session=session, settings=settings, delivery_id=delivery_id)
