"""GET /api/v2/jobs/{job_id}: the state of a background job of this session."""

from __future__ import annotations

from fastapi import APIRouter

from app.core.errors import AppError
from app.jobs.backends import MAX_PENDING_PER_SESSION, Jobs, JobSpec, JobState, QueueUnavailable, TooManyJobs
from app.jobs.deps import JobQueue
from app.sessions.deps import CurrentSession

router = APIRouter(prefix="/api/v2/jobs", tags=["jobs"])


def queue_unavailable() -> AppError:
    return AppError(
        "queue_unavailable",
        "The job queue (Redis) cannot be reached right now; try again shortly.",
        headers={"Retry-After": "10"},
    )


def too_many_jobs() -> AppError:
    return AppError(
        "too_many_jobs",
        f"This session has {MAX_PENDING_PER_SESSION} deliveries, exports or mailbox pulls waiting or running; "
        "wait for some to finish (see their status URLs) before queuing more.",
        headers={"Retry-After": "60"},
    )


async def enqueue(jobs: Jobs, spec: JobSpec) -> None:
    """Queue a job, or raise the answer a client gets when it cannot be queued now."""
    try:
        await jobs.enqueue(spec)
    except QueueUnavailable:
        raise queue_unavailable() from None
    except TooManyJobs:
        raise too_many_jobs() from None


@router.get("/{job_id}", response_model=JobState)
async def job_state(job_id: str, session: CurrentSession, jobs: JobQueue) -> JobState:
    """`queued` (also while waiting for a retry, with `next_retry_at`), `started`, `finished` (with
    `result`) or `failed` (with `error`, and `error_code` where the job names one); `attempts`
    counts the runs so far; `progress`, for a job that reports it (a mailbox pull), while it runs.
    404 for a job of another session or one whose record has expired."""
    try:
        state = await jobs.state(job_id, session.id)
    except QueueUnavailable:
        raise queue_unavailable() from None
    if state is None:
        raise AppError("job_not_found", f"No job {job_id!r} in this session.", field="job_id")
    return state
