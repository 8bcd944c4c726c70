"""Anonymous sessions: cookies, bearer tokens, expiry, tampering, logout, isolation and caps."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.sessions.service import end_session
from app.sessions.store import MemoryStore
from app.sessions.token import TokenSigner
from tests.conftest import TEST_SECRET_KEY, corpus_bytes, settings_for_tests, upload

SECRET = settings_for_tests().signing_key()


def _token_issued_at(timestamp: int, secret: str = SECRET) -> str:
    class _FixedTimeSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return timestamp

    serializer = URLSafeTimedSerializer(secret, salt="invoice-session", signer=_FixedTimeSigner)
    return serializer.dumps("a-session-id")


def test_first_request_gets_session_cookie(client: TestClient) -> None:
    response = client.get("/api/v2/invoices")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie
    # the client sends it back: no new cookie on the next call
    assert "set-cookie" not in client.get("/api/v2/invoices").headers


def test_secure_cookie_and_domain(make_app: Callable[..., TestClient]) -> None:
    client = make_app(secure_cookies=True, cookie_domain="invoices.example")
    cookie = client.get("/api/v2/invoices").headers["set-cookie"]
    assert "Secure" in cookie and "Domain=invoices.example" in cookie


def test_anonymous_session_endpoint_and_bearer_token(running_app: object, client: TestClient) -> None:
    response = client.post("/api/auth/anonymous-session")
    assert response.status_code == 201
    body = response.json()
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert 7000 < (expires_at - datetime.now(UTC)).total_seconds() <= 7200
    assert body["token"] in response.headers["set-cookie"]

    script = TestClient(running_app)  # type: ignore[arg-type]  # no cookies: a curl user
    headers = {"Authorization": f"Bearer {body['token']}"}
    invoice_id = upload(script, corpus_bytes("us-invoice-01.pdf"), headers=headers).json()["id"]
    assert script.get(f"/api/v2/invoices/{invoice_id}", headers=headers).status_code == 200
    # the cookie and the bearer token name the same session
    assert client.get(f"/api/v2/invoices/{invoice_id}").status_code == 200


def test_sessions_never_see_each_other(running_app: object) -> None:
    alice, bob = TestClient(running_app), TestClient(running_app)  # type: ignore[arg-type]
    invoice_id = upload(alice, corpus_bytes("us-invoice-01.pdf")).json()["id"]
    for response in (
        bob.get(f"/api/v2/invoices/{invoice_id}"),
        bob.delete(f"/api/v2/invoices/{invoice_id}"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "invoice_not_found"
    assert bob.get("/api/v2/invoices").json()["total"] == 0
    assert bob.post("/api/v2/invoices/batch-delete", json={"ids": [invoice_id]}).json()["deleted"] == []
    assert alice.get(f"/api/v2/invoices/{invoice_id}").status_code == 200


def test_tampered_foreign_and_expired_tokens_reach_no_data(client: TestClient, running_app: object) -> None:
    token = client.post("/api/auth/anonymous-session").json()["token"]
    invoice_id = upload(client, corpus_bytes("us-invoice-01.pdf")).json()["id"]
    session_id_part, stamp, signature = token.split(".")
    forged = [
        f"{session_id_part}.{stamp}.{signature[:-2]}xx",  # tampered signature
        _token_issued_at(int(time.time()), secret="someone-elses-key"),  # foreign key
        _token_issued_at(int(time.time()) - 7201),  # expired
        "not-a-token",
    ]
    for bad in forged:
        other = TestClient(running_app)  # type: ignore[arg-type]
        response = other.get(f"/api/v2/invoices/{invoice_id}", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 404
        assert response.headers["set-cookie"].startswith("session=")  # a fresh session instead


def test_logout_purges_data_and_kills_token(client: TestClient, running_app: object) -> None:
    token = client.post("/api/auth/anonymous-session").json()["token"]
    invoice_id = upload(client, corpus_bytes("us-invoice-01.pdf")).json()["id"]

    response = client.post("/api/auth/logout")

    assert response.status_code == 204
    assert 'session=""' in response.headers["set-cookie"] and "Max-Age=0" in response.headers["set-cookie"]
    replay = TestClient(running_app)  # type: ignore[arg-type]
    again = replay.get(f"/api/v2/invoices/{invoice_id}", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 404
    assert not again.headers["set-cookie"].startswith(f"session={token}")


def test_session_byte_cap_is_413_and_keeps_existing(make_app: Callable[..., TestClient]) -> None:
    first = corpus_bytes("us-invoice-01.pdf")
    client = make_app(max_session_bytes=len(first) + 10_000)  # room for one document and its record
    kept = upload(client, first)
    assert kept.status_code == 201
    response = upload(client, corpus_bytes("uk-invoice-01.pdf"))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "session_full"
    assert [item["id"] for item in client.get("/api/v2/invoices").json()["items"]] == [kept.json()["id"]]


def test_session_count_cap_is_429(make_app: Callable[..., TestClient]) -> None:
    first = make_app(max_sessions=1)
    assert upload(first, corpus_bytes("us-invoice-01.pdf")).status_code == 201
    second = TestClient(first.app)
    response = upload(second, corpus_bytes("us-invoice-01.pdf"))
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "too_many_sessions"
    assert int(response.headers["retry-after"]) >= 1


def test_cors_allows_the_configured_frontend_with_credentials(make_app: Callable[..., TestClient]) -> None:
    client = make_app(frontend_url="https://ui.example")
    preflight = client.options(
        "/api/v2/invoices",
        headers={"Origin": "https://ui.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.headers["access-control-allow-origin"] == "https://ui.example"
    assert preflight.headers["access-control-allow-credentials"] == "true"
    other = client.get("/api/v2/invoices", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_a_logout_without_a_token_revokes_nothing() -> None:
    """Each such logout once revoked the session made up for it, kept for the session's lifetime:
    a list any client could grow by the request. A session whose token someone holds is revoked."""
    store = MemoryStore(max_sessions=10, max_session_bytes=10**6, max_total_bytes=10**7, sweep_seconds=30)
    signer = TokenSigner(TEST_SECRET_KEY, max_age=7200)
    made_up = signer.issue()
    asyncio.run(end_session(store=store, session=made_up))
    assert not asyncio.run(store.is_revoked(made_up.id))

    held = signer.verify(signer.issue().token)
    assert held is not None
    asyncio.run(end_session(store=store, session=held))
    assert asyncio.run(store.is_revoked(held.id))
