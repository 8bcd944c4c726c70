"""Every bomb of tests/integration/bombs.py against a live `python main.py` with its default limits.

    python -m bench.bombs

Prints, per bomb: its size, the answer, the time to answer, and the peak resident memory of the
web process and of the busiest parse worker while it was handled, next to the web process's
memory at rest. After each bomb the service must still answer /health and keep the session's
invoice; then it says whether it did every time, and how long listing and exporting the session
(with the invoices of 1,000 line items the large bombs left) take.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import httpx2

from bench.corpus import entries
from tests.integration.bombs import BOMBS
from tests.integration.live import live_server, peak_memory


def main() -> None:
    document = next(entry.path.read_bytes() for entry in entries("pdf_text") if "multi_page" not in entry.tags)
    with (
        tempfile.TemporaryDirectory() as directory,
        live_server(Path(directory), command="python") as server,
        httpx2.Client(base_url=server.url, timeout=300) as client,
    ):
        kept = client.post("/api/v2/invoices/parse", files={"file": ("kept.pdf", document)}).json()["id"]
        print(f"at rest: {server.rss_mib():.0f} MiB, the web process with its parse workers")
        print(f"{'bomb':<40} {'size':>10} {'answer':<40} {'s':>6} {'web MiB':>8} {'worker MiB':>11}")
        intact = True
        for bomb in BOMBS:
            data = bomb.build()
            with peak_memory(server) as peak:
                started = time.perf_counter()
                answer = bomb.send(client, data)
                seconds = time.perf_counter() - started
            shown = f"{answer.status} {answer.code or ''} {' '.join(answer.warnings)}".strip()
            mark = "" if answer in bomb.expected else "  UNEXPECTED"
            size = bomb.streamed or f"{len(data) / 1024:,.0f} KB"
            print(
                f"{bomb.name:<40} {size:>10} {shown:<40} {seconds:6.1f} "
                f"{peak.server_mib:8.0f} {peak.worker_mib:11.0f}{mark}"
            )
            listed = [item["id"] for item in client.get("/api/v2/invoices").json()["items"]]
            intact = intact and client.get("/health").status_code == 200 and kept in listed
        print(f"health and the session's first invoice intact after every bomb: {intact}")
        for name, path in (("list", "/api/v2/invoices"), ("Excel", "/api/v2/exports/xlsx")):
            started = time.perf_counter()
            status = client.get(path).status_code
            print(
                f"{name} of the session after the bombs (capped invoices inside): {status} in "
                f"{(time.perf_counter() - started) * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()
