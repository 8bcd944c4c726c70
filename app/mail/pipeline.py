"""The mail pipeline: one mailbox (the MAIL_* settings) polled by `python -m workers`; each new
invoice is delivered as a signed webhook (MAIL_WEBHOOK_URL) and/or an S3 object (MAIL_S3), and
its message is then marked in the mailbox.

The state lives in the mailbox, not in the service: a message is marked only once every invoice
in it is delivered, and the next poll no longer finds it. Several workers may poll one mailbox:
each message is claimed first (a short Redis key, set only if absent), so one worker delivers
it. A claim outlives the delivery by CLAIM_SECONDS, longer than a poll takes, so that a worker
whose search was made before the message was marked cannot claim it again; a claim whose
delivery failed is let go at once, for the next poll to try. A worker that dies holding a claim
delays that message by CLAIM_SECONDS, no more. Every delivery of one document of one message
carries the same webhook-id, so a receiver can drop the rare repeat (a worker that died after
delivering, before marking).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from datetime import UTC, datetime

import httpx2
from redis import Redis
from redis.exceptions import RedisError

from app.core.errors import AppError
from app.core.settings import Settings
from app.delivery import s3
from app.delivery.guard import TargetRefused
from app.delivery.webhooks import invoice_event, post_signed, verdict
from app.invoices.archives import Document
from app.invoices.schemas import EmailOrigin, Invoice
from app.invoices.service import read_invoice
from app.jobs.policy import GiveUp, RetryLater
from app.mail.connection import STANDARD_PORTS, Account, MailError
from app.mail.jobs import MailServices
from app.mail.mailbox import Marking, Selection
from app.mail.pull import open_mailbox, pull

log = logging.getLogger(__name__)

#: How long a claimed message stays claimed (seconds).
CLAIM_SECONDS = 600
_CLAIM = "invoice-service:mail-claim:"


def account_of(settings: Settings) -> Account:
    return Account(
        protocol=settings.mail_protocol,
        host=str(settings.mail_host),
        port=settings.mail_port or STANDARD_PORTS[settings.mail_protocol, settings.mail_security],
        security=settings.mail_security,
        username=str(settings.mail_username),
        password=settings.mail_password.get_secret_value() if settings.mail_password else None,
        access_token=settings.mail_access_token.get_secret_value() if settings.mail_access_token else None,
        folder=settings.mail_folder,
    )


class Receivers:
    """The pipeline's destination: each invoice parsed and delivered, nothing kept."""

    def __init__(self, services: MailServices, settings: Settings, mailbox_identity: str) -> None:
        self._services = services
        self._settings = settings
        self._identity = mailbox_identity

    def known(self) -> set[str]:
        return set()  # the mailbox's marks say what is done

    def room(self) -> int:
        return self._settings.bulk_max_bytes

    def add(self, document: Document, origin: EmailOrigin, *, message: str) -> Invoice:
        invoice, _ = self._services.portal.call(
            lambda: read_invoice(
                parser=self._services.parser,
                data=document.data,
                file_name=document.file_name,
                source="email",
                email=origin,
            )
        )
        if self._settings.mail_webhook_url:
            self._send_webhook(invoice, message)
        if self._settings.mail_s3:
            self._upload(invoice)
        return invoice

    def _send_webhook(self, invoice: Invoice, message: str) -> None:
        settings = self._settings
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
        _, body = invoice_event(invoice, datetime.now(UTC))
        same = f"{self._identity}\x00{message}\x00{invoice.document_sha256}".encode()
        webhook_id = "msg_" + hashlib.sha256(same).hexdigest()[:24]
        try:
            status, retry_after = post_signed(
                str(settings.mail_webhook_url),
                secret,
                body.encode(),
                webhook_id,
                settings.webhook_timeout_seconds,
                settings.webhook_max_response_bytes,
                sorted(settings.allowed_webhook_hosts),
            )
        except (TargetRefused, httpx2.HTTPError) as exc:
            raise _undelivered(f"the webhook could not be sent ({type(exc).__name__})") from None
        failure = verdict(status, retry_after)
        if failure is not None:
            raise _undelivered(f"the webhook was not accepted: {failure}")

    def _upload(self, invoice: Invoice) -> None:
        settings = self._settings
        key = f"{settings.s3_prefix}mail/{datetime.now(UTC):%Y/%m/%d}/{invoice.id}.json"
        try:
            s3.upload(
                body=invoice.model_dump_json(by_alias=True).encode(),
                content_type="application/json",
                file_name=f"{invoice.id}.json",
                bucket=str(settings.s3_bucket),
                key=key,
                region=settings.s3_region,
                endpoint_url=settings.s3_endpoint_url,
                url_expires=settings.s3_url_expires,
            )
        except (RetryLater, GiveUp) as exc:
            raise _undelivered(f"the S3 upload failed: {exc}") from None


def _undelivered(reason: str) -> AppError:
    return AppError("delivery_failed", f"The invoice was read but {reason}; its message will be tried again.")


def poll_once(settings: Settings, services: MailServices, claims: Redis) -> None:
    """One poll: import what is new, deliver it, mark it."""
    account = account_of(settings)
    marking = Marking(action=settings.mail_mark, keyword=settings.mail_keyword, folder=settings.mail_move_to)
    selection = Selection(unseen_only=False, max_messages=settings.mail_max_messages)
    with open_mailbox(account, services.reach, marking) as mailbox:
        receivers = Receivers(services, settings, mailbox.identity)

        def claim(key: str) -> bool:
            return bool(claims.set(_claim(mailbox.identity, key), b"1", nx=True, ex=CLAIM_SECONDS))

        report = pull(
            mailbox,
            receivers,
            selection=selection,
            marking=marking,
            limits=services.limits,
            claim=claim,
            parallel=2 * services.parser.pool.workers,
        )
        for error in report.errors:  # not delivered: let the message go for the next poll
            if error.code == "delivery_failed":
                claims.delete(_claim(mailbox.identity, error.message))


def _claim(identity: str, key: str) -> str:
    return _CLAIM + hashlib.sha256(f"{identity}\x00{key}".encode()).hexdigest()


def run(settings: Settings, services: MailServices, claims: Redis, stop: threading.Event) -> None:
    """Poll every MAIL_POLL_SECONDS until ``stop`` is set; a failed poll is logged (by its code,
    never with the credentials) and the next one tries again."""
    while not stop.is_set():
        try:
            poll_once(settings, services, claims)
        except MailError as exc:
            log.warning("mail poll failed", extra={"code": exc.code})
        except RedisError as exc:
            log.warning("mail poll failed", extra={"code": "redis_unavailable", "error": type(exc).__name__})
        except Exception:
            log.exception("mail poll failed")
        stop.wait(settings.mail_poll_seconds)
