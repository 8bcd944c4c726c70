"""Many clients at once against a live `python main.py`, embedded and with Redis paused mid-run.

    python -m bench.load [CLIENTS] [SECONDS]

Each client has its own session and loops: parse a one-page corpus PDF, list the session's
invoices, read one back. Run twice in one go: embedded (no Redis), then with REDIS_URL pointing at
a redis-server of the benchmark's own that is paused (SIGSTOP) for 15 s in the middle of the run.
Prints, per run: answers by status, latency median and p99 per operation, the server's peak RSS
(with its parse workers), and invoices lost: ids answered 201 that the session no longer lists at
the end.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx2

from bench.corpus import entries
from tests.integration.live import LiveServer, OwnRedis, live_server

OUTAGE_SECONDS = 15.0


class Client(threading.Thread):
    """One user: a session of its own, the same three requests in a loop until ``stop``."""

    def __init__(self, url: str, documents: list[bytes], stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.http = httpx2.Client(base_url=url, timeout=60)
        self.documents, self.stop = documents, stop
        self.statuses: Counter[str] = Counter()
        self.latencies: dict[str, list[float]] = {"parse": [], "list": [], "read": []}
        self.kept: list[str] = []

    def _timed(self, operation: str, method: str, path: str, **kwargs: object) -> httpx2.Response | None:
        started = time.perf_counter()
        try:
            response = self.http.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx2.HTTPError as exc:
            self.statuses[f"{operation} {type(exc).__name__}"] += 1
            return None
        self.latencies[operation].append(time.perf_counter() - started)
        self.statuses[f"{operation} {response.status_code}"] += 1
        return response

    def run(self) -> None:
        index = 0
        while not self.stop.is_set():
            document = self.documents[index % len(self.documents)]
            index += 1
            parsed = self._timed("parse", "POST", "/api/v2/invoices/parse", files={"file": ("i.pdf", document)})
            if parsed is not None and parsed.status_code == 201:
                self.kept.append(parsed.json()["id"])
            self._timed("list", "GET", "/api/v2/invoices", params={"limit": 50})
            if self.kept:
                self._timed("read", "GET", f"/api/v2/invoices/{self.kept[-1]}")

    def lost(self) -> int:
        listed: set[str] = set()
        cursor: str | None = None
        while True:
            page = self.http.get("/api/v2/invoices", params={"limit": 500, **({"cursor": cursor} if cursor else {})})
            if page.status_code != 200:
                return len(self.kept)
            body = page.json()
            listed.update(item["id"] for item in body["items"])
            cursor = body["next_cursor"]
            if not cursor:
                return len(set(self.kept) - listed)


def run(name: str, server: LiveServer, clients: int, seconds: float, redis: OwnRedis | None) -> None:
    documents = [entry.path.read_bytes() for entry in entries("pdf_text") if "multi_page" not in entry.tags][:8]
    stop = threading.Event()
    users = [Client(server.url, documents, stop) for _ in range(clients)]
    for user in users:
        user.http.post("/api/v2/sessions")  # each its own session, kept in its cookie
        user.start()
    peak, started, outage = 0.0, time.monotonic(), False
    while time.monotonic() - started < seconds:
        peak = max(peak, server.rss_mib())
        elapsed = time.monotonic() - started
        if redis is not None and not outage and elapsed >= (seconds - OUTAGE_SECONDS) / 2:
            redis.pause()
            outage = True
            paused_at = elapsed
        if redis is not None and outage and elapsed >= paused_at + OUTAGE_SECONDS:
            redis.resume()
            redis = None
        time.sleep(0.5)
    stop.set()
    for user in users:
        user.join(timeout=120)
    if redis is not None:
        redis.resume()
    time.sleep(2)  # let invoices kept during an outage move back
    statuses = sum((user.statuses for user in users), Counter())
    lost = sum(user.lost() for user in users)
    print(f"{name}: {clients} clients x {seconds:g} s")
    for outcome, count in sorted(statuses.items()):
        print(f"  {outcome:<32} {count:>7}")
    for operation in ("parse", "list", "read"):
        values = sorted(value for user in users for value in user.latencies[operation])
        if values:
            p99 = values[int(0.99 * (len(values) - 1))]
            print(f"  {operation:<6} median {statistics.median(values) * 1000:8.1f} ms   p99 {p99 * 1000:8.1f} ms")
    kept = sum(len(user.kept) for user in users)
    print(f"  peak RSS {peak:.0f} MiB; invoices lost {lost} of {kept}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clients", nargs="?", type=int, default=50)
    parser.add_argument("seconds", nargs="?", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        with live_server(Path(tmp), command="python", RATE_LIMIT_PER_SESSION="0", RATE_LIMIT_PER_ADDRESS="0") as server:
            run("embedded", server, args.clients, args.seconds, None)
        redis = OwnRedis(Path(tmp))
        redis.start()
        try:
            with live_server(
                Path(tmp),
                command="python",
                REDIS_URL=redis.url,
                REDIS_RECHECK_SECONDS="1",
                RATE_LIMIT_PER_SESSION="0",
                RATE_LIMIT_PER_ADDRESS="0",
            ) as server:
                run(f"redis, paused {OUTAGE_SECONDS:g} s mid-run", server, args.clients, args.seconds, redis)
        finally:
            redis.stop()


if __name__ == "__main__":
    main()
