"""create_app(): settings, logging, middleware, routers and the lifespan of the parse pool and store."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from anyio.from_thread import BlockingPortal
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from prometheus_client import CollectorRegistry

import app as app_package
from app.api_docs import serve_api_docs
from app.body_limit import BodyLimitMiddleware
from app.core.errors import document_error_answers, install_error_handlers
from app.core.logs import configure_logging
from app.core.metrics import JobBacklog
from app.core.settings import Settings, get_settings
from app.delivery import service as delivery_service
from app.delivery.router import router as delivery_router
from app.exports.router import router as exports_router
from app.health.router import router as health_router
from app.invoices.archives import bulk_limits
from app.invoices.parser import build_parser
from app.invoices.router import router as invoices_router
from app.invoices.uploads import multipart_room
from app.jobs.backends import Jobs, LocalJobs, RqJobs
from app.jobs.router import router as jobs_router
from app.mail.jobs import MailServices
from app.mail.router import router as mail_router
from app.mail.service import reach as mail_reach
from app.observability import ObservabilityMiddleware
from app.sessions.fallback import FallbackStore
from app.sessions.middleware import CookiePolicy, SessionMiddleware
from app.sessions.ratelimit import Counter, MemoryCounter, RateLimitMiddleware, RedisCounter
from app.sessions.redis_store import RedisStore
from app.sessions.router import router as sessions_router
from app.sessions.store import MemoryStore, SessionStore
from app.sessions.token import TokenSigner
from app.tracking.router import router as tracking_router

log = logging.getLogger(__name__)


def _build_store(settings: Settings) -> SessionStore:
    memory = MemoryStore(
        max_sessions=settings.max_sessions,
        max_session_bytes=settings.max_session_bytes,
        max_total_bytes=settings.max_store_bytes,
        sweep_seconds=settings.session_sweep_seconds,
    )
    if not settings.redis_url:
        return memory
    shared = RedisStore(
        settings.redis_url, max_sessions=settings.max_sessions, max_session_bytes=settings.max_session_bytes
    )
    return FallbackStore(shared, memory, recheck_seconds=settings.redis_recheck_seconds)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    store = _build_store(settings)
    signer = TokenSigner(settings.signing_key(), settings.session_max_age)
    cookies = CookiePolicy(secure=settings.secure_cookies, domain=settings.cookie_domain)
    parser = build_parser(settings)
    pool, remote_ocr = parser.pool, parser.remote_ocr
    counter: Counter = RedisCounter(settings.redis_url) if settings.redis_url else MemoryCounter()
    jobs: Jobs = (
        RqJobs(
            settings.redis_url,
            result_ttl=settings.job_result_ttl_seconds,
            secret_key=settings.signing_key(),
            session_ttl=settings.session_max_age,
        )
        if settings.redis_url
        else LocalJobs(result_ttl=settings.job_result_ttl_seconds)
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pool.start()
        warming = asyncio.create_task(pool.warm())  # readiness waits for it; /health does not
        await store.start()
        await jobs.start()
        try:
            async with BlockingPortal() as portal:
                if isinstance(jobs, LocalJobs):  # a mailbox pull in this process parses into this store
                    jobs.services = MailServices(
                        portal=portal,
                        parser=parser,
                        store=store,
                        reach=mail_reach(settings),
                        limits=bulk_limits(settings),
                    )
                yield
        finally:
            warming.cancel()
            await jobs.close()
            await counter.close()
            await store.close()
            pool.close()
            if remote_ocr is not None:
                await remote_ocr.close()

    application = FastAPI(
        title="Invoice parsing service",
        version=app_package.__version__,
        description="Turns invoice PDFs into structured data inside an anonymous, expiring session.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    application.state.settings = settings
    application.state.store = store
    application.state.signer = signer
    application.state.cookies = cookies
    application.state.parse_pool = pool
    application.state.jobs = jobs
    application.state.session_end_hooks = [
        partial(delivery_service.forget_session, jobs=jobs, settings=settings),
    ]
    application.state.metrics_registry = CollectorRegistry()
    application.state.metrics_registry.register(JobBacklog(jobs.backlog))
    application.state.parser = parser
    # Optional parts and whether this instance runs them; each later capability switches its own on.
    application.state.features = {
        "redis": bool(settings.redis_url),
        "s3": settings.enable_s3,
        "imap": True,  # mailbox pulls (IMAP and POP3): jobs run in this process or on RQ's `mail` queue
        "ocr": parser.engine.description != "none",
    }

    install_error_handlers(application)
    document_error_answers(application)
    application.add_middleware(
        BodyLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_upload_body_bytes=max(
            multipart_room(settings.bulk_max_bytes, settings.bulk_max_files),
            multipart_room(2 * settings.max_upload_bytes, 2),  # /parse: a document and its OCR output
        ),
    )
    application.add_middleware(
        RateLimitMiddleware,
        counter=counter,
        per_session=settings.rate_limit_per_session,
        per_address=settings.rate_limit_per_address,
        window_seconds=settings.rate_limit_window_seconds,
    )
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
    application.include_router(exports_router)
    application.include_router(tracking_router)
    application.include_router(delivery_router)
    application.include_router(jobs_router)
    application.include_router(mail_router)
    serve_api_docs(application)
    application.mount("/static", StaticFiles(directory=app_package.STATIC_DIR, html=True), name="static")
    return application
