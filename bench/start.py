"""The first parse after a start against a warm one, on a live `python main.py`.

    python -m bench.start [STARTS]

Starts the service STARTS times (default 3). Each time it waits for /health/ready, then times the
first parse of a one-page corpus PDF and ten more, and prints the time to ready, the first parse,
the median of the warm ones (end to end, and as the server's own parse_ms) and first/warm.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx2

from bench.corpus import entries
from tests.integration.live import live_server


def _parse(client: httpx2.Client, document: bytes) -> tuple[float, float]:
    started = time.perf_counter()
    answer = client.post("/api/v2/invoices/parse", files={"file": ("i.pdf", document)})
    return (time.perf_counter() - started) * 1000, float(answer.json()["parse_ms"])


def main(starts: int = 3) -> None:
    document = next(e.path.read_bytes() for e in entries("pdf_text") if "multi_page" not in e.tags)
    for number in range(1, starts + 1):
        launched = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp), command="python") as server:
            ready = time.perf_counter() - launched
            with httpx2.Client(base_url=server.url, timeout=120) as client:
                first, first_parse = _parse(client, document)
                warm = [_parse(client, document) for _ in range(10)]
        total, parse = statistics.median(w[0] for w in warm), statistics.median(w[1] for w in warm)
        print(
            f"start {number}: ready after {ready:.1f} s; first parse {first:.0f} ms (parse_ms {first_parse:.0f}), "
            f"warm median {total:.0f} ms (parse_ms {parse:.0f}); first/warm {first / total:.2f}x "
            f"(parse_ms {first_parse / parse:.2f}x)"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
