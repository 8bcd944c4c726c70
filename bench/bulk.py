"""Bulk parsing throughput against a live uvicorn process.

    python -m bench.bulk [COUNT]

Sends COUNT (default 200) one-page corpus PDFs as one ZIP to POST /api/v2/invoices/bulk, and the
same documents one by one to POST /api/v2/invoices/parse, in the same run; prints both times and
their ratio (the bulk endpoint parses side by side across the pool's workers).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import httpx2

from bench.corpus import entries
from tests.integration.live import live_server


def main(count: int = 200) -> None:
    one_page = [e for e in entries("pdf_text") if "multi_page" not in e.tags]
    documents = [one_page[n % len(one_page)].path.read_bytes() for n in range(count)]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as packed:
        for number, document in enumerate(documents):
            packed.writestr(f"invoices/{number:04d}.pdf", document)
    with (
        tempfile.TemporaryDirectory() as tmp,
        live_server(Path(tmp)) as server,
        httpx2.Client(base_url=server.url, timeout=600) as client,
    ):
        for document in documents[:4]:  # warm the workers
            client.post("/api/v2/invoices/parse", files={"file": ("w.pdf", document)})
        started = time.perf_counter()
        for document in documents:
            client.post("/api/v2/invoices/parse", files={"file": ("i.pdf", document)}).raise_for_status()
        one_by_one = time.perf_counter() - started
        client.post("/api/v2/sessions/logout")
        started = time.perf_counter()
        response = client.post("/api/v2/invoices/bulk", files={"zip": ("all.zip", archive.getvalue())})
        bulk = time.perf_counter() - started
    response.raise_for_status()
    summary = response.json()["summary"]
    print(f"{count} one-page invoices, {os.cpu_count()} CPU(s); bulk summary: {summary}")
    print(f"  one request each : {one_by_one:6.2f} s  ({count / one_by_one:5.1f} invoices/s)")
    print(f"  one bulk ZIP     : {bulk:6.2f} s  ({count / bulk:5.1f} invoices/s)")
    print(f"  bulk / one-by-one: {bulk / one_by_one:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
