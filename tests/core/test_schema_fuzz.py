"""Schemathesis on every operation of the OpenAPI schema, with a session: no answer is a 5xx,
and every answer is one the schema documents (status, content type, body, Allow header).

Seeded (derandomised) and bounded to a few examples per operation so that it fits the suite's time;
`schemathesis run` against a live server goes further (docs/operations.md, Benchmarks).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    allow_header_conformance,
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.python.asgi import get_client

from app.factory import create_app
from tests.conftest import settings_for_tests

#: Examples per operation: enough to vary every parameter, few enough for CI.
EXAMPLES = 15
#: What each answer is checked against besides "no 5xx": what the schema says it may be.
CONFORMANCE = [status_code_conformance, content_type_conformance, response_schema_conformance, allow_header_conformance]


@pytest.fixture(scope="module")
def own_app() -> FastAPI:
    """An app of this module's own: schemathesis runs its lifespan itself, which must not stop the
    parse pool of the app the other tests share."""
    return create_app(settings_for_tests())


@pytest.fixture(scope="module")
def api_schema(own_app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", own_app)


@pytest.fixture(scope="module")
def bearer(own_app: FastAPI) -> dict[str, str]:
    with get_client(own_app) as client:
        token = client.post("/api/auth/anonymous-session").json()["token"]
    return {"Authorization": f"Bearer {token}"}


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_with_a_server_error(case: Any, bearer: dict[str, str]) -> None:
    if case.path in ("/api/v2/sessions/logout", "/api/auth/logout"):
        return  # it would end the session every other case uses
    response = case.call(headers=bearer)
    documented = {str(status) for status in case.operation.definition.raw.get("responses", {})}
    refusal = response.status_code == 503 and "503" in documented  # a part this needs is off or down
    assert response.status_code < 500 or refusal, (
        case.method,
        case.formatted_path,
        response.status_code,
        response.text,
    )
    case.validate_response(response, checks=CONFORMANCE)
