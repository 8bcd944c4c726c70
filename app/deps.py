"""Dependencies every router may use: a reader of what create_app() put on app.state, and the
settings and the parse pool. Each domain declares its own beside its router (sessions/deps.py,
invoices/deps.py, jobs/deps.py), so that this module imports nothing above the core."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from app.core.pool import ParsePool
from app.core.settings import Settings


def app_state(name: str) -> Callable[[Request], Awaitable[Any]]:
    """A dependency returning one of the objects create_app() put on app.state. Async, as every
    dependency here: FastAPI runs a plain function in the thread pool it shares with to_thread
    work, so busy threads would hold up every request."""

    async def dependency(request: Request) -> Any:
        return getattr(request.app.state, name)

    return dependency


AppSettings = Annotated[Settings, Depends(app_state("settings"))]
Pool = Annotated[ParsePool, Depends(app_state("parse_pool"))]
