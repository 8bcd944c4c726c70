"""Seeded fuzzing: mutated corpus PDFs through parse and print get no 5xx and leave the pool whole."""

from __future__ import annotations

from collections import Counter

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
