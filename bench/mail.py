"""A mailbox pull of 500 messages, each with one invoice PDF, against a real Dovecot and a live
`python main.py` (jobs in process, two parse workers).

    python -m bench.mail [--messages 500]

Prints the pull's messages per second and the peak memory of the web process and of its busiest
parse worker, beside the baseline measured in the same run: the same PDFs uploaded to the bulk
endpoint as one ZIP.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
import zipfile
from pathlib import Path

import httpx2

from bench.corpus import entries
from tests.integration.live import LiveServer, PeakMemory, live_server, peak_memory
from tests.mail import dovecot, messages

USER, PASSWORD = "bench@buyer.example", "bench password"


def documents(count: int) -> list[bytes]:
    """``count`` text PDFs of the corpus, each made a file of its own (a comment appended)."""
    pdfs = [entry.path.read_bytes() for entry in entries("pdf_text") if "multi_page" not in entry.tags]
    return [pdfs[index % len(pdfs)] + f"\n%{index}\n".encode() for index in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.mail", description=__doc__)
    parser.add_argument("--messages", type=int, default=500)
    pdfs = documents(parser.parse_args().messages)
    server_gen = dovecot.start({USER: PASSWORD})
    mailserver = next(server_gen)
    try:
        started = time.perf_counter()
        batch = [
            messages.with_attachments(f"Invoice {index}", (f"invoice-{index}.pdf", pdf, "application/pdf"))
            for index, pdf in enumerate(pdfs)
        ]
        mailserver.deliver(USER, *batch)
        print(f"{len(batch)} messages delivered to Dovecot in {time.perf_counter() - started:.1f} s")
        environment = {
            "MAIL_ALLOWED_HOSTS": f"127.0.0.1:{mailserver.imaps}",
            "MAIL_CA_FILE": str(mailserver.ca_file),
            "MAIL_MAX_MESSAGES": str(len(pdfs)),
            "MAX_SESSION_BYTES": str(1024 * 1024 * 1024),
            "BULK_MAX_BYTES": str(1024 * 1024 * 1024),
            "RATE_LIMIT_PER_SESSION": "0",
            "LOG_LEVEL": "WARNING",
        }
        with (
            tempfile.TemporaryDirectory() as directory,
            live_server(Path(directory), command="python", **environment) as server,
        ):
            print(f"at rest: {server.rss_mib():.0f} MiB, the web process with its parse workers")
            print(f"{'run':<28} {'messages/s':>11} {'s':>7} {'invoices':>9} {'web MiB':>8} {'worker MiB':>11}")
            baseline = _bulk(server, pdfs)
            pulled = _pull(server, mailserver, len(pdfs))
            print(f"pull / bulk upload, time: {pulled / baseline:.2f}")
    finally:
        for _ in server_gen:
            pass


def _bulk(server: LiveServer, pdfs: list[bytes]) -> float:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index, pdf in enumerate(pdfs):
            archive.writestr(f"invoice-{index}.pdf", pdf)
    with httpx2.Client(base_url=server.url, timeout=900) as client, peak_memory(server) as peak:
        started = time.perf_counter()
        answer = client.post("/api/v2/invoices/bulk", files={"zip": ("all.zip", buffer.getvalue(), "application/zip")})
        seconds = time.perf_counter() - started
    parsed = answer.json()["summary"]["files"] - answer.json()["summary"]["failed"]
    _row("bulk upload (baseline)", len(pdfs), seconds, parsed, peak)
    return seconds


def _pull(server: LiveServer, mailserver: dovecot.Dovecot, count: int) -> float:
    body = {
        "host": "127.0.0.1",
        "port": mailserver.imaps,
        "username": USER,
        "password": PASSWORD,
        "max_messages": count,
    }
    with httpx2.Client(base_url=server.url, timeout=60) as client, peak_memory(server) as peak:
        started = time.perf_counter()
        status_url = client.post("/api/v2/mail/pull", json=body).json()["status_url"]
        while (job := client.get(status_url).json())["status"] not in ("finished", "failed"):
            time.sleep(0.05)
        seconds = time.perf_counter() - started
    report = job["result"] or {}
    _row("IMAP pull", report.get("messages_scanned", 0), seconds, report.get("invoices_parsed", 0), peak)
    if job["status"] != "finished":
        print(f"the pull failed: {job['error_code']}: {job['error']}")
    return seconds


def _row(name: str, count: int, seconds: float, invoices: int, peak: PeakMemory) -> None:
    print(
        f"{name:<28} {count / seconds:>11.1f} {seconds:>7.1f} {invoices:>9} "
        f"{peak.server_mib:>8.0f} {peak.worker_mib:>11.0f}"
    )


if __name__ == "__main__":
    main()
