"""In-process jobs (webhooks, S3 uploads without Redis) run on threads of their own: jobs stuck on a
slow target never hold up the requests, which FastAPI serves from anyio's shared thread pool."""

from __future__ import annotations

import threading
from collections.abc import Callable

from fastapi.testclient import TestClient

from app.jobs.backends import JobSpec
from tests.conftest import corpus_bytes, upload

#: What anyio's shared pool holds by default: as many stuck jobs once left requests no thread.
STUCK_JOBS = 40
_released = threading.Event()


def wait_for_the_target(**_: object) -> None:
    """A webhook whose target takes its time: the job's thread waits until the test lets it go."""
    _released.wait(timeout=60)


def test_forty_stuck_jobs_do_not_hold_up_the_invoice_list(make_app: Callable[..., TestClient]) -> None:
    client = make_app()
    kept = upload(client, corpus_bytes("uk-invoice-01.pdf")).json()["id"]
    jobs = client.app.state.jobs  # type: ignore[attr-defined]
    _released.clear()
    try:
        for number in range(STUCK_JOBS):
            spec = JobSpec(
                job_id=f"stuck-{number}",
                kind="webhook",
                queue="webhooks",
                function=f"{__name__}.wait_for_the_target",
                arguments={},
                session_id="someone-else",
                session_expires_in=600,
            )
            client.portal.call(jobs.enqueue, spec)  # type: ignore[union-attr]
        answers: list[int] = []
        listing = threading.Thread(target=lambda: answers.append(client.get("/api/v2/invoices").status_code))
        listing.start()
        listing.join(timeout=20)  # a failure detector, not a speed measure: stuck, it never answers
        assert answers == [200], "the list waited for the jobs' threads"
        assert [item["id"] for item in client.get("/api/v2/invoices").json()["items"]] == [kept]
    finally:
        _released.set()
