"""Sessions through a Redis outage: the shared store first, this process's memory while it is away.

While Redis cannot be reached an instance keeps new invoices in its own memory, so parsing,
review and download go on for the sessions it serves; it stops asking Redis for
``recheck_seconds`` at a time rather than waiting on it in every call. Once Redis answers again,
the next request of a session moves what the session gathered in memory into Redis, where every
instance sees it. Reads look in both places, so an item that cannot be moved (the session's
share in Redis already full) is still found here.

What an outage costs: invoices already in Redis are out of sight until it returns (and lost if
Redis itself lost them), and a logout during it revokes the token on this instance only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from app.core import metrics
from app.sessions.redis_store import StoreUnavailable
from app.sessions.store import MemoryStore, SessionFull, SessionStore, TooManySessions

T = TypeVar("T")

log = logging.getLogger(__name__)


class FallbackStore(SessionStore):
    def __init__(self, shared: SessionStore, local: MemoryStore, *, recheck_seconds: float) -> None:
        self._shared = shared
        self._local = local
        self._recheck_seconds = recheck_seconds
        self._down_until: float | None = None  # set while the shared store is taken to be down
        self._moving: set[str] = set()  # sessions whose local items are being moved right now

    async def start(self) -> None:
        await self._local.start()
        await self._shared.start()

    async def close(self) -> None:
        await self._shared.close()
        await self._local.close()

    async def ping(self) -> None:
        await self._shared.ping()

    async def save(self, session_id: str, item_id: str, record: str, original: bytes | None, *, ttl: float) -> None:
        await self._either(
            session_id,
            lambda: self._shared.save(session_id, item_id, record, original, ttl=ttl),
            lambda: self._local.save(session_id, item_id, record, original, ttl=ttl),
        )

    async def room(self, session_id: str) -> int:
        local = await self._local.room(session_id)
        return await self._either(session_id, lambda: self._shared_room(session_id, local), lambda: _value(local))

    async def replace(
        self, session_id: str, item_id: str, record: str, original: bytes | None = None, *, expected: str
    ) -> bool:
        async def anywhere() -> bool:
            return await self._shared.replace(session_id, item_id, record, original, expected=expected) or await local()

        async def local() -> bool:
            return await self._local.replace(session_id, item_id, record, original, expected=expected)

        return await self._either(session_id, anywhere, local)

    async def load(self, session_id: str, item_id: str) -> str | None:
        return await self._first(session_id, lambda store: store.load(session_id, item_id))

    async def load_original(self, session_id: str, item_id: str) -> bytes | None:
        return await self._first(session_id, lambda store: store.load_original(session_id, item_id))

    async def load_all(self, session_id: str) -> list[str]:
        return await self._both(session_id, lambda store: store.load_all(session_id))

    async def delete(self, session_id: str, item_ids: Iterable[str]) -> list[str]:
        ids = list(item_ids)
        return await self._both(session_id, lambda store: store.delete(session_id, ids))

    async def purge(self, session_id: str, *, revoke_for: float) -> None:
        await self._local.purge(session_id, revoke_for=revoke_for)
        await self._either(session_id, lambda: self._shared.purge(session_id, revoke_for=revoke_for), _nothing)

    async def is_revoked(self, session_id: str) -> bool:
        if await self._local.is_revoked(session_id):
            return True
        return await self._either(session_id, lambda: self._shared.is_revoked(session_id), lambda: _value(False))

    async def _shared_room(self, session_id: str, local: int) -> int:
        return min(await self._shared.room(session_id), local)

    async def _first(self, session_id: str, read: Callable[[SessionStore], Awaitable[T | None]]) -> T | None:
        async def anywhere() -> T | None:
            found = await read(self._shared)
            return found if found is not None else await read(self._local)

        return await self._either(session_id, anywhere, lambda: read(self._local))

    async def _both(self, session_id: str, read: Callable[[SessionStore], Awaitable[list[str]]]) -> list[str]:
        async def both() -> list[str]:
            return [*await read(self._shared), *await read(self._local)]

        return await self._either(session_id, both, lambda: read(self._local))

    async def _either(
        self, session_id: str, shared: Callable[[], Awaitable[T]], local: Callable[[], Awaitable[T]]
    ) -> T:
        """``shared()`` while the shared store answers (after moving the session's local items
        there), else ``local()``."""
        if self._down_until is None or time.monotonic() >= self._down_until:
            try:
                await self._move_to_shared(session_id)
                result = await shared()
            except StoreUnavailable:
                if self._down_until is None:
                    log.warning("session store unreachable: keeping new session data in this process")
                    metrics.SESSIONS_HELD_LOCALLY.set(1)
                self._down_until = time.monotonic() + self._recheck_seconds
            else:
                if self._down_until is not None:
                    log.info("session store reachable again")
                    metrics.SESSIONS_HELD_LOCALLY.set(0)
                    self._down_until = None
                return result
        return await local()

    async def _move_to_shared(self, session_id: str) -> None:
        lifetime, items = self._local.held(session_id)
        if not items or session_id in self._moving:  # one mover per session: no item saved twice
            return
        self._moving.add(session_id)
        try:
            for item_id, record, original in items:
                try:
                    await self._shared.save(session_id, item_id, record, original, ttl=lifetime)
                except (SessionFull, TooManySessions):
                    continue  # it stays here, where reads still find it
                await self._local.delete(session_id, [item_id])
        finally:
            self._moving.discard(session_id)


async def _value(value: T) -> T:
    return value


async def _nothing() -> None:
    return None
