"""Rate limits per session and per client address: fixed windows of RATE_LIMIT_WINDOW_SECONDS,
counted in Redis when REDIS_URL is set (so every instance counts together), else in memory.

A pure ASGI middleware inside the session middleware, so it knows the caller's session; a request
over either limit gets 429 `rate_limited` with Retry-After (the seconds left in the window) and
never reaches the endpoint.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod

from redis.exceptions import RedisError
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core import redis as redis_client
from app.core.errors import error_response


class Counter(ABC):
    async def close(self) -> None:
        return None

    @abstractmethod
    async def hit(self, key: str, window_seconds: int) -> int:
        """Count one request for ``key`` in the current window; the count so far."""


class MemoryCounter(Counter):
    def __init__(self) -> None:
        self._counts: dict[str, tuple[float, int]] = {}

    async def hit(self, key: str, window_seconds: int) -> int:
        now = time.monotonic()
        if len(self._counts) > 10_000:
            self._counts = {k: v for k, v in self._counts.items() if v[0] > now}
        until, count = self._counts.get(key, (0.0, 0))
        if until <= now:
            until, count = now + window_seconds, 0
        self._counts[key] = (until, count + 1)
        return count + 1


class RedisCounter(Counter):
    def __init__(self, redis_url: str) -> None:
        self._redis = redis_client.connect_async(redis_url)

    async def close(self) -> None:
        await self._redis.aclose()

    async def hit(self, key: str, window_seconds: int) -> int:
        pipeline = self._redis.pipeline(transaction=True)
        pipeline.incr(key)
        pipeline.expire(key, window_seconds, nx=True)
        count, _ = await pipeline.execute()
        return int(count)


class RateLimitMiddleware:
    def __init__(
        self, app: ASGIApp, *, counter: Counter, per_session: int, per_address: int, window_seconds: int
    ) -> None:
        self.app = app
        self.counter = counter
        self.limits = {"session": per_session, "address": per_address}
        self.window_seconds = window_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        window = int(time.time() // self.window_seconds)
        session = scope.get("state", {}).get("session")
        callers = {
            "session": session.id if session is not None else None,
            "address": scope["client"][0] if scope.get("client") else None,
        }
        for kind, caller in callers.items():
            limit = self.limits[kind]
            if not limit or caller is None:
                continue
            try:
                count = await self.counter.hit(f"rl:{kind}:{caller}:{window}", self.window_seconds)
            except RedisError:
                continue  # counting is best effort: a Redis outage must not refuse every request
            if count > limit:
                retry_after = self.window_seconds - int(time.time()) % self.window_seconds
                response = error_response(
                    "rate_limited",
                    f"Too many requests from this {kind}: at most {limit} per {self.window_seconds} s. "
                    f"Try again in {retry_after} s.",
                    headers={"Retry-After": str(retry_after)},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
