"""The OpenAPI schema states the error answers an operation can give, in the errors' JSON shape."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.errors import MAY_BE_UNAVAILABLE


def test_error_answers_are_documented_with_their_shape(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    error = {"$ref": "#/components/schemas/ErrorBody"}
    assert schema["components"]["schemas"]["ErrorDetail"]["required"] == ["code", "message"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert responses["422"]["content"]["application/json"]["schema"] == error, (method, path)
            assert ("404" in responses) == ("{" in path), (method, path)
    for method, path in MAY_BE_UNAVAILABLE:
        assert "503" in schema["paths"][path][method]["responses"], (method, path)
