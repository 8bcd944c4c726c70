"""Annotated dependency aliases shared by the routers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from app.core.pool import ParsePool
from app.core.settings import Settings
from app.invoices.parser import DocumentParser
from app.jobs.backends import Jobs
from app.sessions.middleware import CookiePolicy
from app.sessions.store import SessionStore
from app.sessions.token import Session, TokenSigner


def _app_state(name: str) -> Callable[[Request], Awaitable[Any]]:
    """A dependency returning one of the objects create_app() put on app.state. Async, as every
    dependency here: FastAPI runs a plain function in the thread pool it shares with to_thread
    work, so busy threads would hold up every request."""

    async def dependency(request: Request) -> Any:
        return getattr(request.app.state, name)

    return dependency


async def _session(request: Request) -> Session:
    """The caller's session, resolved by SessionMiddleware for every /api request."""
    session: Session = request.state.session
    return session


AppSettings = Annotated[Settings, Depends(_app_state("settings"))]
Store = Annotated[SessionStore, Depends(_app_state("store"))]
Signer = Annotated[TokenSigner, Depends(_app_state("signer"))]
CookieSettings = Annotated[CookiePolicy, Depends(_app_state("cookies"))]
Pool = Annotated[ParsePool, Depends(_app_state("parse_pool"))]
Parser = Annotated[DocumentParser, Depends(_app_state("parser"))]
JobQueue = Annotated[Jobs, Depends(_app_state("jobs"))]
CurrentSession = Annotated[Session, Depends(_session)]
