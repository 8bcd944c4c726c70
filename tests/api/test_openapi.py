"""The OpenAPI schema states the error answers an operation can give, in the errors' JSON shape."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.errors import MAY_BE_UNAVAILABLE, NAMES_INVOICES_IN_BODY


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
