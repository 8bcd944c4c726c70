"""The OpenAPI schema states the error answers an operation can give, in the errors' JSON shape."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.aliases import SEED_PATHS
from app.core.errors import MAY_BE_UNAVAILABLE, NAMES_INVOICES_IN_BODY, STATUS_OF
from tests.conftest import ROOT, corpus_bytes, upload


def test_error_answers_are_documented_with_their_shape(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    error = {"$ref": "#/components/schemas/ErrorBody"}
    assert schema["components"]["schemas"]["ErrorDetail"]["required"] == ["code", "message"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert responses["422"]["content"]["application/json"]["schema"] == error, (method, path)
            names_an_invoice = "{" in path or (method, path) in NAMES_INVOICES_IN_BODY
            assert ("404" in responses) == names_an_invoice, (method, path)
            body_types = operation.get("requestBody", {}).get("content", {})
            pages = any(parameter["name"] == "cursor" for parameter in operation.get("parameters", []))
            assert ("400" in responses) == (bool(body_types) or pages), (method, path)
            assert ("415" in responses) == ("multipart/form-data" in body_types), (method, path)
    for method, path in MAY_BE_UNAVAILABLE:
        assert "503" in schema["paths"][path][method]["responses"], (method, path)


def test_one_api_under_v2_with_the_seed_paths_as_deprecated_aliases(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    api = {path: operations for path, operations in paths.items() if path.startswith("/api/")}
    current = {path for path, operations in api.items() if not any(op.get("deprecated") for op in operations.values())}
    assert current and all(path.startswith("/api/v2/") for path in current)
    for alias, path in SEED_PATHS.items():
        assert set(api[alias]) == set(api[path]), alias
        assert all(operation["deprecated"] for operation in api[alias].values())
        assert all(operation["responses"] == api[path][method]["responses"] for method, operation in api[alias].items())
    # the same handlers answer both: a status set at the seed path shows at the v2 path
    invoice = upload(client, corpus_bytes("uk-invoice-01.pdf")).json()
    moved = client.post("/api/invoices/tracking/update-status", json={"invoice_id": invoice["id"], "status": "sent"})
    assert moved.status_code == 200
    assert client.get("/api/v2/tracking/dashboard").json()["pipeline"]["sent"]["count"] == 1


def test_every_error_code_the_app_raises_has_its_status_in_the_one_table() -> None:
    """Services raise codes; STATUS_OF alone knows the statuses, so a code missing from it would be
    a 500 instead of its answer."""
    raised: set[str] = set()
    for path in (ROOT / "app").rglob("*.py"):
        text = path.read_text()
        raised |= set(re.findall(r'AppError\(\s*"([a-z_]+)"', text))
        raised |= set(re.findall(r'super\(\).__init__\(\s*"([a-z_]+)"', text))
        raised |= set(re.findall(r'error_response\(\s*"([a-z_]+)"', text))
        raised |= set(re.findall(r'^    code = "([a-z_]+)"', text, re.MULTILINE))  # the parsing core's errors
    assert len(raised) > 40
    assert raised <= set(STATUS_OF), raised - set(STATUS_OF)
