"""A Redis outage and its end, with a Redis server of the test's own that it stops and starts again."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from app.sessions.fallback import FallbackStore
from app.sessions.redis_store import RedisStore
from app.sessions.store import MemoryStore
from tests.conftest import corpus_bytes, need, sample, upload, wait_until_ready
from tests.delivery.conftest import send_webhook
from tests.delivery.receiver import SECRET
from tests.integration.live import OwnRedis


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    need(shutil.which("redis-server") is not None, "redis-server (bash scripts/install-system-packages)")
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def _ids(client: TestClient, bearer: dict[str, str]) -> set[str]:
    return {item["id"] for item in client.get("/api/v2/invoices", headers=bearer).json()["items"]}


def test_parsing_and_download_go_on_through_an_outage_and_the_session_rejoins_redis(
    make_app: Callable[..., TestClient], own_redis: OwnRedis
) -> None:
    settings = {"redis_url": own_redis.url, "redis_recheck_seconds": 0.2, "webhook_allowed_hosts": "127.0.0.1:9999"}
    instance, other_instance = make_app(**settings), make_app(**settings)
    wait_until_ready(instance)
    bearer = {"Authorization": f"Bearer {instance.post('/api/auth/anonymous-session').json()['token']}"}
    before = upload(instance, corpus_bytes("us-invoice-01.pdf"), headers=bearer).json()

    own_redis.stop()
    during = upload(instance, corpus_bytes("uk-invoice-01.pdf"), headers=bearer)
    listed_during = _ids(instance, bearer)
    workbook = instance.get("/api/export/download-xlsx", headers=bearer)
    webhook = send_webhook(instance, during.json()["id"], "http://127.0.0.1:9999/hook", SECRET)
    readiness = instance.get("/health/ready")
    metrics_during = instance.get("/metrics").text

    assert during.status_code == 201
    assert listed_during == {during.json()["id"]}  # what Redis holds is out of sight meanwhile
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(workbook.content)).active
    assert sheet is not None and sheet.max_row == 2  # the header and the invoice parsed during the outage
    assert webhook.status_code == 503 and webhook.json()["error"]["code"] == "queue_unavailable"
    assert webhook.headers["retry-after"]
    assert sample(metrics_during, "session_store_fallback") == 1
    assert readiness.status_code == 503
    assert {name for name, state in readiness.json()["checks"].items() if state == "down"} == {
        "session_store",
        "job_queue",
    }

    own_redis.start()  # back, empty: it kept nothing on disk
    time.sleep(0.3)
    listed_after = _ids(instance, bearer)

    assert instance.get("/health/ready").status_code == 200
    assert sample(instance.get("/metrics").text, "session_store_fallback") == 0
    assert listed_after == {during.json()["id"]}
    assert len(own_redis.item_keys()) == 1  # moved into Redis
    assert _ids(other_instance, bearer) == {during.json()["id"]}  # where every instance sees it
    assert before["id"] not in listed_after  # Redis lost it in its restart, as a Redis without disk does


def test_the_store_reads_both_places_while_an_item_cannot_move(own_redis: OwnRedis) -> None:
    async def body() -> None:
        limits = {"max_sessions": 10, "max_session_bytes": 100}
        shared = RedisStore(own_redis.url, **limits)
        local = MemoryStore(**limits, max_total_bytes=10_000, sweep_seconds=60)
        store = FallbackStore(shared, local, recheck_seconds=0.1)
        await store.save("s", "a", "a" * 60, None, ttl=60)
        own_redis.stop()
        await store.save("s", "b", "b" * 30, b"pdf", ttl=60)
        assert await store.replace("s", "b", "B" * 30, expected="b" * 30)
        assert await store.load_all("s") == ["B" * 30]
        assert not await store.is_revoked("s")
        own_redis.start()
        other_instance = RedisStore(own_redis.url, **limits)
        await other_instance.save("s", "c", "c" * 80, None, ttl=60)  # no room left there for b
        await asyncio.sleep(0.2)

        assert await store.load_all("s") == ["c" * 80, "B" * 30]
        assert await store.load_original("s", "b") == b"pdf"
        assert await store.room("s") == 20
        assert await store.delete("s", ["b", "c"]) == ["c", "b"]
        assert await store.load_all("s") == []
        await store.purge("s", revoke_for=60)
        assert await other_instance.is_revoked("s")
        await other_instance.close()
        await store.close()

    asyncio.run(body())
