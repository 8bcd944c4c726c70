"""The one way the service connects to Redis: with a timeout on connecting and on every answer,
so that a Redis that stops answering holds a request for seconds, never for good."""

from __future__ import annotations

from redis import Redis
from redis.asyncio import Redis as AsyncRedis

CONNECT_TIMEOUT_SECONDS = 2
ANSWER_TIMEOUT_SECONDS = 5


def connect(url: str, *, answer_timeout: float | None = ANSWER_TIMEOUT_SECONDS) -> Redis:
    """A blocking client. ``answer_timeout=None`` only for RQ's worker, whose wait for the next
    job is itself a Redis call that lasts minutes."""
    return Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS, socket_timeout=answer_timeout)


def connect_async(url: str) -> AsyncRedis:
    """A client for the event loop."""
    return AsyncRedis.from_url(
        url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS, socket_timeout=ANSWER_TIMEOUT_SECONDS
    )
