"""Two uvicorn processes behind one Redis serve the same session."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from tests.conftest import corpus_bytes
from tests.integration.live import live_server

pytestmark = pytest.mark.live


def test_two_instances_share_one_session(tmp_path: Path, redis_url: str) -> None:
    shared = {"REDIS_URL": redis_url, "SECRET_KEY": "s" * 40, "PARSE_WORKERS": "1"}
    with live_server(tmp_path, **shared) as first, live_server(tmp_path, **shared) as second:
        token = httpx2.post(f"{first.url}/api/auth/anonymous-session").json()["token"]
        bearer = {"Authorization": f"Bearer {token}"}
        parsed = httpx2.post(
            f"{first.url}/api/v2/invoices/parse",
            files={"file": ("us-invoice-01.pdf", corpus_bytes("us-invoice-01.pdf"), "application/pdf")},
            headers=bearer,
            timeout=60,
        ).json()

        listed = httpx2.get(f"{second.url}/api/v2/invoices", headers=bearer).json()
        approved = httpx2.post(f"{second.url}/api/v2/invoices/{parsed['id']}/approve", headers=bearer)
        seen_by_first = httpx2.get(f"{first.url}/api/v2/invoices/{parsed['id']}", headers=bearer).json()
        stranger = httpx2.get(f"{second.url}/api/v2/invoices/{parsed['id']}")
        httpx2.post(f"{second.url}/api/auth/logout", headers=bearer)
        after_logout = httpx2.get(f"{first.url}/api/v2/invoices", headers=bearer).json()

    assert [item["id"] for item in listed["items"]] == [parsed["id"]]
    assert approved.status_code == 200
    assert seen_by_first["status"] == "approved"
    assert stranger.status_code == 404
    assert after_logout["total"] == 0  # the old token is refused on both: a fresh, empty session
