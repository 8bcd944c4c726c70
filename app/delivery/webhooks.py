"""The webhook job: one signed POST attempt, recorded, and the verdict on retrying.

Each attempt resolves and checks the target again and connects to the checked address (see
guard.py), signs with a fresh timestamp but always the same webhook-id (so receivers can drop
repeats), follows no redirect, ignores proxy settings from the environment, and reads at most a
small part of the answer. 2xx is delivered; 410 and other 4xx are final; network errors,
timeouts, 408, 429 (after its Retry-After), 3xx and 5xx are retried on the schedule.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx2

from app.core import metrics
from app.delivery.guard import TargetRefused, resolve
from app.delivery.log import Attempt, Delivery, DeliveryLog, delivery_log
from app.delivery.signing import sign
from app.invoices.schemas import Invoice
from app.jobs.policy import GiveUp, RetryLater, next_delay

USER_AGENT = "invoice-service-webhooks/1"


def invoice_event(invoice: Invoice, now: datetime) -> tuple[str, str]:
    """The event type and JSON body of a webhook about ``invoice``."""
    event = "invoice.approved" if invoice.status == "approved" else "invoice.parsed"
    data = invoice.model_dump(mode="json", by_alias=True)
    body = json.dumps(
        {"type": event, "timestamp": now.isoformat(), "data": data}, ensure_ascii=False, separators=(",", ":")
    )
    return event, body


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header (seconds or an HTTP date) as seconds from now, capped at a day."""
    if not value:
        return None
    try:
        seconds = (
            float(value)
            if value.strip().isdigit()
            else (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
        )
    except (TypeError, ValueError, IndexError):
        return None
    return min(max(seconds, 0.0), 86_400.0)


def deliver(
    *,
    delivery_id: str,
    url: str,
    secret: str,
    body: str,
    webhook_id: str,
    schedule: list[int],
    redis_url: str | None,
    timeout_seconds: float,
    max_response_bytes: int,
    allowed_hosts: list[str],
) -> dict[str, Any]:
    log = delivery_log(redis_url)
    delivery = log.load(delivery_id)
    if delivery is None:
        raise GiveUp("The delivery record has expired; request the webhook again.")
    started = time.perf_counter()
    status_code: int | None = None
    failure: Exception | None = None
    try:
        status_code, retry_after = post_signed(
            url, secret, body.encode(), webhook_id, timeout_seconds, max_response_bytes, allowed_hosts
        )
    except TargetRefused as exc:
        failure = GiveUp(str(exc))
    except httpx2.TimeoutException:
        failure = RetryLater(f"no answer within {timeout_seconds:g} s")
    except httpx2.HTTPError as exc:
        failure = RetryLater(f"connection failed ({type(exc).__name__})")
    else:
        failure = verdict(status_code, retry_after)
    attempt = Attempt(
        at=datetime.now(UTC),
        status_code=status_code,
        error=str(failure) if failure else None,
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
    )
    _record(log, delivery, attempt, failure, schedule)
    if failure is not None:
        raise failure
    metrics.DELIVERY_LATENCY.observe((attempt.at - delivery.created_at).total_seconds())
    return {"delivery_id": delivery_id, "status_code": status_code}


def post_signed(
    url: str,
    secret: str,
    body: bytes,
    webhook_id: str,
    timeout_seconds: float,
    max_response_bytes: int,
    allowed_hosts: list[str],
) -> tuple[int, float | None]:
    """One signed POST to the checked address of ``url``: the status code and Retry-After."""
    target = resolve(url, allowed_hosts=frozenset(allowed_hosts))
    timestamp = int(time.time())
    headers = {
        "Host": target.host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, webhook_id, timestamp, body),
    }
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    with (
        httpx2.Client(trust_env=False, follow_redirects=False, timeout=timeout_seconds) as client,
        client.stream("POST", target.connect_url, content=body, headers=headers, extensions=extensions) as response,
    ):
        received = 0
        for chunk in response.iter_raw():
            received += len(chunk)
            if received >= max_response_bytes:
                break  # the answer's body is not needed; never read more than a little of it
        return response.status_code, retry_after_seconds(response.headers.get("retry-after"))


def verdict(status_code: int, retry_after: float | None) -> Exception | None:
    """None for a delivered webhook, else whether to try again (RetryLater) or not (GiveUp)."""
    if 200 <= status_code < 300:
        return None
    if status_code == 410:
        return GiveUp("the receiver answered 410 Gone: it no longer accepts these webhooks")
    if status_code in (408, 429) or status_code >= 500:
        return RetryLater(f"the receiver answered {status_code}", after=retry_after if status_code == 429 else None)
    if 300 <= status_code < 400:
        return RetryLater(f"the receiver answered {status_code}; redirects are not followed, use the final URL")
    return GiveUp(f"the receiver refused the webhook with {status_code}")


def _record(
    log: DeliveryLog, delivery: Delivery, attempt: Attempt, failure: Exception | None, schedule: list[int]
) -> None:
    delivery.attempts.append(attempt)
    delay = next_delay(schedule, len(delivery.attempts) - 1, failure) if failure else None
    if failure is None:
        delivery.status, delivery.next_retry_at = "delivered", None
    elif delay is None:
        delivery.status, delivery.next_retry_at = "failed", None
    else:
        delivery.status, delivery.next_retry_at = "retrying", attempt.at + timedelta(seconds=delay)
    log.save(delivery)
