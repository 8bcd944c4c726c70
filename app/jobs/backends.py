"""The two ways jobs run: RQ queues in Redis (several processes, survives restarts) and an
in-process executor (``python main.py`` alone). Both run the same job functions with the same
retry schedule and report the same ``JobState``."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Literal

import anyio.to_thread
from pydantic import BaseModel
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from app.core import metrics
from app.core import redis as redis_client
from app.jobs.policy import error_code, error_text, next_delay
from app.jobs.private import PrivateJobData
from app.jobs.runner import provided, resolve, run

Status = Literal["queued", "started", "finished", "failed"]

#: How long a job's private data outlives its retry schedule: time to wait in the queue and to run.
PRIVATE_DATA_SLACK_SECONDS = 3600

#: The RQ queues of the service (a worker serves all of them unless told otherwise).
QUEUES = ("webhooks", "exports", "mail")

#: Jobs not done with, by queue and state: ``waiting`` to start, ``retrying`` (waiting for their
#: next attempt), ``running``, or ``failed`` (kept for their result time).
Backlog = dict[tuple[str, str], int]
BACKLOG_STATES = ("waiting", "retrying", "running", "failed")


class JobState(BaseModel):
    job_id: str
    kind: str
    status: Status
    attempts: int
    result: Any = None
    progress: dict[str, Any] | None = None
    error: str | None = None
    error_code: str | None = None
    next_retry_at: datetime | None = None


@dataclass(frozen=True)
class JobSpec:
    """One job to run: ``function`` (dotted path) called with ``arguments`` on ``queue``, retried
    after each delay of ``schedule`` (an empty schedule: one attempt)."""

    job_id: str
    kind: str
    queue: str
    function: str
    arguments: dict[str, Any]
    session_id: str
    #: Seconds the session has left: its jobs' private data goes with it (the invoice it carries
    #: must not outlive the session that holds it), and so do jobs still waiting to run.
    session_expires_in: float
    schedule: list[int] = field(default_factory=list)
    #: Arguments that must not be kept readable (the invoice, a caller's secret): under RQ they are
    #: sealed apart from the job record (app/jobs/private.py); in process they stay in memory.
    private: dict[str, Any] = field(default_factory=dict)
    #: Seconds one attempt may run under RQ (None: RQ's default, 180 s).
    timeout: int | None = None


class TooManyJobs(Exception):
    """The session has as many jobs waiting or running as it may (their data is held meanwhile)."""


class QueueUnavailable(Exception):
    """The queue backend cannot take or report jobs right now."""


#: Threads running in-process jobs at once (webhook calls and workbook uploads, mostly waiting).
LOCAL_JOB_THREADS = 8

#: Jobs a session may have waiting or running at once: each holds a copy of what it delivers.
MAX_PENDING_PER_SESSION = 50


def owner_tag(session_id: str) -> str:
    """What a job keeps of its session: enough to tell owners apart, not the session id itself."""
    return hashlib.sha256(session_id.encode()).hexdigest()[:32]


class Jobs(ABC):
    name: str

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    @abstractmethod
    async def ping(self) -> None:
        """Raise QueueUnavailable if jobs cannot be queued now."""

    @abstractmethod
    async def enqueue(self, spec: JobSpec) -> None: ...

    @abstractmethod
    async def state(self, job_id: str, session_id: str) -> JobState | None:
        """The job's state, or None when there is no such job of this session."""

    @abstractmethod
    async def forget_session(self, session_id: str) -> list[str]:
        """Drop every job of a session that has ended, queued or done, with its data; return
        their ids."""

    @abstractmethod
    def backlog(self) -> Backlog:
        """How many jobs there are in each queue and state; empty when the backend cannot tell
        (blocking: call it from a thread)."""


