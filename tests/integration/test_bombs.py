"""Every bomb against a live `python main.py` with its default limits: the right 4xx (or a capped
result), memory bounded in the web process and in the parse workers, and the session intact."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest

from app.core.settings import Settings
from tests.conftest import corpus_bytes
from tests.integration.bombs import BOMBS, Bomb
from tests.integration.live import LiveServer, live_server, peak_memory

pytestmark = pytest.mark.live

#: What handling one bomb may add to the web process's resident memory. The bodies go up to
#: 20 MiB; 150 MiB is room for a few copies of one, far below an inflated bomb (1 GiB and more).
WEB_GROWTH_MIB = 150
#: A parse worker's address-space limit by default (PARSE_MEMORY_MB): its memory stays under it.
WORKER_LIMIT_MIB = Settings.model_fields["parse_memory_mb"].default


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("bombs"), command="python", SECRET_KEY="b" * 32) as running:
        yield running


@pytest.fixture(scope="module")
def session(server: LiveServer) -> Iterator[tuple[httpx2.Client, str]]:
    """One session for all bombs, holding an invoice that every bomb must leave in place."""
    with httpx2.Client(base_url=server.url, timeout=120) as client:
        kept = client.post("/api/v2/invoices/parse", files={"file": ("kept.pdf", corpus_bytes("uk-invoice-01.pdf"))})
        assert kept.status_code == 201
        yield client, kept.json()["id"]


@pytest.mark.parametrize("bomb", BOMBS, ids=[bomb.name for bomb in BOMBS])
def test_a_bomb_gets_its_answer_in_bounded_memory(
    server: LiveServer, session: tuple[httpx2.Client, str], bomb: Bomb
) -> None:
    client, kept = session
    data = bomb.build()
    at_rest = server.web_rss_mib()
    with peak_memory(server) as peak:
        answer = bomb.send(client, data)

    assert answer in bomb.expected
    assert peak.server_mib < at_rest + WEB_GROWTH_MIB, (at_rest, peak)
    assert peak.worker_mib < WORKER_LIMIT_MIB, peak
    assert client.get("/health").status_code == 200
    assert kept in [item["id"] for item in client.get("/api/v2/invoices").json()["items"]]
