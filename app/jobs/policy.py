"""What a job may say about its failure, and the retry schedule both executors follow.

A job function raises ``RetryLater`` for a failure worth another attempt (optionally no sooner than
``after`` seconds, e.g. a receiver's Retry-After) and ``GiveUp`` for one that no retry can fix. Any
other exception is retried as well: it is most likely a passing fault. Their messages are shown to
the client as the job's error, so they never hold secrets or document content.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence


class RetryLater(Exception):
    def __init__(self, message: str, *, after: float | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.after = after
        self.code = code


class GiveUp(Exception):
    """A final failure: the job fails now, whatever retries it has left."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


#: How much a delay may be stretched at random (see with_jitter).
JITTER = 0.1


def with_jitter(schedule: Sequence[int], rng: random.Random | None = None) -> list[int]:
    """Each delay stretched by up to 10 % at random, so retries of many jobs failing together
    (one receiver down) do not all come back in the same second."""
    draw = rng or random.Random()
    return [delay + math.floor(draw.uniform(0, JITTER * delay)) for delay in schedule]


def next_delay(schedule: Sequence[int], retries_used: int, exc: BaseException) -> int | None:
    """Seconds until the next attempt after ``exc``, or None when the job has failed for good: it
    gave up, or the schedule is spent. A RetryLater's ``after`` stretches the scheduled delay."""
    if isinstance(exc, GiveUp) or retries_used >= len(schedule):
        return None
    delay = schedule[retries_used]
    if isinstance(exc, RetryLater) and exc.after:
        delay = max(delay, math.ceil(exc.after))
    return delay


def error_text(exc: BaseException) -> str:
    """What a client may read about a failure: our own messages, else only the kind of error."""
    if isinstance(exc, RetryLater | GiveUp):
        return str(exc)
    return f"unexpected {type(exc).__name__}"


def error_code(exc: BaseException) -> str | None:
    """The failure's code, when the job named one."""
    return exc.code if isinstance(exc, RetryLater | GiveUp) else None
