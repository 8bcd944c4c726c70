"""The seed-era paths, kept as deprecated aliases of their `/api/v2/…` routes: the same handler,
the same answers, marked `deprecated` in the OpenAPI schema."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute

#: Each seed-era path and the `/api/v2` path that replaced it.
SEED_PATHS = {
    "/api/auth/anonymous-session": "/api/v2/sessions",
    "/api/auth/logout": "/api/v2/sessions/logout",
    "/api/export/xlsx": "/api/v2/exports/xlsx/info",
    "/api/export/download-xlsx": "/api/v2/exports/xlsx",
    "/api/invoices/xlsx/data": "/api/v2/exports/rows",
    "/api/invoices/xlsx/stats": "/api/v2/exports/stats",
    "/api/invoices/tracking/dashboard": "/api/v2/tracking/dashboard",
    "/api/invoices/tracking/update-status": "/api/v2/tracking/status",
}


def add_deprecated_aliases(router: APIRouter) -> None:
    """Serve each route of ``router`` (a router without a prefix) whose path SEED_PATHS replaced
    at its seed-era path too. Called once, where the router is defined."""
    for alias, path in SEED_PATHS.items():
        for route in [route for route in router.routes if isinstance(route, APIRoute) and route.path == path]:
            router.add_api_route(
                alias,
                route.endpoint,
                methods=sorted(route.methods or ()),
                response_model=route.response_model,
                status_code=route.status_code,
                tags=route.tags,
                summary=route.summary,
                description=route.description,
                responses=route.responses,
                response_class=route.response_class,
                openapi_extra=route.openapi_extra,
                name=f"{route.name}_seed_path",
                deprecated=True,
            )
