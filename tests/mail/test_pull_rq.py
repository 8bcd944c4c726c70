"""Mailbox pulls on RQ's `mail` queue, run by a real `python -m workers`: the credentials travel
sealed and go with the job or the session, and a worker killed in the middle of a pull loses
nothing and imports nothing twice."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from redis import Redis

from tests.conftest import WorkerFactory, finished
from tests.mail import messages
from tests.mail.conftest import PASSWORD, USER, mail_settings
from tests.mail.dovecot import Dovecot
from tests.mail.test_pull import invoices, keywords


def _environment(server: Dovecot) -> dict[str, str]:
    return {name.upper(): str(value) for name, value in mail_settings(server).items()}


def _start_pull(client: TestClient, server: Dovecot, **options: Any) -> dict[str, Any]:
    body = {"host": "127.0.0.1", "port": server.imaps, "username": USER, "password": PASSWORD, **options}
    accepted = client.post("/api/v2/mail/pull", json=body)
    assert accepted.status_code == 202, accepted.json()
    started: dict[str, Any] = accepted.json()
    return started


def _everything_in(redis_url: str) -> bytes:
    """Every key and value of the test database, as bytes (strings, hashes, sets, lists, streams)."""
    connection = Redis.from_url(redis_url)
    seen = []
    for key in connection.scan_iter():
        kind = connection.type(key)
        seen.append(key)
        if kind == b"string":
            seen.append(connection.get(key) or b"")
        elif kind == b"hash":
            seen += [part for pair in connection.hgetall(key).items() for part in pair]
        elif kind in (b"set", b"zset", b"list"):
            values = (
                connection.smembers(key)
                if kind == b"set"
                else connection.zrange(key, 0, -1)
                if kind == b"zset"
                else connection.lrange(key, 0, -1)
            )
            seen += list(values)
    return b"\n".join(seen)


def test_a_worker_pulls_into_the_session_and_the_password_is_kept_only_sealed(
    make_app: Callable[..., TestClient], mailserver: Dovecot, redis_url: str, start_worker: WorkerFactory
) -> None:
    mailserver.deliver(USER, messages.one_invoice(1), messages.zipped(2, 3))
    client = make_app(redis_url=redis_url, **mail_settings(mailserver))
    waiting = _start_pull(client, mailserver)
    stored = _everything_in(redis_url)
    assert PASSWORD.encode() not in stored and USER.encode() not in stored  # sealed while it waits
    assert b"invoice-service:job-private:" + waiting["job_id"].encode() in stored

    start_worker("mail", **_environment(mailserver))
    job = finished(client, waiting["status_url"])
    assert (job["status"], job["result"]["invoices_parsed"]) == ("finished", 3), job
    assert {invoice["email"]["subject"] for invoice in invoices(client)} == {"Invoice MAIL-0001", "Invoices March"}
    assert PASSWORD.encode() not in _everything_in(redis_url)
    assert b"job-private:" + waiting["job_id"].encode() not in _everything_in(redis_url)  # gone with the job


def test_logging_out_deletes_a_waiting_pull_and_its_credentials(
    make_app: Callable[..., TestClient], mailserver: Dovecot, redis_url: str
) -> None:
    client = make_app(redis_url=redis_url, **mail_settings(mailserver))
    waiting = _start_pull(client, mailserver)
    assert b"job-private:" in _everything_in(redis_url)
    assert client.post("/api/v2/sessions/logout").status_code == 204
    assert b"job-private:" not in _everything_in(redis_url)
    assert waiting["job_id"].encode() not in _everything_in(redis_url)


def test_a_worker_killed_in_the_middle_of_a_pull_loses_nothing_and_repeats_nothing(
    make_app: Callable[..., TestClient], mailserver: Dovecot, redis_url: str, start_worker: WorkerFactory
) -> None:
    count = 40
    mailserver.deliver(USER, *(messages.one_invoice(number) for number in range(count)))
    client = make_app(redis_url=redis_url, **mail_settings(mailserver))
    first = _start_pull(client, mailserver)
    worker = start_worker("mail", **_environment(mailserver))
    deadline = time.monotonic() + 120
    while True:
        progress = client.get(first["status_url"]).json().get("progress") or {}
        if progress.get("invoices_parsed", 0) >= 5:
            break
        assert time.monotonic() < deadline, progress
        time.sleep(0.02)
    os.killpg(worker.pid, signal.SIGKILL)  # the worker and its parse processes, mid-pull
    worker.wait(10)
    kept_before = len(invoices(client))
    assert 5 <= kept_before < count, kept_before

    start_worker("mail", **_environment(mailserver))
    second = finished(client, _start_pull(client, mailserver)["status_url"], timeout=180)
    report = second["result"]
    assert report["invoices_parsed"] == count - kept_before  # what the killed pull had kept is not parsed again
    numbers = [invoice["invoice_number"] for invoice in invoices(client)]
    assert sorted(numbers) == sorted(f"MAIL-{number:04d}" for number in range(count))  # each once
    assert all(b"$InvoiceImported" in flags for flags in keywords(mailserver).values())
