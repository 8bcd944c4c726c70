"""The parse pool: worker processes that run the parsing core off the event loop.

A plain ProcessPoolExecutor cannot stop one hung task, so this uses pebble, which kills a worker
whose task passes its time limit and starts a fresh one. Each worker also runs under an address-
space limit (RLIMIT_AS), so a decompression bomb fails inside its own process instead of taking
the machine's memory.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import resource
import time
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from pebble import ProcessExpired, ProcessPool

from app.core import metrics
from app.core.errors import AppError
from app.core.logs import configure_logging

log = logging.getLogger(__name__)

T = TypeVar("T")


class ParseTimeout(AppError):
    def __init__(self, seconds: float) -> None:
        super().__init__(
            "parse_timeout",
            f"Reading this document took longer than {seconds:g} s and was stopped. "
            "It may be damaged or unusually complex; try exporting it again as a plain PDF.",
        )


class ParseResourcesExceeded(AppError):
    def __init__(self, memory_mb: int) -> None:
        super().__init__(
            "parse_resources_exceeded",
            f"Reading this document needed more than the {memory_mb} MiB a document may use, and was "
            "stopped. It may be damaged or built to exhaust the parser.",
        )


def _start_worker(memory_mb: int, log_level: str, warm_up: Callable[[], None] | None) -> None:
    """A new worker: its memory capped, its logs (and its libraries') the service's JSON lines,
    and, given ``warm_up``, a first piece of work done before any client's."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    configure_logging(log_level)
    if warm_up is not None:
        warm_up()


def _worker_id() -> int:
    """Which worker ran this: a worker answers only once its start (and warm-up) is done. The
    pause lets each of a round's calls find a different idle worker."""
    time.sleep(0.05)
    return os.getpid()


class ParsePool:
    def __init__(
        self,
        *,
        workers: int,
        timeout_seconds: float,
        memory_mb: int,
        log_level: str = "INFO",
        warm_up: Callable[[], None] | None = None,
    ) -> None:
        self.workers = workers
        self.warm_up = warm_up
        self.timeout_seconds = timeout_seconds
        self.memory_mb = memory_mb
        self.log_level = log_level
        self._pool: ProcessPool | None = None
        self.warmed = False

    def start(self) -> None:
        # "spawn": never fork the server process, which runs threads and an event loop.
        self._pool = ProcessPool(
            max_workers=self.workers,
            initializer=_start_worker,
            initargs=(self.memory_mb, self.log_level, self.warm_up),
            context=multiprocessing.get_context("spawn"),
        )

    async def warm(self) -> None:
        """Wait until every worker has started and warmed up (readiness waits for this)."""
        answered: set[int] = set()
        for _ in range(10):
            answered |= set(await asyncio.gather(*(self.run(_worker_id) for _ in range(self.workers))))
            if len(answered) >= self.workers:
                break
        self.warmed = True

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()  # type: ignore[no-untyped-call]
            self._pool.join(timeout=10)
            self._pool = None

    @property
    def running(self) -> bool:
        return self._pool is not None and self._pool.active

    async def run(self, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        """Run ``function`` in a worker under the limits; raise a clear AppError when one is hit."""
        if self._pool is None:
            raise RuntimeError("the parse pool is not started")
        started = time.perf_counter()
        future = self._pool.schedule(function, args=args, kwargs=kwargs, timeout=self.timeout_seconds)
        outcome = "ok"
        try:
            return await asyncio.wrap_future(future)
        except FutureTimeout:
            outcome = "timeout"
            log.warning("parse stopped after time limit", extra={"limit_seconds": self.timeout_seconds})
            raise ParseTimeout(self.timeout_seconds) from None
        except (ProcessExpired, MemoryError):
            outcome = "resources_exceeded"
            log.warning("parse worker ran out of memory or died", extra={"limit_mb": self.memory_mb})
            raise ParseResourcesExceeded(self.memory_mb) from None
        except asyncio.CancelledError:
            future.cancel()  # type: ignore[no-untyped-call]
            outcome = "cancelled"
            raise
        except Exception:
            outcome = "error"
            raise
        finally:
            metrics.PARSE_DURATION.labels(outcome=outcome).observe(time.perf_counter() - started)
