"""What a queued job must not keep readable in Redis: the invoice it carries and the caller's
webhook secret.

RQ stores a job's arguments in Redis for as long as it keeps the job record (a day by default),
readable by anyone who can read Redis, and long after the session that asked for it has ended.
So a job's private arguments go under a key of their own, sealed with a key derived from
SECRET_KEY (Fernet: AES-128-CBC with HMAC-SHA256), for only as long as the job may still run;
the job's record keeps references only. The data is deleted when the job ends and when its
session logs out; each session's job ids are indexed so that logout finds them.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from redis import Redis

_PRIVATE = "invoice-service:job-private:"
_BY_SESSION = "invoice-service:session-jobs:"


class PrivateDataLost(Exception):
    """The job's private data is gone (its time ran out, or its session ended) or cannot be opened."""


def _fernet(secret_key: str) -> Fernet:
    derived = hashlib.sha256(b"invoice-service job data\x00" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


class PrivateJobData:
    def __init__(self, redis: Redis, secret_key: str) -> None:
        self._redis = redis
        self._fernet = _fernet(secret_key)

    def put(self, job_id: str, owner: str, data: dict[str, Any], *, ttl: int, session_ttl: int) -> None:
        """Seal ``data`` for ``ttl`` seconds and list the job under its session (owner tag)."""
        token = self._fernet.encrypt(json.dumps(data).encode())
        with self._redis.pipeline() as pipe:
            pipe.set(_PRIVATE + job_id, token, ex=max(ttl, 1))
            pipe.sadd(_BY_SESSION + owner, job_id)
            pipe.expire(_BY_SESSION + owner, max(session_ttl, 1))
            pipe.execute()

    def get(self, job_id: str) -> dict[str, Any]:
        token = self._redis.get(_PRIVATE + job_id)
        if token is None:
            raise PrivateDataLost("the job's data has expired or its session has ended")
        try:
            data: dict[str, Any] = json.loads(self._fernet.decrypt(token))
        except InvalidToken:
            raise PrivateDataLost("the job's data cannot be opened: the worker's SECRET_KEY is not the app's") from None
        return data

    def pending(self, owner: str) -> int:
        """How many of a session's jobs still hold data (waiting, running or retrying)."""
        job_ids = [member.decode() for member in self._redis.smembers(_BY_SESSION + owner)]  # type: ignore[union-attr]
        return int(self._redis.exists(*(_PRIVATE + job_id for job_id in job_ids))) if job_ids else 0

    def drop(self, job_id: str) -> None:
        self._redis.delete(_PRIVATE + job_id)

    def drop_session(self, owner: str) -> list[str]:
        """Delete the data of every job of a session; return those jobs' ids."""
        job_ids = [member.decode() for member in self._redis.smembers(_BY_SESSION + owner)]  # type: ignore[union-attr]
        if job_ids:
            self._redis.delete(*(_PRIVATE + job_id for job_id in job_ids))
        self._redis.delete(_BY_SESSION + owner)
        return job_ids
