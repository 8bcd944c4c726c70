"""The in-memory session store: expiry, sweeping, revocation and accounting."""

from __future__ import annotations

import asyncio

import pytest

from app.sessions.store import MemoryStore, SessionFull


def _store(**overrides: int | float) -> MemoryStore:
    options: dict[str, float] = {"max_sessions": 10, "max_session_bytes": 1000, "sweep_seconds": 0.02}
    options.update(overrides)
    return MemoryStore(
        max_sessions=int(options["max_sessions"]),
        max_session_bytes=int(options["max_session_bytes"]),
        sweep_seconds=options["sweep_seconds"],
    )


def test_items_expire_with_their_session_and_are_swept() -> None:
    async def scenario() -> None:
        store = _store()
        await store.start()
        await store.save("s1", "a", "{}", b"pdf", ttl=0.05)
        await store.save("s2", "b", "{}", None, ttl=60)
        assert await store.load("s1", "a") == "{}"
        await asyncio.sleep(0.15)
        assert "s1" not in store._sessions  # swept in the background, not only hidden on read
        assert await store.load_all("s1") == []
        assert await store.load("s2", "b") == "{}"
        await store.close()

    asyncio.run(scenario())


def test_size_accounting_frees_space_on_delete() -> None:
    async def scenario() -> None:
        store = _store(max_session_bytes=100)
        await store.save("s", "a", "x" * 40, b"y" * 40, ttl=60)
        with pytest.raises(SessionFull):
            await store.save("s", "b", "x" * 30, None, ttl=60)
        assert await store.delete("s", ["a", "zzz"]) == ["a"]
        await store.save("s", "b", "x" * 30, b"y" * 60, ttl=60)
        assert await store.load_original("s", "b") == b"y" * 60
        assert await store.replace("s", "b", "z" * 35)
        assert await store.load("s", "b") == "z" * 35
        assert not await store.replace("s", "nope", "{}")

    asyncio.run(scenario())


def test_purge_revokes_for_the_given_time() -> None:
    async def scenario() -> None:
        store = _store()
        await store.save("s", "a", "{}", None, ttl=60)
        await store.purge("s", revoke_for=0.05)
        assert await store.load_all("s") == []
        assert await store.is_revoked("s")
        await asyncio.sleep(0.08)
        assert not await store.is_revoked("s")

    asyncio.run(scenario())
