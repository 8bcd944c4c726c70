"""The Redis session store against the machine's real Redis: the same contract as the memory store."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
import redis

from app.sessions.redis_store import RedisStore, StoreUnavailable
from app.sessions.store import RecordChanged, SessionEnded, SessionFull, TooManySessions


def scenario(redis_url: str, body: Callable[[RedisStore], Awaitable[None]], **limits: int) -> None:
    async def run() -> None:
        store = RedisStore(
            redis_url, max_sessions=limits.get("max_sessions", 10), max_session_bytes=limits.get("max_bytes", 100)
        )
        try:
            await body(store)
        finally:
            await store.close()

    asyncio.run(run())


def test_items_keep_their_order_and_size_is_accounted(redis_url: str) -> None:
    async def body(store: RedisStore) -> None:
        await store.save("s", "b", "x" * 40, b"y" * 40, ttl=60)
        assert await store.room("s") == 20
        with pytest.raises(SessionFull):
            await store.save("s", "c", "x" * 30, None, ttl=60)
        await store.save("s", "a", "z" * 10, None, ttl=60)
        assert await store.load_all("s") == ["x" * 40, "z" * 10]  # oldest first, not by id
        assert await store.load_original("s", "b") == b"y" * 40
        assert await store.load_original("s", "a") is None
        assert await store.replace("s", "a", "w" * 15, expected="z" * 10)
        with pytest.raises(RecordChanged):  # written by another request since it was read
            await store.replace("s", "a", "v" * 15, expected="z" * 10)
        assert not await store.replace("s", "nope", "{}", expected="{}")
        with pytest.raises(SessionFull):
            await store.replace("s", "a", "w" * 30, expected="w" * 15)
        assert await store.load("s", "a") == "w" * 15
        with pytest.raises(SessionFull):
            await store.replace("s", "b", "x" * 40, b"v" * 50, expected="x" * 40)  # the new original counts too
        assert await store.replace("s", "b", "x" * 40, b"v" * 35, expected="x" * 40)
        assert (await store.load_original("s", "b"), await store.room("s")) == (b"v" * 35, 10)
        assert await store.delete("s", ["b", "zzz"]) == ["b"]
        assert await store.room("s") == 85
        assert await store.load_original("s", "b") is None
        assert await store.load_all("other") == []

    scenario(redis_url, body)


def test_everything_expires_with_the_session(redis_url: str) -> None:
    async def body(store: RedisStore) -> None:
        await store.save("s", "a", "{}", b"pdf", ttl=1)
        assert await store.load("s", "a") == "{}"
        await asyncio.sleep(1.6)
        assert await store.load_all("s") == []
        assert await store.load_original("s", "a") is None

    scenario(redis_url, body)
    assert [key for key in redis.Redis.from_url(redis_url).keys("sess:*")] == []


def test_purge_revokes_and_the_session_count_is_capped(redis_url: str) -> None:
    async def body(store: RedisStore) -> None:
        await store.save("s1", "a", "{}", None, ttl=60)
        await store.save("s2", "a", "{}", None, ttl=60)
        with pytest.raises(TooManySessions):
            await store.save("s3", "a", "{}", None, ttl=60)
        await store.save("s1", "b", "{}", None, ttl=60)  # an existing session may grow
        await store.purge("s1", revoke_for=1)
        assert await store.load_all("s1") == []
        assert await store.is_revoked("s1")
        with pytest.raises(SessionEnded):  # an upload parsed across the logout is not kept
            await store.save("s1", "c", "{}", b"%PDF", ttl=60)
        assert await store.load_all("s1") == []
        await store.save("s3", "a", "{}", None, ttl=60)  # the purged session's place is free
        await asyncio.sleep(1.2)
        assert not await store.is_revoked("s1")

    scenario(redis_url, body, max_sessions=2)


def test_an_unreachable_redis_says_so() -> None:
    async def body(store: RedisStore) -> None:
        with pytest.raises(StoreUnavailable):
            await store.load_all("s")
        with pytest.raises(StoreUnavailable):
            await store.save("s", "a", "{}", None, ttl=60)

    scenario("redis://127.0.0.1:1/0", body)
