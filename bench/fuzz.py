"""Mutated corpus PDFs through the service: parse, then print what parsed.

    python -m bench.fuzz [N] [--seed S]

Takes the corpus's text PDFs, mutates each copy (bytes flipped, runs deleted or repeated, the file
cut short, numbers in the page boxes zeroed or blown up, object references pointed nowhere),
sends every one to `POST /api/v2/invoices/parse` of an in-process app, prints the ones that parsed
with `POST /api/v2/print` (1, 2 and 4 per sheet, in turn), and counts the answers by status and
error code, with latencies and the process's peak RSS. Any 5xx is a defect: its inputs are written
nowhere, only counted, and the seed reproduces them. The test suite runs the same mutations
(tests/invoices/test_fuzz.py) with a smaller N.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import statistics
import time
from collections import Counter
from collections.abc import Iterator

from bench.corpus import entries

#: Numbers that break page geometry and object tables.
_HOSTILE_NUMBERS = (b"0", b"-1", b"99999999999999999999", b"1e308", b"NaN", b"0.0000001")


def seeds() -> list[bytes]:
    """The corpus's text PDFs, the material every mutation starts from."""
    return [entry.path.read_bytes() for entry in entries("pdf_text")]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to three random mutations of a PDF."""
    for _ in range(rng.randint(1, 3)):
        data = rng.choice(_MUTATIONS)(data, rng)
    return data


def _flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _delete_run(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data))
    return data[:start] + data[start + rng.randint(1, 2000) :]


def _repeat_run(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data))
    run = data[start : start + rng.randint(1, 500)]
    return data[:start] + run * rng.randint(2, 20) + data[start:]


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randint(len(data) // 4, len(data))]


def _page_box(data: bytes, rng: random.Random) -> bytes:
    boxes = list(re.finditer(rb"/(?:MediaBox|CropBox)\s*\[([^\]]*)\]", data))
    if not boxes:
        return _flip_bytes(data, rng)
    box = rng.choice(boxes)
    numbers = box.group(1).split()
    numbers[rng.randrange(len(numbers))] = rng.choice(_HOSTILE_NUMBERS) if numbers else b"0"
    return data[: box.start(1)] + b" ".join(numbers) + data[box.end(1) :]


def _dangling_reference(data: bytes, rng: random.Random) -> bytes:
    references = list(re.finditer(rb"\b(\d+) 0 R\b", data))
    if not references:
        return _flip_bytes(data, rng)
    reference = rng.choice(references)
    return data[: reference.start(1)] + str(rng.randint(5000, 9999)).encode() + data[reference.end(1) :]


def _hostile_number(data: bytes, rng: random.Random) -> bytes:
    numbers = list(re.finditer(rb"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", data[:200_000]))
    if not numbers:
        return _flip_bytes(data, rng)
    number = rng.choice(numbers)
    return data[: number.start()] + rng.choice(_HOSTILE_NUMBERS) + data[number.end() :]


_MUTATIONS = (_flip_bytes, _delete_run, _repeat_run, _truncate, _page_box, _dangling_reference, _hostile_number)


def mutated(count: int, seed: int) -> Iterator[tuple[int, bytes]]:
    """``count`` mutated PDFs (index, bytes), the same for the same seed."""
    rng = random.Random(seed)
    originals = seeds()
    for index in range(count):
        yield index, mutate(originals[index % len(originals)], rng)


def main() -> None:
    from fastapi.testclient import TestClient

    from app.factory import create_app
    from tests.conftest import settings_for_tests

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    outcomes: Counter[str] = Counter()
    latencies: dict[str, list[float]] = {"parse": [], "print": []}
    with TestClient(create_app(settings_for_tests()), raise_server_exceptions=False) as client:
        for index, pdf in mutated(args.count, args.seed):
            started = time.perf_counter()
            answer = client.post("/api/v2/invoices/parse", files={"file": ("f.pdf", pdf, "application/pdf")})
            latencies["parse"].append(time.perf_counter() - started)
            outcomes[f"parse {answer.status_code} {_code(answer)}"] += 1
            if answer.status_code != 201:
                continue
            invoice_id = answer.json()["id"]
            started = time.perf_counter()
            printed = client.post("/api/v2/print", json={"ids": [invoice_id], "per_page": (1, 2, 4)[index % 3]})
            latencies["print"].append(time.perf_counter() - started)
            outcomes[f"print {printed.status_code} {_code(printed)}"] += 1
            client.delete(f"/api/v2/invoices/{invoice_id}")
        health = client.get("/health").status_code

    print(f"{args.count} mutated corpus PDFs (seed {args.seed}):")
    for outcome, count in sorted(outcomes.items()):
        print(f"  {outcome:<55} {count:>6}")
    for name, values in latencies.items():
        if values:
            ordered = sorted(values)
            p99 = ordered[int(0.99 * (len(ordered) - 1))]
            print(f"  {name} latency: median {statistics.median(values) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")
    server_errors = sum(count for outcome, count in outcomes.items() if outcome.split()[1].startswith("5"))
    print(f"  5xx answers: {server_errors}; /health afterwards: {health}")
    print(f"  peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def _code(answer: object) -> str:
    try:
        return str(answer.json()["error"]["code"])  # type: ignore[attr-defined]
    except (ValueError, KeyError, TypeError):
        return ""


if __name__ == "__main__":
    main()
