"""The in-memory session store: expiry, sweeping, revocation and accounting."""

from __future__ import annotations

import asyncio

import pytest

from app.sessions.store import MemoryStore, RecordChanged, SessionEnded, SessionFull, StoreFull


def _store(**overrides: int | float) -> MemoryStore:
    options: dict[str, float] = {
        "max_sessions": 10,
        "max_session_bytes": 1000,
        "max_total_bytes": 10_000,
        "sweep_seconds": 0.02,
    }
    options.update(overrides)
    return MemoryStore(
        max_sessions=int(options["max_sessions"]),
        max_session_bytes=int(options["max_session_bytes"]),
        max_total_bytes=int(options["max_total_bytes"]),
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
        assert await store.replace("s", "b", "z" * 35, expected="x" * 30)
        assert await store.load("s", "b") == "z" * 35
        with pytest.raises(RecordChanged):  # written by another request since it was read
            await store.replace("s", "b", "w" * 35, expected="x" * 30)
        assert not await store.replace("s", "nope", "{}", expected="{}")

    asyncio.run(scenario())


def test_purge_revokes_for_the_given_time() -> None:
    async def scenario() -> None:
        store = _store()
        await store.save("s", "a", "{}", None, ttl=60)
        await store.purge("s", revoke_for=0.05)
        assert await store.load_all("s") == []
        assert await store.is_revoked("s")
        with pytest.raises(SessionEnded):  # an upload parsed across the logout is not kept
            await store.save("s", "b", "{}", b"%PDF", ttl=60)
        assert await store.load_all("s") == []
        await asyncio.sleep(0.08)
        assert not await store.is_revoked("s")

    asyncio.run(scenario())


def test_all_sessions_together_stay_under_the_store_limit() -> None:
    """Each session under its own limit, but together at the process's: the next save is a 503,
    and room reports the smaller of the two, so a bulk upload is refused before it is unpacked."""

    async def scenario() -> None:
        store = _store(max_session_bytes=400, max_total_bytes=1000, sweep_seconds=60)
        for session in ("s1", "s2", "s3"):
            await store.save(session, "a", "x" * 300, None, ttl=60)
        assert await store.room("s4") == 100
        with pytest.raises(StoreFull) as refused:
            await store.save("s4", "a", "x" * 200, None, ttl=60)
        assert (refused.value.status, refused.value.code) == (503, "store_full")
        assert refused.value.headers and refused.value.headers["Retry-After"]
        await store.delete("s1", ["a"])
        await store.save("s4", "a", "x" * 200, None, ttl=60)  # deleting made room
        await store.purge("s2", revoke_for=60)
        assert await store.room("s5") == 400

    asyncio.run(scenario())


def test_expired_sessions_give_their_bytes_back_to_the_store() -> None:
    async def scenario() -> None:
        store = _store(max_session_bytes=600, max_total_bytes=1000, sweep_seconds=60)
        await store.save("old", "a", "x" * 600, None, ttl=0.05)
        await asyncio.sleep(0.1)
        await store.save("new", "a", "x" * 600, None, ttl=60)  # the expired one is swept to make room
        assert await store.load_all("old") == []

    asyncio.run(scenario())
