"""What a queued job holds (the invoice it delivers, a caller's secret) lives no longer than the
job, nor than its session; and a session may keep only so many jobs waiting."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from app.jobs.backends import MAX_PENDING_PER_SESSION, JobSpec, JobState, LocalJobs, TooManyJobs
from tests.delivery.conftest import parsed_invoice, send_webhook
from tests.delivery.receiver import SECRET, Answer, Receiver


class Held:
    """Stands for a job's private data: something a weak reference can watch being let go."""


def succeed(**_: object) -> str:
    return "done"


def fail(**_: object) -> None:
    raise RuntimeError("the target is down")


def _spec(job_id: str, function: str, *, session: str = "s1", expires_in: float = 60, **private: object) -> JobSpec:
    return JobSpec(
        job_id=job_id,
        kind="webhook",
        queue="webhooks",
        function=f"{__name__}.{function}",
        arguments={},
        session_id=session,
        session_expires_in=expires_in,
        schedule=[60],
        private=dict(private),
    )


def test_a_job_lets_go_of_its_data_when_it_ends_and_when_its_session_ends() -> None:
    async def scenario() -> tuple[JobState | None, JobState | None, bool, bool]:
        jobs = LocalJobs(result_ttl=3600)
        done, waiting = Held(), Held()
        watched = weakref.ref(done), weakref.ref(waiting)
        await jobs.enqueue(_spec("finishes", "succeed", body=done))
        await jobs.enqueue(_spec("retries", "fail", expires_in=0.5, body=waiting))
        del done, waiting
        await asyncio.sleep(1)
        gc.collect()
        states = await jobs.state("finishes", "s1"), await jobs.state("retries", "s1")
        await jobs.close()
        return *states, watched[0]() is None, watched[1]() is None

    finished, expired, finished_let_go, expired_let_go = asyncio.run(scenario())
    assert finished is not None and finished.status == "finished" and finished_let_go
    assert expired is None and expired_let_go  # gone with its session, though it had a retry left


def test_a_session_keeps_only_so_many_jobs_waiting() -> None:
    async def scenario() -> None:
        jobs = LocalJobs(result_ttl=3600)
        for number in range(MAX_PENDING_PER_SESSION):
            await jobs.enqueue(_spec(f"j{number}", "fail"))
        with pytest.raises(TooManyJobs):
            await jobs.enqueue(_spec("one-more", "fail"))
        await jobs.enqueue(_spec("another-session", "fail", session="s2"))
        await jobs.close()

    asyncio.run(scenario())


def test_too_many_waiting_deliveries_are_a_429(
    make_app: Callable[..., TestClient], receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.jobs.backends.MAX_PENDING_PER_SESSION", 2)
    client = make_app(webhook_allowed_hosts=receiver.authority, webhook_retry_schedule="60")
    receiver.script = [Answer(500)] * 5
    invoice = parsed_invoice(client)
    assert [send_webhook(client, invoice["id"], receiver.url, SECRET).status_code for _ in range(2)] == [202, 202]
    refused = send_webhook(client, invoice["id"], receiver.url, SECRET)
    assert (refused.status_code, refused.json()["error"]["code"]) == (429, "too_many_jobs")
    assert refused.headers["retry-after"]
