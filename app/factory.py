"""create_app(): settings, logging, middleware, routers and the lifespan of the parse pool and store."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

import app as app_package
from app.config import Settings, get_settings
from app.errors import install_error_handlers
from app.health.router import router as health_router
from app.invoices.pool import ParsePool
from app.invoices.router import router as invoices_router
from app.logs import configure_logging
from app.observability import ObservabilityMiddleware
from app.sessions.middleware import CookiePolicy, SessionMiddleware
from app.sessions.router import router as sessions_router
from app.sessions.store import MemoryStore, SessionStore
from app.sessions.token import TokenSigner

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def _build_store(settings: Settings) -> SessionStore:
    return MemoryStore(
        max_sessions=settings.max_sessions,
        max_session_bytes=settings.max_session_bytes,
        sweep_seconds=settings.session_sweep_seconds,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    store = _build_store(settings)
    signer = TokenSigner(settings.signing_key(), settings.session_max_age)
    cookies = CookiePolicy(secure=settings.secure_cookies, domain=settings.cookie_domain)
    pool = ParsePool(
        workers=settings.parse_workers,
        timeout_seconds=settings.parse_timeout_seconds,
        memory_mb=settings.parse_memory_mb,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pool.start()
        await store.start()
        try:
            yield
        finally:
            await store.close()
            pool.close()

    application = FastAPI(
        title="Invoice parsing service",
        version=app_package.__version__,
        description="Turns invoice PDFs into structured data inside an anonymous, expiring session.",
        lifespan=lifespan,
    )
    application.state.settings = settings
    application.state.store = store
    application.state.signer = signer
    application.state.cookies = cookies
    application.state.parse_pool = pool
    # Optional parts and whether this instance runs them; each later capability switches its own on.
    application.state.features = {"redis": False, "s3": False, "imap": False, "ocr": False}
    if settings.redis_url:
        log.warning("REDIS_URL is set, but this version keeps sessions in memory; it is not used yet")

    install_error_handlers(application)
    application.add_middleware(SessionMiddleware, signer=signer, store=store, cookies=cookies)
    if settings.frontend_url:
        application.add_middleware(
            CORSMiddleware,
            allow_origins=[settings.frontend_url],
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Request-ID"],
        )
    application.add_middleware(ObservabilityMiddleware)

    application.include_router(health_router)
    application.include_router(sessions_router)
    application.include_router(invoices_router)
    application.mount("/static", StaticFiles(directory=STATIC_DIR, html=True), name="static")
    return application
