"""Endpoint latency against a live uvicorn process.

    python -m bench.latency [ROUNDS]

Prints the median and p95 of POST /api/v2/invoices/parse for one-page corpus PDFs, and the
latency of GET /health while the parse pool is busy with a slow document, as a ratio to the
idle /health latency measured in the same run.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2

from bench.corpus import entries
from tests.hostile import text_bomb_pdf
from tests.integration.live import live_server


def _timed(call: object) -> float:
    started = time.perf_counter()
    call()  # type: ignore[operator]
    return time.perf_counter() - started


def _ms(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   n={len(ordered)}"


def main(rounds: int = 3) -> None:
    one_page = [e for e in entries("pdf_text") if "multi_page" not in e.tags]
    documents = [e.path.read_bytes() for e in one_page]
    with (
        tempfile.TemporaryDirectory() as tmp,
        live_server(Path(tmp), PARSE_MEMORY_MB="16384") as server,
        httpx2.Client(base_url=server.url, timeout=60) as client,
    ):
        for document in documents[:4]:  # warm the workers
            client.post("/api/v2/invoices/parse", files={"file": ("w.pdf", document)})
        parse = [
            _timed(lambda d=d: client.post("/api/v2/invoices/parse", files={"file": ("i.pdf", d)}))
            for _ in range(rounds)
            for d in documents
        ]
        idle = [_timed(lambda: client.get("/health")) for _ in range(200)]

        busy: list[float] = []
        slow = [
            threading.Thread(
                target=lambda: httpx2.post(
                    f"{server.url}/api/v2/invoices/parse", files={"file": ("b.pdf", text_bomb_pdf())}, timeout=120
                )
            )
            for _ in range(2)
        ]
        for thread in slow:
            thread.start()
        time.sleep(0.5)
        while any(t.is_alive() for t in slow) and len(busy) < 200:
            busy.append(_timed(lambda: client.get("/health")))
        for thread in slow:
            thread.join()

    print(f"POST /api/v2/invoices/parse, one-page corpus PDFs ({len(documents)} files x {rounds}):")
    print(f"  {_ms(parse)}")
    print(f"GET /health, idle:                         {_ms(idle)}")
    print(f"GET /health, both parse workers busy:      {_ms(busy)}")
    print(f"  ratio busy/idle (median): {statistics.median(busy) / statistics.median(idle):.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
