"""The jobs' dependency: the queue backend (RQ, or the in-process executor)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from app.deps import app_state
from app.jobs.backends import Jobs

JobQueue = Annotated[Jobs, Depends(app_state("jobs"))]
