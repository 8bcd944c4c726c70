"""Where each webhook delivery and its attempts are recorded, readable by its session until
DELIVERY_RETENTION_SECONDS after its last change: in Redis when REDIS_URL is set (workers write,
any app instance reads), else in this process's memory (the in-process executor writes there)."""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from datetime import UTC, datetime
from functools import cache
from typing import Literal

from pydantic import BaseModel

from app.core import redis as redis_client

DeliveryStatus = Literal["pending", "retrying", "delivered", "failed"]


class Attempt(BaseModel):
    at: datetime
    status_code: int | None = None
    error: str | None = None
    duration_ms: float


class Delivery(BaseModel):
    delivery_id: str
    webhook_id: str
    event: str
    invoice_id: str
    url: str
    status: DeliveryStatus = "pending"
    attempts: list[Attempt] = []
    next_retry_at: datetime | None = None
    created_at: datetime
    #: When the record goes: DELIVERY_RETENTION_SECONDS after it was made, or with its session if
    #: that ends sooner (no one else may read it, and its URL may carry the caller's token).
    kept_until: datetime
    owner: str

    def seconds_kept(self) -> int:
        return max(1, int((self.kept_until - datetime.now(UTC)).total_seconds()))


class DeliveryLog(ABC):
    @abstractmethod
    def save(self, delivery: Delivery) -> None: ...

    @abstractmethod
    def load(self, delivery_id: str) -> Delivery | None: ...

    @abstractmethod
    def delete(self, delivery_ids: list[str]) -> None: ...


class MemoryDeliveryLog(DeliveryLog):
    def __init__(self) -> None:
        self._records: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def save(self, delivery: Delivery) -> None:
        with self._lock:
            now = time.monotonic()
            for key in [k for k, (until, _) in self._records.items() if until <= now]:
                del self._records[key]
            self._records[delivery.delivery_id] = (now + delivery.seconds_kept(), delivery.model_dump_json())

    def load(self, delivery_id: str) -> Delivery | None:
        with self._lock:
            found = self._records.get(delivery_id)
        if found is None or found[0] <= time.monotonic():
            return None
        return Delivery.model_validate_json(found[1])

    def delete(self, delivery_ids: list[str]) -> None:
        with self._lock:
            for delivery_id in delivery_ids:
                self._records.pop(delivery_id, None)


class RedisDeliveryLog(DeliveryLog):
    PREFIX = "delivery:"

    def __init__(self, redis_url: str) -> None:
        self._redis = redis_client.connect(redis_url)

    def save(self, delivery: Delivery) -> None:
        self._redis.set(self.PREFIX + delivery.delivery_id, delivery.model_dump_json(), ex=delivery.seconds_kept())

    def load(self, delivery_id: str) -> Delivery | None:
        raw = self._redis.get(self.PREFIX + delivery_id)
        return Delivery.model_validate_json(raw) if isinstance(raw, bytes) else None

    def delete(self, delivery_ids: list[str]) -> None:
        if delivery_ids:
            self._redis.delete(*(self.PREFIX + delivery_id for delivery_id in delivery_ids))


@cache
def delivery_log(redis_url: str | None) -> DeliveryLog:
    """One log per process and configuration, shared by the web side and the jobs it runs."""
    if redis_url:
        return RedisDeliveryLog(redis_url)
    return MemoryDeliveryLog()
