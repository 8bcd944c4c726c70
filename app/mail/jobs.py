"""The mailbox-pull job: runs on the `mail` queue (an RQ worker) or in the web process, and adds
what it finds to the session that asked.

Its parser and session store are the running process's (``MailServices``), reached from the job's
thread through an anyio portal into that process's event loop: in the web process the app's own
parse pool and store; in `python -m workers` a parse pool and Redis store of the worker's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from anyio.from_thread import BlockingPortal, start_blocking_portal

from app.core.settings import Settings
from app.invoices.archives import BulkLimits, Document, bulk_limits
from app.invoices.parser import DocumentParser, build_parser
from app.invoices.schemas import EmailOrigin, Invoice
from app.invoices.service import parse_into_session, session_invoices
from app.jobs.policy import GiveUp, RetryLater
from app.jobs.runner import Report
from app.mail.connection import Account, MailError, Reach
from app.mail.mailbox import Marking, Selection
from app.mail.pull import open_mailbox, pull
from app.mail.service import reach
from app.sessions.redis_store import RedisStore
from app.sessions.store import SessionEnded, SessionStore
from app.sessions.token import Session


@dataclass(frozen=True)
class MailServices:
    """What a pull needs from the process it runs in."""

    portal: BlockingPortal
    parser: DocumentParser
    store: SessionStore
    reach: Reach
    limits: BulkLimits


class SessionDestination:
    """The session a pull was asked from: its invoices, its room, and the upload's parse path."""

    def __init__(self, services: MailServices, session: Session) -> None:
        self._services = services
        self._session = session

    def known(self) -> set[str]:
        invoices = self._call(session_invoices)
        return {invoice.document_sha256 for invoice in invoices if invoice.document_sha256}

    def room(self) -> int:
        return int(self._services.portal.call(self._services.store.room, self._session.id))

    def add(self, document: Document, origin: EmailOrigin, *, message: str) -> Invoice:
        invoice: Invoice = self._call(
            parse_into_session,
            parser=self._services.parser,
            data=document.data,
            file_name=document.file_name,
            source="email",
            email=origin,
        )
        return invoice

    def _call(self, function: Any, **arguments: Any) -> Any:
        bound = partial(function, store=self._services.store, session=self._session, **arguments)
        return self._services.portal.call(bound)


@contextmanager
def worker_services(settings: Settings) -> Iterator[MailServices]:
    """What `python -m workers` gives its mail jobs: a parse pool of its own (its processes start
    with the first document) and the sessions' Redis store, on an event loop in a thread."""
    assert settings.redis_url, "workers run with REDIS_URL"
    redis_url = settings.redis_url
    parser = build_parser(settings)
    parser.pool.start()
    try:
        with start_blocking_portal() as portal:

            async def open_store() -> RedisStore:  # its connections belong to the portal's loop
                return RedisStore(
                    redis_url, max_sessions=settings.max_sessions, max_session_bytes=settings.max_session_bytes
                )

            store = portal.call(open_store)
            try:
                yield MailServices(portal, parser, store, reach(settings), bulk_limits(settings))
            finally:
                portal.call(store.close)
    finally:
        parser.pool.close()


def pull_into_session(
    *,
    selection: dict[str, Any],
    marking: dict[str, Any],
    account: dict[str, Any],
    session_id: str,
    session_expires_at: float,
    services: MailServices | None,
    report: Report,
) -> dict[str, Any]:
    """The job: pull ``account`` into the session; its result is the pull's report."""
    if services is None:
        raise GiveUp("This worker cannot read mail: start it with `python -m workers`.", code="mail_unavailable")
    expires = datetime.fromtimestamp(session_expires_at, UTC)
    # the session as far as the store needs it: its id and its end (the job carries no token)
    session = Session(id=session_id, token="", issued_at=expires - timedelta(seconds=1), max_age=1)
    if session.seconds_left() <= 0:
        raise GiveUp("The session has ended; nothing was imported.", code="session_ended")
    try:
        with open_mailbox(Account(**account), services.reach, Marking(**marking)) as mailbox:
            found = pull(
                mailbox,
                SessionDestination(services, session),
                selection=Selection(**selection),
                marking=Marking(**marking),
                limits=services.limits,
                report=report,
                parallel=2 * services.parser.pool.workers,
            )
    except MailError as exc:
        raise (RetryLater(exc.message, code=exc.code) if exc.retry else GiveUp(exc.message, code=exc.code)) from None
    except SessionEnded:
        raise GiveUp(
            "The session ended during the pull; what it had imported went with it.", code="session_ended"
        ) from None
    return found.as_dict()
