"""Annotated dependency aliases shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.config import Settings
from app.invoices.pool import ParsePool
from app.sessions.middleware import CookiePolicy
from app.sessions.store import SessionStore
from app.sessions.token import Session, TokenSigner


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _store(request: Request) -> SessionStore:
    store: SessionStore = request.app.state.store
    return store


def _signer(request: Request) -> TokenSigner:
    signer: TokenSigner = request.app.state.signer
    return signer


def _cookies(request: Request) -> CookiePolicy:
    cookies: CookiePolicy = request.app.state.cookies
    return cookies


def _pool(request: Request) -> ParsePool:
    pool: ParsePool = request.app.state.parse_pool
    return pool


def _session(request: Request) -> Session:
    session: Session = request.state.session
    return session


AppSettings = Annotated[Settings, Depends(_settings)]
Store = Annotated[SessionStore, Depends(_store)]
Signer = Annotated[TokenSigner, Depends(_signer)]
CookieSettings = Annotated[CookiePolicy, Depends(_cookies)]
Pool = Annotated[ParsePool, Depends(_pool)]
CurrentSession = Annotated[Session, Depends(_session)]
