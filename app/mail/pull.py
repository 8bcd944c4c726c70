"""One pull of a mailbox: find the messages, read their attachments through the same reader,
limits and parser as an upload, and mark each message once all its invoices are kept.

Nothing of the mailbox is kept by the service. What makes a pull safe to repeat lives in the
mailbox and the session: a message is marked (keyword, move, POP3 delete) only after every
invoice it carries is in the session and nothing in it is left to try again, so a pull that
breaks off loses nothing; and a document whose SHA-256 the session already holds is not added
twice, so a message read again (after a crash, or with no marking) adds nothing.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from app.core.errors import AppError
from app.invoices.archives import BulkLimits, Document, message_documents
from app.invoices.schemas import EmailOrigin, Invoice
from app.mail.connection import Account, MailError, Reach
from app.mail.imap import ImapMailbox
from app.mail.mailbox import Fetched, Mailbox, Marking, Selection, UnreadableMessage
from app.mail.pop3 import Pop3Mailbox
from app.parsing.messages import MessageDocuments, read_message
from app.sessions.store import SessionEnded

log = logging.getLogger(__name__)

#: Failures that may pass (room in the session, a busy OCR service, a receiver down, a fault of
#: ours): the message is left unmarked, so that a later pull reads it again.
PASSING = frozenset(
    {
        "session_full",
        "store_full",
        "too_many_sessions",
        "ocr_unavailable",
        "parse_timeout",
        "internal_error",
        "delivery_failed",
        "part_unavailable",
        "unreadable_message",
    }
)


class Destination(Protocol):
    """Where a pull's invoices go: a session (app/mail/jobs.py) or the pipeline's receivers."""

    def known(self) -> set[str]:
        """SHA-256 of the documents already there."""

    def room(self) -> int:
        """Bytes of documents that can still be added."""

    def add(self, document: Document, origin: EmailOrigin, *, message: str) -> Invoice:
        """Parse and keep one document of ``message`` (its key); raises AppError when it cannot be.
        Called from several threads at once."""


@dataclass
class MessageError:
    """A document of a message that was not imported. Names no file or subject: the job's record
    outlives the session, so it says only where (the message's key and date) and why."""

    message: str  # the message's IMAP UID or POP3 UIDL
    received: str | None
    attachment: int  # its place among the message's documents, from 1
    code: str
    reason: str


@dataclass
class PullReport:
    messages_total: int = 0
    messages_scanned: int = 0
    messages_marked: int = 0
    attachments_found: int = 0
    invoices_parsed: int = 0
    duplicates: int = 0
    invoice_ids: list[str] = field(default_factory=list)
    errors: list[MessageError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def add(self, imported: _Imported) -> None:
        self.attachments_found += imported.documents
        self.invoices_parsed += len(imported.invoice_ids)
        self.invoice_ids += imported.invoice_ids
        self.duplicates += imported.duplicates
        self.errors += imported.errors


@contextmanager
def open_mailbox(account: Account, reach: Reach, marking: Marking) -> Iterator[Mailbox]:
    """A logged-in mailbox with its folder (and the move target) checked; closed on leaving."""
    if account.protocol == "imap":
        with ImapMailbox.connect(account, reach, marking) as imap:
            yield imap
    else:
        with Pop3Mailbox.connect(account, reach) as pop3:
            yield pop3


def pull(
    mailbox: Mailbox,
    destination: Destination,
    *,
    selection: Selection,
    marking: Marking,
    limits: BulkLimits,
    report: Callable[[dict[str, Any]], None] = lambda _: None,
    claim: Callable[[str], bool] = lambda _: True,
    parallel: int = 4,
) -> PullReport:
    """Import the selected messages of ``mailbox`` into ``destination``. ``claim`` lets a message be
    taken by one of several pullers (the pipeline's workers); ``report`` hears the progress after
    each message.

    Messages are fetched one after another over the one connection, while the documents of up to
    ``parallel`` messages are parsed meanwhile (the parse pool's workers stay busy); each message
    is marked, in order, once its documents are done."""
    progress = PullReport()
    keys = mailbox.find(selection, marking)
    progress.messages_total = len(keys)
    report(progress.as_dict())
    reading = _Reading(destination, destination.known(), limits)
    pending: deque[tuple[str, Future[_Imported]]] = deque()

    def finish_oldest() -> None:
        key, future = pending.popleft()
        imported = future.result()
        progress.add(imported)
        if imported.markable:
            mailbox.mark(key, marking)
            progress.messages_marked += 1
        progress.messages_scanned += 1
        report(progress.as_dict())

    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="mail-import") as parsers:
        try:
            for key in keys:
                if not claim(key):
                    progress.messages_total -= 1
                    continue
                try:
                    fetched = mailbox.fetch(key, limits)
                except UnreadableMessage as exc:
                    progress.errors.append(MessageError(key, None, 0, "unreadable_message", str(exc)))
                    progress.messages_scanned += 1
                    continue
                pending.append((key, parsers.submit(reading.message, fetched)))
                while pending and (len(pending) >= parallel or pending[0][1].done()):
                    finish_oldest()
            while pending:
                finish_oldest()
        finally:
            for _, future in pending:
                future.cancel()
    log.info(
        "mailbox pulled",
        extra={name: value for name, value in progress.as_dict().items() if isinstance(value, int)},
    )
    return progress


@dataclass
class _Imported:
    """What one message gave: its documents, the invoices parsed, duplicates and errors, and
    whether it may be marked (something imported, nothing left to try again)."""

    documents: int = 0
    invoice_ids: list[str] = field(default_factory=list)
    duplicates: int = 0
    errors: list[MessageError] = field(default_factory=list)

    @property
    def markable(self) -> bool:
        imported = self.invoice_ids or self.duplicates
        return bool(imported) and not any(error.code in PASSING for error in self.errors)


class _Reading:
    """Reads fetched messages into the destination, from several threads: the set of documents
    already there is shared, and a document is reserved in it before it is parsed, so that two
    messages carrying the same file add it once."""

    def __init__(self, destination: Destination, known: set[str], limits: BulkLimits) -> None:
        self._destination = destination
        self._known = known
        self._limits = limits
        self._lock = threading.Lock()

    def message(self, fetched: Fetched) -> _Imported:
        try:
            return self._read(fetched)
        except (AppError, MailError):  # the session ended, ...: the pull stops
            raise
        except Exception as exc:  # a fault of ours with one message must not stop the others
            log.exception("mail message failed unexpectedly")
            reason = f"The message could not be read because of a fault in the service ({type(exc).__name__})."
            return _Imported(errors=[MessageError(fetched.key, None, 0, "unreadable_message", reason)])

    def _read(self, fetched: Fetched) -> _Imported:
        outcome = _Imported()
        if fetched.raw is None and not fetched.skipped:
            return outcome  # nothing in it could be a document
        limits = self._limits
        message = read_message(fetched.raw or b"", max_part_bytes=max(limits.max_file_bytes, limits.max_bytes))
        message.skipped.extend(fetched.skipped)
        documents = message_documents(message, limits, budget=limits.max_bytes, room=self._destination.room())
        outcome.documents = len(documents)
        for number, document in enumerate(documents, start=1):
            error = document.error or self._add(document, _origin(message, document), fetched.key, outcome)
            if error is not None:
                outcome.errors.append(MessageError(fetched.key, message.date, number, error.code, error.message))
        return outcome

    def _add(self, document: Document, origin: EmailOrigin, message: str, outcome: _Imported) -> AppError | None:
        """Add one document unless the destination holds it already; the error when it cannot be."""
        sha256 = hashlib.sha256(document.data).hexdigest()
        with self._lock:
            seen = sha256 in self._known
            self._known.add(sha256)
        if seen:
            outcome.duplicates += 1
            return None
        try:
            invoice = self._destination.add(document, origin, message=message)
        except SessionEnded:
            raise
        except AppError as exc:
            with self._lock:
                self._known.discard(sha256)
            return exc
        outcome.invoice_ids.append(invoice.id)
        return None


def _origin(message: MessageDocuments, document: Document) -> EmailOrigin:
    return EmailOrigin.model_validate(
        {
            "from": message.sender,
            "subject": message.subject,
            "date": message.date,
            "message_id": message.message_id,
            "attachment": document.file_name,
        }
    )
