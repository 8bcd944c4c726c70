"""Delivery rules: queue a signed webhook of an invoice, read how its delivery went."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta

import anyio.to_thread
from redis.exceptions import RedisError

from app.core.errors import AppError
from app.core.settings import InvalidSecret, Settings, webhook_signing_key
from app.delivery.guard import TargetRefused, resolve
from app.delivery.log import Delivery, delivery_log
from app.delivery.schemas import WebhookAccepted
from app.delivery.webhooks import invoice_event
from app.invoices import service as invoices
from app.jobs.backends import Jobs, JobSpec, QueueUnavailable, TooManyJobs, owner_tag
from app.jobs.policy import with_jitter
from app.jobs.router import queue_unavailable, too_many_jobs
from app.sessions.store import SessionStore
from app.sessions.token import Session

logger = logging.getLogger(__name__)


def _secret(given: str | None, settings: Settings) -> str:
    secret = given or (settings.webhook_secret.get_secret_value() if settings.webhook_secret else None)
    if secret is None:
        raise AppError(
            "webhook_secret_required",
            "Send a 'secret' (whsec_ + base64) to sign the webhook with; this server has no WEBHOOK_SECRET.",
            field="secret",
        )
    try:
        webhook_signing_key(secret)
    except InvalidSecret as exc:
        raise AppError("invalid_secret", str(exc), field="secret") from None
    return secret


async def request_webhook(
    *,
    jobs: Jobs,
    store: SessionStore,
    session: Session,
    settings: Settings,
    invoice_id: str,
    url: str,
    secret: str | None,
) -> WebhookAccepted:
    """Check the target now (a clear 422 beats a delivery failing later), record the delivery and
    queue its job. The event carries the invoice as it is at this moment."""
    invoice = await invoices.get_invoice(store=store, session=session, invoice_id=invoice_id)
    signing_secret = _secret(secret, settings)
    try:
        await anyio.to_thread.run_sync(lambda: resolve(url, allowed_hosts=settings.allowed_webhook_hosts))
    except TargetRefused as exc:
        raise AppError("webhook_target_refused", str(exc), field="url") from None
    now = datetime.now(UTC)
    event, body = invoice_event(invoice, now)
    delivery = Delivery(
        delivery_id="dlv_" + secrets.token_hex(12),
        webhook_id="msg_" + secrets.token_hex(12),
        event=event,
        invoice_id=invoice.id,
        url=url,
        created_at=now,
        kept_until=min(
            now + timedelta(seconds=settings.delivery_retention_seconds),
            now + timedelta(seconds=session.seconds_left()),
        ),
        owner=owner_tag(session.id),
    )
    log = delivery_log(settings.redis_url)
    schedule = with_jitter(settings.webhook_schedule)
    spec = JobSpec(
        job_id=delivery.delivery_id,
        kind="webhook",
        queue="webhooks",
        function="app.delivery.webhooks.deliver",
        arguments={
            "delivery_id": delivery.delivery_id,
            "url": url,
            "webhook_id": delivery.webhook_id,
            "schedule": schedule,
            "redis_url": settings.redis_url,
            "timeout_seconds": settings.webhook_timeout_seconds,
            "max_response_bytes": settings.webhook_max_response_bytes,
            "allowed_hosts": sorted(settings.allowed_webhook_hosts),
        },
        private={"secret": signing_secret, "body": body},
        session_id=session.id,
        session_expires_in=session.seconds_left(),
        schedule=schedule,
    )
    try:
        await anyio.to_thread.run_sync(log.save, delivery)
        await jobs.enqueue(spec)
    except (RedisError, QueueUnavailable):
        raise queue_unavailable() from None
    except TooManyJobs:
        await anyio.to_thread.run_sync(log.delete, [delivery.delivery_id])
        raise too_many_jobs() from None
    return WebhookAccepted(
        delivery_id=delivery.delivery_id,
        webhook_id=delivery.webhook_id,
        status_url=f"/api/v2/webhooks/deliveries/{delivery.delivery_id}",
        job_url=f"/api/v2/jobs/{delivery.delivery_id}",
    )


async def delivery_state(*, session: Session, settings: Settings, delivery_id: str) -> Delivery:
    log = delivery_log(settings.redis_url)
    try:
        delivery = await anyio.to_thread.run_sync(log.load, delivery_id)
    except RedisError:
        raise queue_unavailable() from None
    if delivery is None or delivery.owner != owner_tag(session.id):
        raise AppError("delivery_not_found", f"No delivery {delivery_id!r} in this session.", field="delivery_id")
    return delivery


async def check_s3_delivery(*, jobs: Jobs, settings: Settings) -> None:
    """Refuse S3 delivery up front (before an approval changes anything) when S3 is off or no
    job can be queued now."""
    if not settings.enable_s3 or not settings.s3_bucket:
        raise AppError(
            "s3_unavailable",
            "Delivery to S3 is not enabled on this server; use delivery=download.",
            field="delivery",
        )
    try:
        await jobs.ping()
    except QueueUnavailable:
        raise queue_unavailable() from None


async def forget_session(session_id: str, *, jobs: Jobs, settings: Settings) -> None:
    """A session has ended: its queued and finished jobs, their sealed data and its webhook
    deliveries' records go now, instead of outliving it for their retention time."""
    try:
        job_ids = await jobs.forget_session(session_id)
        log = delivery_log(settings.redis_url)
        await anyio.to_thread.run_sync(log.delete, job_ids)  # a webhook's job id is its delivery id
    except (RedisError, QueueUnavailable):
        logger.warning("the ended session's jobs could not be deleted now; they expire on their own")
