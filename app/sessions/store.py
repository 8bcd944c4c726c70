"""Where each session's invoices live until the session expires.

``SessionStore`` is the interface; ``MemoryStore`` keeps everything in this process (the embedded
default). A Redis implementation fits the same interface: records are JSON strings and originals
are bytes, so nothing here depends on the invoice model, and nothing is ever written to disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.core.errors import AppError


class SessionFull(AppError):
    def __init__(self, limit_bytes: int) -> None:
        super().__init__(
            "session_full",
            f"This session already holds its limit of {limit_bytes // (1024 * 1024)} MiB of invoices. "
            "Delete invoices you no longer need, or start a new session.",
        )


class RecordChanged(Exception):
    """The item's record is no longer the one the change was made to."""


class SessionEnded(AppError):
    """The session was ended (logged out) while the request ran: what it brought is not kept."""

    def __init__(self) -> None:
        super().__init__(
            "session_ended",
            "This session was ended while the request ran, and nothing was kept. Start a new session.",
        )


class StoreFull(AppError):
    """All sessions together hold what this process may keep: nobody's upload fits until some expire."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "store_full",
            "The service is holding as many invoices as its memory allows. Try again in a few minutes, "
            "or delete invoices you no longer need.",
            headers={"Retry-After": str(retry_after)},
        )


class TooManySessions(AppError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "too_many_sessions",
            "The service is holding as many sessions as it can. Try again in a few minutes.",
            headers={"Retry-After": str(retry_after)},
        )


class SessionStore(ABC):
    """Per-session invoice records (JSON text) and their original documents (bytes)."""

    @abstractmethod
    async def start(self) -> None:
        """Begin background upkeep (expiry sweeps); called once at application start."""

    @abstractmethod
    async def close(self) -> None:
        """Stop background upkeep and release connections."""

    @abstractmethod
    async def ping(self) -> None:
        """Raise if the store cannot serve requests."""

    @abstractmethod
    async def save(self, session_id: str, item_id: str, record: str, original: bytes | None, *, ttl: float) -> None:
        """Add an item; the session (and its data) expires ``ttl`` seconds from now.

        Raises SessionFull or TooManySessions when a limit would be passed, SessionEnded when the
        session has been ended (revoked) meanwhile.
        """

    @abstractmethod
    async def room(self, session_id: str) -> int:
        """How many more bytes (records and originals) the session may take."""

    @abstractmethod
    async def replace(
        self, session_id: str, item_id: str, record: str, original: bytes | None = None, *, expected: str
    ) -> bool:
        """Overwrite an existing item's record, and its original when one is given, if its record
        is still ``expected`` (else RecordChanged: another request wrote it since it was read);
        False if there is no such item."""

    @abstractmethod
    async def load(self, session_id: str, item_id: str) -> str | None: ...

    @abstractmethod
    async def load_original(self, session_id: str, item_id: str) -> bytes | None: ...

    @abstractmethod
    async def load_all(self, session_id: str) -> list[str]:
        """Every record of the session, oldest first."""

    @abstractmethod
    async def delete(self, session_id: str, item_ids: Iterable[str]) -> list[str]:
        """Delete items; returns the ids that existed."""

    @abstractmethod
    async def purge(self, session_id: str, *, revoke_for: float) -> None:
        """Drop all of a session's data now and refuse its token for ``revoke_for`` seconds."""

    @abstractmethod
    async def is_revoked(self, session_id: str) -> bool: ...


@dataclass
class _Item:
    record: str
    original: bytes | None

    @property
    def size(self) -> int:
        return len(self.record) + len(self.original or b"")


@dataclass
class _SessionData:
    expires_at: float
    items: dict[str, _Item] = field(default_factory=dict)
    size: int = 0


