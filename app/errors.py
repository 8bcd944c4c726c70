"""Error codes and the JSON shape every error takes: {"error": {"code", "message", "field"?}}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class AppError(Exception):
    """An error meant for the client: an HTTP status, a stable code and an actionable message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        error["field"] = field
    return {"error": error}


def error_response(
    status: int, code: str, message: str, *, field: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(code, message, field), status_code=status, headers=headers)


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc.status, exc.code, exc.message, field=exc.field, headers=exc.headers)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else "The request could not be served."
    if exc.status_code == 404:
        message = "Nothing is found at this path."
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    location = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path")]
    field = ".".join(location) or None
    message = str(first.get("msg", "The request is not valid."))
    if field:
        message = f"{field}: {message}"
    return error_response(422, "validation_error", message, field=field)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", extra={"path": request.url.path})
    return error_response(500, "internal_error", "Something went wrong on our side; please try again.")


class ErrorDetail(BaseModel):
    code: str = Field(description="stable, machine-readable")
    message: str = Field(description="what happened and what to do, for a person")
    field: str | None = Field(default=None, description="the parameter or part at fault")


class ErrorBody(BaseModel):
    error: ErrorDetail


#: The answers any operation can give besides its own, and those with an id in their path.
_COMMON_ERRORS = {
    422: "The request or the document cannot be used; `error.field` names the part.",
    429: "Too many requests from this session or address; wait `Retry-After` seconds.",
}
_NOT_FOUND = "No such id in this session (ids of other sessions are not found either)."
#: Operations that need a part which may be down (the job queue, the OCR service).
MAY_BE_UNAVAILABLE = {
    ("post", "/api/v2/invoices/parse"),
    ("post", "/api/v2/invoices/bulk"),
    ("post", "/api/v2/invoices/{invoice_id}/reprocess"),
    ("post", "/api/v2/invoices/{invoice_id}/approve"),
    ("post", "/api/v2/invoices/{invoice_id}/webhook"),
    ("get", "/api/v2/jobs/{job_id}"),
    ("get", "/api/export/download-xlsx"),
}
_UNAVAILABLE = "A part this needs (the job queue or the OCR service) is down; retry after `Retry-After` seconds."


def document_error_answers(app: FastAPI) -> None:
    """Add the error answers to the OpenAPI schema, with their JSON shape: 404 to every operation
    with an id in its path, 503 to those that need the queue or the OCR service, 422 and 429 to
    all."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        error_schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(error_schema.pop("$defs", {}))
        components["ErrorBody"] = error_schema
        reference = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                answers = dict(_COMMON_ERRORS)
                if "{" in path:
                    answers[404] = _NOT_FOUND
                if (method, path) in MAY_BE_UNAVAILABLE:
                    answers[503] = _UNAVAILABLE
                responses = operation.setdefault("responses", {})
                for status, description in answers.items():
                    responses[str(status)] = {"description": description, "content": reference}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)
