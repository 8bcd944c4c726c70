"""Rate limits through HTTP: per session, per client address, and counted together in Redis."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient


def test_a_session_over_its_limit_gets_429_with_retry_after(make_app: Callable[..., TestClient]) -> None:
    client = make_app(rate_limit_per_session=3, rate_limit_window_seconds=60)

    answers = [client.get("/api/v2/invoices").status_code for _ in range(4)]
    refused = client.get("/api/v2/invoices")

    assert answers == [200, 200, 200, 429]
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert client.get("/health").status_code == 200  # only /api is limited
    assert TestClient(client.app).get("/api/v2/invoices").status_code == 200  # another session is not


def test_an_address_is_limited_across_fresh_sessions(make_app: Callable[..., TestClient]) -> None:
    client = make_app(rate_limit_per_address=2)

    answers = [TestClient(client.app).get("/api/v2/invoices").status_code for _ in range(3)]

    assert answers == [200, 200, 429]


def test_instances_count_together_in_redis(make_app: Callable[..., TestClient], redis_url: str) -> None:
    first = make_app(redis_url=redis_url, rate_limit_per_session=3)
    second = make_app(redis_url=redis_url, rate_limit_per_session=3)
    bearer = {"Authorization": f"Bearer {first.post('/api/auth/anonymous-session').json()['token']}"}

    answers = [app.get("/api/v2/invoices", headers=bearer).status_code for app in (second, first, second, first)]

    assert answers == [200, 200, 200, 429]
