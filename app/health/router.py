from functools import partial
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

import app
from app.core.errors import STATUS_OF
from app.delivery import s3
from app.deps import AppSettings, Pool
from app.invoices.deps import Parser
from app.jobs.deps import JobQueue
from app.sessions.deps import Store

router = APIRouter(tags=["health"])


@router.get(
    "/",
    response_model=None,
    responses={200: {"content": {"application/json": {}, "text/html": {}}}},
)
async def service_info(request: Request, response: Response) -> dict[str, Any] | FileResponse:
    """Name, version and which optional features are switched on, as JSON; a browser (asking for
    `text/html` before JSON) gets the web page instead. Either answer says it varies by `Accept`,
    so that no cache hands one to a client that asked for the other."""
    vary = {"Vary": "Accept"}
    if _prefers_html(request.headers.get("accept", "")):
        return FileResponse(app.STATIC_DIR / "index.html", media_type="text/html", headers=vary)
    response.headers.update(vary)
    return {
        "name": "invoice-parsing-service",
        "version": app.__version__,
        "features": request.app.state.features,
        "ocr_engine": request.app.state.parser.engine.description,
        "docs": "/docs",
        "web": "/",
    }


def _prefers_html(accept: str) -> bool:
    """Whether an Accept header ranks HTML above JSON (a browser's does; curl's */* does not)."""
    ranks: dict[str, float] = {}
    for item in accept.split(","):
        media_type, _, parameters = item.strip().partition(";")
        quality = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranks[media_type.strip().lower()] = quality
    return ranks.get("text/html", 0.0) > ranks.get("application/json", 0.0)


@router.get("/health")
async def health() -> dict[str, str]:
    """Liveness: the process answers. Never waits on parsing or backends."""
    return {"status": "ok"}


@router.get("/health/ready", responses={503: {"description": "A part the service needs is down."}})
async def ready(store: Store, pool: Pool, jobs: JobQueue, settings: AppSettings, parser: Parser) -> JSONResponse:
    """Readiness: the session store and the job queue answer, the parse pool is running (and its
    workers have read a first invoice: `warming` until then), the
    local OCR engines load and, with S3 enabled, the bucket is reached by whoever uploads to it
    (this process, or under RQ the workers, which report it); 503 names what is down or unknown
    (with Redis down, parsing still works, but delivery does not)."""
    checks: dict[str, str] = {}
    for name, ping in (("session_store", store.ping), ("job_queue", jobs.ping)):
        try:
            await ping()
            checks[name] = "ok"
        except Exception:  # any failure of the backend means "not ready", whatever its type
            checks[name] = "down"
    checks["parse_pool"] = ("ok" if pool.warmed else "warming") if pool.running else "down"
    if parser.engine.readers:
        checks["ocr"] = "ok" if await parser.ocr_loads() else "down"
    if settings.enable_s3 and settings.s3_bucket and settings.redis_url:
        try:  # the workers upload the exports: their word counts, not this process's reach
            checks["s3"] = await anyio.to_thread.run_sync(s3.worker_reach, settings.redis_url)
        except Exception:  # Redis away: the job queue check says so too
            checks["s3"] = "unknown"
    elif settings.enable_s3 and settings.s3_bucket:
        bucket = partial(
            s3.check_bucket, bucket=settings.s3_bucket, region=settings.s3_region, endpoint_url=settings.s3_endpoint_url
        )
        try:
            await anyio.to_thread.run_sync(bucket)
            checks["s3"] = "ok"
        except Exception:  # unreachable, refused or missing: not ready to deliver to S3
            checks["s3"] = "down"
    down = [f"{name} {state}" for name, state in checks.items() if state != "ok"]
    if down:
        body = {
            "status": "unavailable",
            "checks": checks,
            "error": {"code": "not_ready", "message": f"Not ready: {', '.join(down)}."},
        }
        return JSONResponse(body, status_code=STATUS_OF["not_ready"])
    return JSONResponse({"status": "ok", "checks": checks})


@router.get("/metrics", response_class=Response)
async def prometheus_metrics(request: Request) -> Response:
    """Prometheus metrics in the text exposition format: the process's own and the job backlog."""
    own: CollectorRegistry = request.app.state.metrics_registry

    def render() -> bytes:
        return generate_latest(REGISTRY) + generate_latest(own)

    return Response(await anyio.to_thread.run_sync(render), media_type=CONTENT_TYPE_LATEST)
