"""What a pull asks of a mailbox, whatever its protocol: find the messages to import, fetch what
their invoices need, and mark each once its invoices are kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Protocol

from app.invoices.archives import BulkLimits
from app.parsing.messages import Skipped

Action = Literal["keyword", "move", "none", "delete", "leave"]
#: What each protocol can do with an imported message (POP3 has no flags or folders).
ACTIONS: dict[str, tuple[Action, ...]] = {"imap": ("keyword", "move", "none"), "pop3": ("leave", "delete")}
DEFAULT_KEYWORD = "$InvoiceImported"


@dataclass(frozen=True)
class Selection:
    """Which messages: received since a day, unread only (IMAP), at most so many (oldest first)."""

    since: date | None = None
    unseen_only: bool = True
    max_messages: int = 100


@dataclass(frozen=True)
class Marking:
    """What happens to a message once its invoices are kept: an IMAP keyword (later pulls skip
    it), a move to another folder, nothing; POP3: delete it from the server, or leave it."""

    action: Action
    keyword: str = DEFAULT_KEYWORD
    folder: str | None = None


@dataclass
class Fetched:
    """One message as far as a pull reads it: its headers and document parts (``raw``, a message
    of its own; None when it has no part that could be a document) and the parts left on the
    server with the reason (too large to fetch)."""

    key: str
    raw: bytes | None
    skipped: list[Skipped] = field(default_factory=list)


class UnreadableMessage(Exception):
    """One message cannot be read (its outline or answer makes no sense): it is reported and left
    unmarked, and the pull goes on with the others."""


class Mailbox(Protocol):
    #: Names the mailbox and the generation of its message keys (IMAP UIDVALIDITY), for claims.
    identity: str

    def find(self, selection: Selection, marking: Marking) -> list[str]:
        """The keys of the messages to import, oldest first."""

    def fetch(self, key: str, limits: BulkLimits) -> Fetched:
        """The message's documents within ``limits`` (an upload's: per file, and per message as per
        bulk request); raises UnreadableMessage."""

    def mark(self, key: str, marking: Marking) -> None: ...
