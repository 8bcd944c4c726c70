"""Webhook delivery throughput of one worker: `python -m workers` (RQ's SimpleWorker, jobs in the
worker process) against RQ's forking `rq worker` (a new process per job), in the same run.

    python -m bench.jobs [COUNT]

Queues COUNT (default 200) webhooks of one invoice to a local receiver through the API (Redis at
BENCH_REDIS_URL, default redis://127.0.0.1:6379/8, flushed), then times a burst worker of each
kind draining the queue; prints both times and their ratio.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import redis
from fastapi.testclient import TestClient

from app.factory import create_app
from tests.conftest import ROOT, corpus_bytes, settings_for_tests, upload
from tests.delivery.receiver import SECRET, Receiver, running_receiver

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
WORKERS = {
    "python -m workers (SimpleWorker)": [sys.executable, "-m", "workers", "--burst", "webhooks"],
    "rq worker (fork per job)": [sys.executable, "-m", "rq.cli", "worker", "--burst", "--url", REDIS_URL, "webhooks"],
}


def drain(client: TestClient, receiver: Receiver, invoice_id: str, count: int, command: list[str]) -> float:
    for _ in range(count):
        accepted = client.post(f"/api/v2/invoices/{invoice_id}/webhook", json={"url": receiver.url, "secret": SECRET})
        accepted.raise_for_status()
    before = len(receiver.received)
    environment = {**os.environ, "REDIS_URL": REDIS_URL, "APP_ENV": "test", "LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=environment, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    if len(receiver.received) - before != count:
        raise SystemExit(f"{command[2]}: {len(receiver.received) - before} of {count} delivered")
    return elapsed


def main(count: int = 200) -> None:
    redis.Redis.from_url(REDIS_URL).flushdb()
    settings = settings_for_tests(redis_url=REDIS_URL, webhook_allowed_hosts="127.0.0.1")
    with running_receiver() as receiver, TestClient(create_app(settings)) as client:
        invoice_id = upload(client, corpus_bytes("us-invoice-01.pdf")).json()["id"]
        times = {name: drain(client, receiver, invoice_id, count, command) for name, command in WORKERS.items()}
    redis.Redis.from_url(REDIS_URL).flushdb()
    print(f"{count} webhooks to a local receiver, one burst worker each (start-up included), {os.cpu_count()} CPU(s):")
    for name, seconds in times.items():
        print(f"  {name:34s} {seconds:6.2f} s  ({count / seconds:6.1f} deliveries/s)")
    simple, forking = times.values()
    print(f"  SimpleWorker / forking: {simple / forking:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