class RqJobs(Jobs):
    name = "rq"

    def __init__(self, redis_url: str, *, result_ttl: int, secret_key: str, session_ttl: int) -> None:
        self._redis = redis_client.connect(redis_url)
        self._result_ttl = result_ttl
        self._private = PrivateJobData(self._redis, secret_key)
        self._session_ttl = session_ttl

    async def close(self) -> None:
        self._redis.close()

    async def ping(self) -> None:
        await self._call(self._redis.ping)

    async def enqueue(self, spec: JobSpec) -> None:
        queue = Queue(spec.queue, connection=self._redis)
        retry = Retry(max=len(spec.schedule), interval=spec.schedule) if spec.schedule else None
        if spec.private:
            owner = owner_tag(spec.session_id)
            if await self._call(partial(self._private.pending, owner)) >= MAX_PENDING_PER_SESSION:
                raise TooManyJobs
            # kept while the job may still run (its retries, and an hour for the queue and the
            # attempts) and its session lasts
            ttl = min(sum(spec.schedule) + PRIVATE_DATA_SLACK_SECONDS, int(spec.session_expires_in) + 1)
            await self._call(
                partial(self._private.put, spec.job_id, owner, spec.private, ttl=ttl, session_ttl=self._session_ttl)
            )
        await self._call(
            partial(
                queue.enqueue_call,
                func=run,
                kwargs={"function": spec.function, "arguments": spec.arguments, "private": bool(spec.private)},
                job_id=spec.job_id,
                meta={"kind": spec.kind, "owner": owner_tag(spec.session_id), "attempts": 0},
                retry=retry,
                timeout=spec.timeout,
                result_ttl=self._result_ttl,
                failure_ttl=self._result_ttl,
            )
        )
        metrics.JOB_EVENTS.labels(kind=spec.kind, event="queued").inc()

    async def state(self, job_id: str, session_id: str) -> JobState | None:
        try:
            job = await self._call(partial(Job.fetch, job_id, connection=self._redis))
        except (NoSuchJobError, ValueError):  # ValueError: no id RQ could have made ("a.b", "é")
            return None
        if job.meta.get("owner") != owner_tag(session_id):
            return None
        status = await self._call(job.get_status)
        mapped = _RQ_STATUS.get(status, "queued")
        return JobState(
            job_id=job_id,
            kind=str(job.meta.get("kind", "")),
            status=mapped,
            attempts=int(job.meta.get("attempts", 0)),
            result=await self._call(job.return_value) if mapped == "finished" else None,
            progress=job.meta.get("progress"),
            error=job.meta.get("error") if mapped != "finished" else None,
            error_code=job.meta.get("error_code") if mapped != "finished" else None,
            next_retry_at=job.meta.get("next_retry_at") if mapped == "queued" else None,
        )

    async def forget_session(self, session_id: str) -> list[str]:
        job_ids: list[str] = await self._call(partial(self._private.drop_session, owner_tag(session_id)))
        for job_id in job_ids:
            with contextlib.suppress(NoSuchJobError):
                job = await self._call(partial(Job.fetch, job_id, connection=self._redis))
                await self._call(partial(job.delete, remove_from_queue=True))
        return job_ids

    def backlog(self) -> Backlog:
        try:
            return self._count_backlog()
        except RedisError:
            return {}  # no figures while Redis is away; readiness says so

    def _count_backlog(self) -> Backlog:
        counts: Backlog = {}
        for name in QUEUES:
            queue = Queue(name, connection=self._redis)
            counts[name, "waiting"] = queue.count
            for state, registry in (
                ("retrying", queue.scheduled_job_registry),
                ("running", queue.started_job_registry),
                ("failed", queue.failed_job_registry),
            ):
                counts[name, state] = registry.get_job_count(cleanup=False)  # reading never changes them
        return counts

    @staticmethod
    async def _call(function: Any) -> Any:
        try:
            return await anyio.to_thread.run_sync(function)
        except RedisError as exc:
            raise QueueUnavailable(type(exc).__name__) from None


_RQ_STATUS: dict[JobStatus | None, Status] = {
    JobStatus.STARTED: "started",
    JobStatus.FINISHED: "finished",
    JobStatus.FAILED: "failed",
    JobStatus.STOPPED: "failed",
    JobStatus.CANCELED: "failed",
}


@dataclass
class _LocalJob:
    spec: JobSpec
    state: JobState
    #: The spec's private arguments, held only until the job ends or its session does.
    private: dict[str, Any]
    ended: float | None = None


