"""Error codes, the one table of their HTTP statuses, and the JSON shape every error takes:
{"error": {"code", "message", "field"?}}. Services raise AppError with a code; only STATUS_OF
knows which status answers it."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


#: The HTTP status answering each error code: the only place that knows them.
STATUS_OF = {
    "bad_request": 400,
    "empty_file": 400,
    "http_error": 400,
    "invalid_cursor": 400,
    "malformed_multipart": 400,
    "missing_file": 400,
    "unexpected_part": 400,
    "upload_incomplete": 400,
    "unauthorized": 401,
    "delivery_not_found": 404,
    "invoice_not_found": 404,
    "job_not_found": 404,
    "not_found": 404,
    "page_not_found": 404,
    "unknown_field": 404,
    "method_not_allowed": 405,
    "not_acceptable": 406,
    "edit_conflict": 409,
    "session_ended": 409,
    "export_too_large": 413,
    "file_too_large": 413,
    "image_too_large": 413,
    "payload_too_large": 413,
    "print_too_large": 413,
    "session_full": 413,
    "too_many_entries": 413,
    "too_many_files": 413,
    "upload_too_large": 413,
    "unsupported_archive": 415,
    "unsupported_media_type": 415,
    "corrupt_pdf": 422,
    "corrupt_image": 422,
    "encrypted_archive_entry": 422,
    "encrypted_message": 422,
    "encrypted_pdf": 422,
    "hostile_xml": 422,
    "invalid_archive": 422,
    "invalid_ocr": 422,
    "invalid_secret": 422,
    "invalid_transition": 422,
    "invalid_value": 422,
    "invalid_xml": 422,
    "mail_host_refused": 422,
    "mail_host_unknown": 422,
    "mail_plaintext_refused": 422,
    "malformed_message": 422,
    "nested_archive": 422,
    "no_documents_in_message": 422,
    "parse_resources_exceeded": 422,
    "parse_timeout": 422,
    "scanned_pdf_needs_ocr": 422,
    "suspicious_compression": 422,
    "tnef_attachment": 422,
    "too_many_pages": 422,
    "unparseable_document": 422,
    "validation_error": 422,
    "webhook_secret_required": 422,
    "webhook_target_refused": 422,
    "rate_limited": 429,
    "too_many_jobs": 429,
    "too_many_sessions": 429,
    "internal_error": 500,
    "delivery_failed": 502,
    "not_ready": 503,
    "ocr_unavailable": 503,
    "queue_unavailable": 503,
    "s3_unavailable": 503,
    "store_full": 503,
}


class AppError(Exception):
    """An error meant for the client: a stable code (its status is STATUS_OF's) and an actionable
    message, with the part at fault when there is one."""

    def __init__(
        self, code: str, message: str, *, field: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers

    @property
    def status(self) -> int:
        return STATUS_OF[self.code]


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        error["field"] = field
    return {"error": error}


def error_response(
    code: str, message: str, *, field: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(code, message, field), status_code=STATUS_OF[code], headers=headers)


#: The codes of the errors Starlette raises itself, by status.
_HTTP_CODES = {
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
    return error_response(exc.code, exc.message, field=exc.field, headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else "The request could not be served."
    headers = getattr(exc, "headers", None)
    if exc.status_code == 404:
        message = "Nothing is found at this path."
    if exc.status_code == 405 and (allowed := _allowed_methods(request)):
        headers = {**(headers or {}), "Allow": allowed}
    body = error_body(code, message)  # Starlette's own status, whatever the code's usual one
    return JSONResponse(body, status_code=exc.status_code, headers=headers)


def _allowed_methods(request: Request) -> str | None:
    """The methods the API documents for the request's path, from its most specific templates:
    Starlette names only the first route it tried, so `/invoices/batch-delete` (POST) advertised
    the GET of `/invoices/{invoice_id}`. None for paths the schema does not list."""
    matching = [
        (template.count("{"), operations)
        for template, operations in request.app.openapi().get("paths", {}).items()
        if re.fullmatch(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)), request.url.path)
    ]
    if not matching:
        return None
    fewest = min(params for params, _ in matching)
    methods = {method.upper() for params, operations in matching if params == fewest for method in operations}
    return ", ".join(sorted(methods | ({"HEAD"} if "GET" in methods else set())))


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    location = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path")]
    field = ".".join(location) or None
    message = str(first.get("msg", "The request is not valid."))
    if field:
        message = f"{field}: {message}"
    return error_response("validation_error", message, field=field)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", extra={"path": request.url.path})
    return error_response("internal_error", "Something went wrong on our side; please try again.")


class ErrorDetail(BaseModel):
    code: str = Field(description="stable, machine-readable")
    message: str = Field(description="what happened and what to do, for a person")
    field: str | None = Field(default=None, description="the parameter or part at fault")


class ErrorBody(BaseModel):
    error: ErrorDetail


#: The answers any operation can give besides its own.
_COMMON_ERRORS = {
    422: "The request or the document cannot be used; `error.field` names the part.",
    429: "Too many requests from this session or address; wait `Retry-After` seconds.",
}
_UNREADABLE_BODY = "The body cannot be read (not JSON, or a malformed or incomplete upload) or lacks its part."
_UNKNOWN_CURSOR = "The cursor is unknown or its invoice was deleted (`invalid_cursor`)."
_UPLOAD_ERRORS = {
    409: "`session_ended`: the session was logged out while the upload was parsed; nothing was kept.",
    413: "The upload is larger than the limits (MAX_UPLOAD_BYTES, BULK_MAX_BYTES, parts, files).",
    415: "Not multipart/form-data, or a part that is not a PDF, an e-invoice XML or (bulk) a ZIP.",
}
_NOT_FOUND = "No such id in this session (ids of other sessions are not found either)."
_EDIT_CONFLICT = "`edit_conflict`: other requests kept changing the invoice while this change was saved."
#: Operations that name invoices in their body rather than their path, and answer 404 for one.
NAMES_INVOICES_IN_BODY = {
    ("post", "/api/v2/print"),
    ("post", "/api/v2/print/preview"),
    ("post", "/api/v2/tracking/status"),
    ("post", "/api/invoices/tracking/update-status"),
}
#: Operations that need a part which may be down or off (the job queue, the OCR service, S3).
MAY_BE_UNAVAILABLE = {
    ("post", "/api/v2/invoices/parse"),
    ("post", "/api/v2/invoices/bulk"),
    ("post", "/api/v2/invoices/{invoice_id}/reprocess"),
    ("post", "/api/v2/invoices/{invoice_id}/approve"),
    ("post", "/api/v2/invoices/{invoice_id}/webhook"),
    ("post", "/api/v2/mail/pull"),
    ("get", "/api/v2/jobs/{job_id}"),
    ("get", "/api/v2/exports/xlsx"),
    ("get", "/api/export/download-xlsx"),
}
_UNAVAILABLE = (
    "A part this needs (the job queue, the OCR service, S3 delivery) is down or not enabled; "
    "`error.code` says which, `Retry-After` when to try again."
)


def _error_answers(method: str, path: str, operation: dict[str, Any]) -> dict[int, str]:
    """The error answers one operation can give, by what it takes: a body, an upload, an id."""
    answers = dict(_COMMON_ERRORS)
    body_types = operation.get("requestBody", {}).get("content", {})
    if body_types:
        answers[400] = _UNREADABLE_BODY
    if any(parameter.get("name") == "cursor" for parameter in operation.get("parameters", [])):
        answers[400] = _UNKNOWN_CURSOR
    if "multipart/form-data" in body_types:
        answers.update(_UPLOAD_ERRORS)
    if "{" in path or (method, path) in NAMES_INVOICES_IN_BODY:
        answers[404] = _NOT_FOUND
        if method in ("post", "patch"):
            answers.setdefault(409, _EDIT_CONFLICT)
    if (method, path) in MAY_BE_UNAVAILABLE:
        answers[503] = _UNAVAILABLE
    return answers


def document_error_answers(app: FastAPI) -> None:
    """Add the error answers to the OpenAPI schema, with their JSON shape (see _error_answers)."""
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
                responses = operation.setdefault("responses", {})
                for status, description in _error_answers(method, path, operation).items():
                    responses[str(status)] = {"description": description, "content": reference}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)
