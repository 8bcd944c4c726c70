"""Running a job function by its dotted name, the same way under RQ and in process.

Under RQ the worker calls ``run``: it applies the job's own word on retrying to RQ's Retry (a
``GiveUp`` leaves no retries; a ``RetryLater`` with ``after`` stretches the coming interval, so a
receiver's Retry-After is honoured while ``len(intervals) == max`` holds) and keeps a client-safe
error, its code and the attempt count in the job's meta.

A job function may take two more keyword arguments, given by whichever backend runs it: ``report``,
a callable it passes its progress to (a dict the job's state shows while it runs), and
``services``, what the running process provides for jobs that need more than their arguments
(the mailbox pull's parser and session store; see app/mail/jobs.py).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from rq import get_current_job
from rq.job import Job

from app.core import metrics
from app.jobs.policy import GiveUp, error_code, error_text, next_delay
from app.jobs.private import PrivateDataLost, PrivateJobData


def resolve(function: str) -> Callable[..., Any]:
    module, _, name = function.rpartition(".")
    found: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return found


Report = Callable[[dict[str, Any]], None]

#: Where this worker reads the private arguments of its jobs, and what it provides to the jobs
#: that take ``services`` (both set by ``python -m workers``).
_private: PrivateJobData | None = None
_services: object | None = None


def open_private_data(store: PrivateJobData) -> None:
    global _private
    _private = store


def provide_services(services: object) -> None:
    global _services
    _services = services


def provided(function: Callable[..., Any], *, report: Report, services: object | None) -> dict[str, Any]:
    """The runtime arguments ``function`` declares (``report``, ``services``)."""
    accepted = inspect.signature(function).parameters
    given: dict[str, Any] = {"report": report, "services": services}
    return {name: value for name, value in given.items() if name in accepted}


def run(function: str, arguments: dict[str, Any], private: bool = False) -> Any:
    """The function RQ executes for every job of this service. A job with ``private`` arguments
    (see app/jobs/private.py) gets them added to ``arguments``, and they are deleted once the
    job has no attempt left."""
    job = get_current_job()
    kind = str(job.meta.get("kind", "")) if job is not None else ""
    if job is not None:
        job.meta["attempts"] = int(job.meta.get("attempts", 0)) + 1
        job.meta.pop("next_retry_at", None)
        job.save_meta()  # type: ignore[no-untyped-call]
    metrics.JOB_EVENTS.labels(kind=kind, event="started").inc()
    last_attempt = True
    try:
        if private:
            arguments = {**arguments, **_private_arguments(job)}
        callable_ = resolve(function)
        result = callable_(**arguments, **provided(callable_, report=partial(_report, job), services=_services))
    except GiveUp as exc:
        if job is not None:
            job.retries_left = 0
            _record_failure(job, exc, retrying=False)
        metrics.JOB_EVENTS.labels(kind=kind, event="failed").inc()
        raise
    except Exception as exc:
        retrying = job is not None and bool(job.retries_left)
        last_attempt = not retrying
        if job is not None:
            _record_failure(job, exc, retrying=retrying)
        metrics.JOB_EVENTS.labels(kind=kind, event="retried" if retrying else "failed").inc()
        raise
    finally:
        if private and last_attempt and job is not None and _private is not None:
            _private.drop(job.id)
    metrics.JOB_EVENTS.labels(kind=kind, event="finished").inc()
    return result


def _report(job: Job | None, progress: dict[str, Any]) -> None:
    if job is not None:
        job.meta["progress"] = progress
        job.save_meta()  # type: ignore[no-untyped-call]


def _private_arguments(job: Job | None) -> dict[str, Any]:
    if job is None or _private is None:
        raise GiveUp("this worker cannot read the job's private data; start it with `python -m workers`")
    try:
        return _private.get(job.id)
    except PrivateDataLost as exc:
        raise GiveUp(str(exc)) from None


def _record_failure(job: Job, exc: Exception, *, retrying: bool) -> None:
    job.meta["error"] = error_text(exc)
    job.meta["error_code"] = error_code(exc)
    if retrying and job.retry_intervals and job.retries_left:
        index = max(len(job.retry_intervals) - job.retries_left, 0)
        delay = next_delay(job.retry_intervals, index, exc)
        if delay is not None:
            job.retry_intervals[index] = delay  # what RQ's Retry will wait: a Retry-After honoured
            job.meta["next_retry_at"] = (datetime.now(UTC) + timedelta(seconds=delay)).isoformat()
    job.save_meta()  # type: ignore[no-untyped-call]
