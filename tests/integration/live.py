"""Start the service as a real process (uvicorn or `python main.py`) for end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2
import redis

from tests.conftest import ROOT, free_port


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_lines(self) -> list[str]:
        return self.log_path.read_text().splitlines()

    def worker_pids(self) -> list[int]:
        """The server's child processes: its parse workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def web_rss_mib(self) -> float:
        """Resident memory of the web process alone."""
        return _status_mib(self.process.pid, "VmRSS")

    def rss_mib(self) -> float:
        """Resident memory of the server with its parse workers."""
        return sum(_status_mib(pid, "VmRSS") for pid in [self.process.pid, *self.worker_pids()])


def _status_mib(pid: int, field: str) -> float:
    """One memory figure (VmRSS, VmHWM) of a process from /proc, 0 once it has ended."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0.0


@dataclass
class PeakMemory:
    """Peak resident memory of a server (the web process) and of its busiest parse worker."""

    server_mib: float = 0.0
    worker_mib: float = 0.0


@contextmanager
def peak_memory(server: LiveServer, *, interval: float = 0.01) -> Iterator[PeakMemory]:
    """Measure peak RSS while the block runs: the web process by its kernel high-water mark (reset
    at the start), the parse workers by sampling, since a worker killed for its memory takes its
    own high-water mark with it."""
    for pid in [server.process.pid, *server.worker_pids()]:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # 5: reset the process's peak RSS
    peak, done = PeakMemory(), threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in server.worker_pids():
                peak.worker_mib = max(peak.worker_mib, _status_mib(pid, "VmHWM"))
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()
        peak.server_mib = _status_mib(server.process.pid, "VmHWM")


@contextmanager
def live_server(tmp_path: Path, *, command: str = "uvicorn", **env: str) -> Iterator[LiveServer]:
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PARSE_", "MAX_", "SESSION_"))}
    environment.update({"APP_ENV": "test", "PORT": str(port), "PARSE_WORKERS": "2"}, **env)
    if command == "uvicorn":
        argv = [sys.executable, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port)]
    else:
        argv = [sys.executable, "main.py"]
    log_path = tmp_path / f"server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(argv, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{log_path.read_text()}")
            try:
                if httpx2.get(f"{url}/health/ready", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not become ready:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield LiveServer(url=url, process=process, log_path=log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class OwnRedis:
    """A redis-server process without persistence that can be stopped and started on one port."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._directory = directory
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            cwd=self._directory,
            stdout=subprocess.DEVNULL,
        )
        connection = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                connection.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None

    def pause(self) -> None:
        """Stop the server answering (SIGSTOP) without losing what it holds."""
        if self._process is not None:
            self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGCONT)

    def item_keys(self) -> list[bytes]:
        return list(redis.Redis(port=self.port).keys("sess:*:rec"))