class LocalJobs(Jobs):
    """Jobs as asyncio tasks of this process, the function itself in a worker thread. Retries wait
    in the task, so a restart loses pending ones: that durability is what RQ is for."""

    name = "in-process"

    def __init__(self, *, result_ttl: int, threads: int = LOCAL_JOB_THREADS) -> None:
        #: What this process provides to jobs that take ``services`` (set once the app runs).
        self.services: object | None = None
        self._jobs: dict[str, _LocalJob] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._result_ttl = result_ttl
        # the jobs' own threads: in anyio's shared pool, slow jobs would hold up the requests
        self._threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="job")

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._threads.shutdown(wait=False, cancel_futures=True)

    async def ping(self) -> None:
        return None

    async def enqueue(self, spec: JobSpec) -> None:
        self._forget_expired()
        pending = [job for job in self._jobs.values() if job.spec.session_id == spec.session_id and job.ended is None]
        if len(pending) >= MAX_PENDING_PER_SESSION:
            raise TooManyJobs
        state = JobState(job_id=spec.job_id, kind=spec.kind, status="queued", attempts=0)
        job = _LocalJob(replace(spec, private={}), state, private=spec.private)
        self._jobs[spec.job_id] = job
        task = asyncio.create_task(self._run(job), name=f"job-{spec.job_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        # the session's end ends what it queued, as logout does (forget_session)
        asyncio.get_running_loop().call_later(spec.session_expires_in, self._session_ended, spec.job_id, task)
        metrics.JOB_EVENTS.labels(kind=spec.kind, event="queued").inc()

    def _session_ended(self, job_id: str, task: asyncio.Task[None]) -> None:
        task.cancel()
        self._jobs.pop(job_id, None)

    async def state(self, job_id: str, session_id: str) -> JobState | None:
        job = self._jobs.get(job_id)
        if job is None or job.spec.session_id != session_id:
            return None
        return job.state.model_copy()

    async def forget_session(self, session_id: str) -> list[str]:
        job_ids = [job_id for job_id, job in self._jobs.items() if job.spec.session_id == session_id]
        for task in list(self._tasks):
            if task.get_name().removeprefix("job-") in job_ids:
                task.cancel()
        for job_id in job_ids:
            del self._jobs[job_id]
        return job_ids

    async def _run(self, job: _LocalJob) -> None:
        state, delays = job.state, list(job.spec.schedule)
        function = resolve(job.spec.function)
        events = partial(metrics.JOB_EVENTS.labels, kind=job.spec.kind)
        while True:
            state.status, state.next_retry_at = "started", None
            state.attempts += 1
            events(event="started").inc()
            try:
                runtime = provided(function, report=partial(setattr, state, "progress"), services=self.services)
                arguments = {**job.spec.arguments, **job.private, **runtime}
                loop = asyncio.get_running_loop()
                state.result = await loop.run_in_executor(self._threads, partial(function, **arguments))
            except Exception as exc:
                state.error, state.error_code = error_text(exc), error_code(exc)
                delay = next_delay(delays, state.attempts - 1, exc)
                if delay is None:
                    state.status = "failed"
                    events(event="failed").inc()
                    break
                events(event="retried").inc()
                state.status = "queued"
                state.next_retry_at = datetime.now(UTC) + timedelta(seconds=delay)
                await asyncio.sleep(delay)
            else:
                state.status, state.error, state.error_code = "finished", None, None
                events(event="finished").inc()
                break
        job.ended, job.private = time.monotonic(), {}

    def backlog(self) -> Backlog:
        counts: Backlog = {(name, state): 0 for name in QUEUES for state in BACKLOG_STATES}
        for job in list(self._jobs.values()):
            state = job.state
            if state.status == "finished":
                continue
            if state.status == "started":
                key = "running"
            elif state.status == "failed":
                key = "failed"
            else:
                key = "retrying" if state.next_retry_at else "waiting"
            counts[job.spec.queue, key] += 1
        return counts

    def _forget_expired(self) -> None:
        cutoff = time.monotonic() - self._result_ttl
        for job_id in [i for i, job in self._jobs.items() if job.ended is not None and job.ended < cutoff]:
            del self._jobs[job_id]
