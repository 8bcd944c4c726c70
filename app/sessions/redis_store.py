"""The session store in Redis, for several app instances behind one load balancer.

Per session: ``sess:<id>:rec`` (item → JSON record), ``sess:<id>:orig`` (item → original bytes),
``sess:<id>:order`` (item → sequence, for oldest-first listing) and ``sess:<id>:meta`` (bytes
held, sequence counter). Every key expires with the session, so Redis forgets an invoice when
the session ends; the server should run without persistence (``--save ""``) so nothing reaches
its disk either. Writes that check a limit run as Lua scripts, atomic across instances.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from redis.exceptions import RedisError

from app.core import redis as redis_client
from app.sessions.store import RecordChanged, SessionEnded, SessionFull, SessionStore, TooManySessions

T = TypeVar("T")

_SESSIONS = "sessions"  # sorted set: session id → expiry time, to count live sessions

# KEYS: rec, orig, order, meta, sessions, revoked. ARGV: session id, item id, record, original, ttl
# seconds, max session bytes, max sessions, now. Returns 1, -1 (session full), -2 (too many sessions)
# or -3 (the session has ended: a logout while its upload was being parsed).
_SAVE = """
if redis.call('EXISTS', KEYS[6]) == 1 then return -3 end
local size = tonumber(redis.call('HGET', KEYS[4], 'size') or '0')
if redis.call('EXISTS', KEYS[4]) == 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', ARGV[8])
  if redis.call('ZSCORE', KEYS[5], ARGV[1]) == false and redis.call('ZCARD', KEYS[5]) >= tonumber(ARGV[7]) then
    return -2
  end
end
local added = string.len(ARGV[3]) + string.len(ARGV[4])
if size + added > tonumber(ARGV[6]) then return -1 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
if string.len(ARGV[4]) > 0 then redis.call('HSET', KEYS[2], ARGV[2], ARGV[4]) end
redis.call('ZADD', KEYS[3], redis.call('HINCRBY', KEYS[4], 'seq', 1), ARGV[2])
redis.call('HINCRBY', KEYS[4], 'size', added)
for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end
redis.call('ZADD', KEYS[5], tonumber(ARGV[8]) + tonumber(ARGV[5]), ARGV[1])
return 1
"""

# KEYS: rec, meta, orig. ARGV: item id, record, max session bytes, "1" with the original that replaces
# the kept one (else "0", ""), the record expected now. Returns 1, 0 (no such item), -1 (full), -4
# (the record is not the one expected: another request wrote it meanwhile).
_REPLACE = """
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current == false then return 0 end
if current ~= ARGV[6] then return -4 end
local delta = string.len(ARGV[2]) - redis.call('HSTRLEN', KEYS[1], ARGV[1])
local with_original = ARGV[4] == '1'
if with_original then delta = delta + string.len(ARGV[5]) - redis.call('HSTRLEN', KEYS[3], ARGV[1]) end
local size = tonumber(redis.call('HGET', KEYS[2], 'size') or '0')
if delta > 0 and size + delta > tonumber(ARGV[3]) then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if with_original then redis.call('HSET', KEYS[3], ARGV[1], ARGV[5]) end
redis.call('HINCRBY', KEYS[2], 'size', delta)
return 1
"""

# KEYS: rec, orig, order, meta. ARGV: item ids. Returns the ids that existed.
_DELETE = """
local deleted = {}
for _, item in ipairs(ARGV) do
  if redis.call('HEXISTS', KEYS[1], item) == 1 then
    local freed = redis.call('HSTRLEN', KEYS[1], item) + redis.call('HSTRLEN', KEYS[2], item)
    redis.call('HDEL', KEYS[1], item)
    redis.call('HDEL', KEYS[2], item)
    redis.call('ZREM', KEYS[3], item)
    redis.call('HINCRBY', KEYS[4], 'size', -freed)
    table.insert(deleted, item)
  end
