"""Seeded fuzzing: mutated corpus PDFs through parse and print get no 5xx and leave the pool whole."""

from __future__ import annotations

import json
import logging
import random
from collections import Counter
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.conftest import CORPUS, corpus_bytes, need, upload

#: As many as the suite's time allows; `python -m bench.fuzz` runs 10,000 with the same mutations.
COUNT = 300


def test_mutated_pdfs_get_answers_not_server_errors(client: TestClient) -> None:
    need((CORPUS / "manifest.json").is_file(), f"corpus at {CORPUS}")
    from bench.fuzz import mutated

    statuses: Counter[int] = Counter()
    for index, pdf in mutated(COUNT, seed=7):
        parsed = upload(client, pdf)
        statuses[parsed.status_code] += 1
        assert parsed.status_code < 500, (index, parsed.text)
        if parsed.status_code == 201:
            printed = client.post(
                "/api/v2/print", json={"ids": [parsed.json()["id"]], "per_page": (1, 2, 4)[index % 3]}
            )
            assert printed.status_code == 200, (index, printed.text)
            assert printed.content.startswith(b"%PDF-")
            client.delete(f"/api/v2/invoices/{parsed.json()['id']}")
    assert statuses[201] > COUNT // 3 and statuses[422] > 0  # the mutations both spare and break files
    assert upload(client, corpus_bytes("uk-invoice-01.pdf")).status_code == 201  # the parse pool still works


MARKER = b"ZQXMARKER"


def test_document_text_never_reaches_the_logs(
    make_app: Callable[..., TestClient], capfd: pytest.CaptureFixture[str]
) -> None:
    """pypdf quotes the bytes around a damaged object in its messages; with a marker beside every
    object, mutated PDFs through parse and print leave no marker in any log line, and every line the
    app and its workers write is JSON."""
    need((CORPUS / "manifest.json").is_file(), f"corpus at {CORPUS}")
    from bench.fuzz import mutate, seeds

    client = make_app()  # its parse workers start now, writing where capfd reads
    rng = random.Random(3)
    for original in seeds()[:20]:
        marked = original.replace(b"endobj", b"endobj\n(" + MARKER + b") " + MARKER)
        for _ in range(5):
            parsed = upload(client, mutate(marked, rng))
            if parsed.status_code == 201:
                client.post("/api/v2/print", json={"ids": [parsed.json()["id"]], "per_page": 1})
    out, err = capfd.readouterr()
    assert MARKER.decode() not in out + err
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert lines and all(line.startswith("{") and json.loads(line) for line in lines)


def test_a_logged_traceback_names_its_errors_not_their_messages(
    make_app: Callable[..., TestClient], capfd: pytest.CaptureFixture[str]
) -> None:
    """An exception raised while reading a document may quote it (an XML's declared encoding was
    logged whole); the service's own tracebacks keep frames and types only."""
    make_app()  # the service's logging, as it runs
    try:
        try:
            "text".encode(MARKER.decode())
        except LookupError as exc:
            raise ValueError(f"cannot read {MARKER.decode()}") from exc
    except ValueError:
        logging.getLogger("app.core.errors").exception("unhandled error")
    out, _ = capfd.readouterr()
    logged = json.loads(out.strip().splitlines()[-1])
    assert MARKER.decode() not in out
    assert "LookupError" in logged["exc_info"] and "ValueError" in logged["exc_info"]
    assert "test_fuzz.py" in logged["exc_info"]  # where it happened stays
