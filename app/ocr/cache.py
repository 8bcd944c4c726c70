"""Results of a paid OCR service, kept by the document's SHA-256 for a while so that the same file
(uploaded again, reprocessed, sent by a second user) is not paid for twice.

In memory for one process, or in Redis (keys expire with the TTL) when REDIS_URL is set, so every
instance shares it. The cache is an optimisation: when Redis fails, the call goes to the service.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Protocol

from cachetools import TTLCache
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def document_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ResultCache(Protocol):
    async def get(self, key: str) -> bytes | None: ...

    async def put(self, key: str, result: bytes) -> None: ...

    async def close(self) -> None: ...


class MemoryResultCache:
    """A bounded in-process cache: at most ``max_entries`` results, each for ``ttl_seconds``."""

    def __init__(self, *, ttl_seconds: float, max_entries: int) -> None:
        self._entries: TTLCache[str, bytes] = TTLCache(maxsize=max_entries, ttl=ttl_seconds)

    async def get(self, key: str) -> bytes | None:
        return self._entries.get(key)

    async def put(self, key: str, result: bytes) -> None:
        self._entries[key] = result

    async def close(self) -> None:
        self._entries.clear()


class RedisResultCache:
    """Results under ``<prefix><sha256>`` with an expiry, shared by every instance on the Redis."""

    def __init__(self, redis: Redis, *, ttl_seconds: int, prefix: str) -> None:
        self._redis = redis
        self._ttl = ttl_seconds
        self._prefix = prefix

    async def get(self, key: str) -> bytes | None:
        try:
            value = await self._redis.get(self._prefix + key)
        except RedisError as exc:
            log.warning("OCR cache unavailable, calling the service", extra={"error": type(exc).__name__})
            return None
        return value if isinstance(value, bytes) else None

    async def put(self, key: str, result: bytes) -> None:
        try:
            await self._redis.set(self._prefix + key, result, ex=self._ttl)
        except RedisError as exc:
            log.warning("OCR cache unavailable, result not kept", extra={"error": type(exc).__name__})

    async def close(self) -> None:
        await self._redis.aclose()
