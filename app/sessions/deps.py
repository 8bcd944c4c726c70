"""The sessions' dependencies: the caller's session, the store, the token signer and the cookie policy."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.deps import app_state
from app.sessions.middleware import CookiePolicy
from app.sessions.store import SessionStore
from app.sessions.token import Session, TokenSigner


async def _session(request: Request) -> Session:
    """The caller's session, resolved by SessionMiddleware for every /api request."""
    session: Session = request.state.session
    return session


Store = Annotated[SessionStore, Depends(app_state("store"))]
Signer = Annotated[TokenSigner, Depends(app_state("signer"))]
CookieSettings = Annotated[CookiePolicy, Depends(app_state("cookies"))]
CurrentSession = Annotated[Session, Depends(_session)]