class MemoryStore(SessionStore):
    """The embedded store: one process, TTL expiry swept in the background, capped in size."""

    def __init__(
        self, *, max_sessions: int, max_session_bytes: int, max_total_bytes: int, sweep_seconds: float
    ) -> None:
        self._sessions: dict[str, _SessionData] = {}
        self._revoked: dict[str, float] = {}
        self._max_sessions = max_sessions
        self._max_session_bytes = max_session_bytes
        #: What all sessions together may hold: the bound on this process's memory, whatever the
        #: number of sessions times their own limit.
        self._max_total_bytes = max_total_bytes
        self._total = 0
        self._sweep_seconds = sweep_seconds
        self._sweeper: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._sweeper = asyncio.create_task(self._sweep_forever(), name="session-sweeper")

    async def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        self._sessions.clear()
        self._revoked.clear()
        self._total = 0

    async def ping(self) -> None:
        return None

    def sweep(self) -> int:
        """Drop expired sessions and revocations; returns how many sessions went."""
        now = time.monotonic()
        expired = [sid for sid, data in self._sessions.items() if data.expires_at <= now]
        for sid in expired:
            self._total -= self._sessions.pop(sid).size
        for sid in [sid for sid, until in self._revoked.items() if until <= now]:
            del self._revoked[sid]
        return len(expired)

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self._sweep_seconds)
            self.sweep()

    def _live(self, session_id: str) -> _SessionData | None:
        data = self._sessions.get(session_id)
        if data is not None and data.expires_at <= time.monotonic():
            self._total -= self._sessions.pop(session_id).size
            return None
        return data

    async def save(self, session_id: str, item_id: str, record: str, original: bytes | None, *, ttl: float) -> None:
        if await self.is_revoked(session_id):
            raise SessionEnded
        data = self._live(session_id)
        if data is None:
            if len(self._sessions) >= self._max_sessions and self.sweep() == 0:
                raise TooManySessions(retry_after=max(1, int(self._sweep_seconds)))
            data = _SessionData(expires_at=time.monotonic() + ttl)
        item = _Item(record, original)
        if data.size + item.size > self._max_session_bytes:
            raise SessionFull(self._max_session_bytes)
        self._check_total(item.size)
        self._sessions[session_id] = data
        data.items[item_id] = item
        data.size += item.size
        self._total += item.size

    def _check_total(self, growth: int) -> None:
        if (
            growth > 0
            and self._total + growth > self._max_total_bytes
            and (self.sweep() == 0 or self._total + growth > self._max_total_bytes)
        ):
            raise StoreFull(retry_after=max(1, int(self._sweep_seconds)))

    async def room(self, session_id: str) -> int:
        data = self._live(session_id)
        return min(self._max_session_bytes - (data.size if data else 0), self._max_total_bytes - self._total)

    async def replace(
        self, session_id: str, item_id: str, record: str, original: bytes | None = None, *, expected: str
    ) -> bool:
        data = self._live(session_id)
        if data is None or item_id not in data.items:
            return False
        old = data.items[item_id]
        if old.record != expected:
            raise RecordChanged
        new = _Item(record, old.original if original is None else original)
        if data.size - old.size + new.size > self._max_session_bytes:
            raise SessionFull(self._max_session_bytes)
        self._check_total(new.size - old.size)
        data.items[item_id] = new
        data.size += new.size - old.size
        self._total += new.size - old.size
        return True

    async def load(self, session_id: str, item_id: str) -> str | None:
        data = self._live(session_id)
        item = data.items.get(item_id) if data else None
        return item.record if item else None

    async def load_original(self, session_id: str, item_id: str) -> bytes | None:
        data = self._live(session_id)
        item = data.items.get(item_id) if data else None
        return item.original if item else None

    async def load_all(self, session_id: str) -> list[str]:
        data = self._live(session_id)
        return [item.record for item in data.items.values()] if data else []

    async def delete(self, session_id: str, item_ids: Iterable[str]) -> list[str]:
        data = self._live(session_id)
        if data is None:
            return []
        deleted = []
        for item_id in item_ids:
            item = data.items.pop(item_id, None)
            if item is not None:
                data.size -= item.size
                self._total -= item.size
                deleted.append(item_id)
        return deleted

    async def purge(self, session_id: str, *, revoke_for: float) -> None:
        purged = self._sessions.pop(session_id, None)
        self._total -= purged.size if purged else 0
        self._revoked[session_id] = time.monotonic() + revoke_for

    async def is_revoked(self, session_id: str) -> bool:
        until = self._revoked.get(session_id)
        return until is not None and until > time.monotonic()

    def held(self, session_id: str) -> tuple[float, list[tuple[str, str, bytes | None]]]:
        """A live session's remaining lifetime in seconds and its items (id, record, original),
        oldest first; (0, []) for none."""
        data = self._live(session_id)
        if data is None:
            return 0.0, []
        items = [(item_id, item.record, item.original) for item_id, item in data.items.items()]
        return data.expires_at - time.monotonic(), items