end
return deleted
"""


class StoreUnavailable(Exception):
    """Redis could not be reached or did not answer (the fallback store takes over)."""


def _revoked_key(session_id: str) -> str:
    return f"revoked:{session_id}"


def _keys(session_id: str) -> tuple[str, str, str, str]:
    prefix = f"sess:{session_id}:"
    return prefix + "rec", prefix + "orig", prefix + "order", prefix + "meta"


class RedisStore(SessionStore):
    def __init__(self, redis_url: str, *, max_sessions: int, max_session_bytes: int) -> None:
        self._redis = redis_client.connect_async(redis_url)
        self._max_sessions = max_sessions
        self._max_session_bytes = max_session_bytes
        self._save = self._redis.register_script(_SAVE)
        self._replace = self._redis.register_script(_REPLACE)
        self._delete = self._redis.register_script(_DELETE)

    async def start(self) -> None:
        return None  # Redis expires keys itself; nothing to sweep

    async def close(self) -> None:
        await self._redis.aclose()

    async def ping(self) -> None:
        await self._redis.ping()

    async def save(self, session_id: str, item_id: str, record: str, original: bytes | None, *, ttl: float) -> None:
        outcome = await self._call(
            lambda: self._save(
                keys=[*_keys(session_id), _SESSIONS, _revoked_key(session_id)],
                args=[
                    session_id,
                    item_id,
                    record.encode(),
                    original or b"",
                    max(1, int(ttl)),
                    self._max_session_bytes,
                    self._max_sessions,
                    int(time.time()),
                ],
            )
        )
        if outcome == -1:
            raise SessionFull(self._max_session_bytes)
        if outcome == -2:
            raise TooManySessions(retry_after=60)
        if outcome == -3:
            raise SessionEnded

    async def room(self, session_id: str) -> int:
        used = await self._call(lambda: self._redis.hget(_keys(session_id)[3], "size"))
        return self._max_session_bytes - int(used or 0)

    async def replace(
        self, session_id: str, item_id: str, record: str, original: bytes | None = None, *, expected: str
    ) -> bool:
        rec, orig, _, meta = _keys(session_id)
        replacing = [b"1", original] if original is not None else [b"0", b""]
        outcome = await self._call(
            lambda: self._replace(
                keys=[rec, meta, orig],
                args=[item_id, record.encode(), self._max_session_bytes, *replacing, expected.encode()],
            )
        )
        if outcome == -1:
            raise SessionFull(self._max_session_bytes)
        if outcome == -4:
            raise RecordChanged
        return bool(outcome == 1)

    async def load(self, session_id: str, item_id: str) -> str | None:
        raw = await self._call(lambda: self._redis.hget(_keys(session_id)[0], item_id))
        return raw.decode() if isinstance(raw, bytes) else None

    async def load_original(self, session_id: str, item_id: str) -> bytes | None:
        rec, orig, _, _ = _keys(session_id)
        pipeline = self._redis.pipeline(transaction=False)
        pipeline.hexists(rec, item_id)
        pipeline.hget(orig, item_id)
        exists, raw = await self._call(pipeline.execute)
        return raw if exists and isinstance(raw, bytes) else None

    async def load_all(self, session_id: str) -> list[str]:
        rec, _, order, _ = _keys(session_id)
        found = await self._call(lambda: self._redis.zrange(order, 0, -1))
        items = [item for item in found if isinstance(item, bytes)]
        if not items:
            return []
        records = await self._call(lambda: self._redis.hmget(rec, items))
        return [record.decode() for record in records if isinstance(record, bytes)]

    async def delete(self, session_id: str, item_ids: Iterable[str]) -> list[str]:
        ids = list(item_ids)
        if not ids:
            return []
        deleted = await self._call(lambda: self._delete(keys=list(_keys(session_id)), args=ids))
        return [item.decode() if isinstance(item, bytes) else str(item) for item in deleted]

    async def purge(self, session_id: str, *, revoke_for: float) -> None:
        pipeline = self._redis.pipeline(transaction=True)
        pipeline.delete(*_keys(session_id))
        pipeline.zrem(_SESSIONS, session_id)
        pipeline.set(_revoked_key(session_id), b"1", ex=max(1, int(revoke_for)))
        await self._call(pipeline.execute)

    async def is_revoked(self, session_id: str) -> bool:
        return bool(await self._call(lambda: self._redis.exists(_revoked_key(session_id))))

    @staticmethod
    async def _call(operation: Callable[[], Awaitable[T]]) -> T:
        try:
            return await operation()
        except RedisError:
            raise StoreUnavailable() from None
