"""The local OCR engines on the corpora's scanned PDFs, side by side.

    python -m bench.ocr [ENGINE ...]

For each engine (by default every local one installed, then "auto"), in one run: each scanned
document's fields right (of those whose truth has a value, as bench.accuracy counts real values)
and seconds per page, then the engine's totals. Times are wall-clock on this machine, one thread
per engine, as in the parse pool.
"""

from __future__ import annotations

import json
import sys
import time

from app.core.settings import Settings
from app.ocr.scanned import OcrEngine, installed_engines, parse_with_ocr
from app.parsing import DocumentError
from bench.corpus import Entry, Scored, available, entries, judge

LANGUAGES = Settings.model_fields["ocr_languages"].default


def scanned() -> list[Entry]:
    """The scanned PDFs of every corpus found here."""
    return [entry for corpus in available() for entry in entries("pdf_scanned", corpus=corpus)]


def read(entry: Entry, engine: OcrEngine) -> tuple[Scored, int, float]:
    """The document scored as read by ``engine``, its page count and the seconds it took."""
    truth = json.loads(entry.truth_path.read_text(encoding="utf-8"))
    started = time.perf_counter()
    try:
        invoice = parse_with_ocr(entry.path.read_bytes(), ocr=None, max_pages=50, engine=engine)
        predicted, error, pages = invoice.model_dump(mode="json"), None, invoice.pages
    except DocumentError as exc:
        predicted, error, pages = {}, exc.code, 1
    return judge(entry, truth, predicted, error), pages, time.perf_counter() - started


def main(names: list[str]) -> None:
    documents = scanned()
    print(f"{'engine':26} {'document':30} {'fields right':>12} {'s/page':>7}  wrong")
    for name in names:
        engine = OcrEngine(name, LANGUAGES)
        label = f"{name} ({engine.description})" if name == "auto" else name
        right = total = pages = 0
        seconds = 0.0
        for entry in documents:
            scored, page_count, took = read(entry, engine)
            values = scored.real_values
            right, total, pages, seconds = right + sum(values), total + len(values), pages + page_count, seconds + took
            wrong = ", ".join(field for field, ok in scored.fields.items() if not ok) or "-"
            print(f"{label:26} {entry.name:30} {sum(values):>6}/{len(values):<5} {took / page_count:7.1f}  {wrong}")
        summary = f"all {len(documents)} documents"
        print(f"{label:26} {summary:30} {right:>6}/{total:<5} {seconds / pages:7.1f}\n")


if __name__ == "__main__":
    main(sys.argv[1:] or [*installed_engines(), "auto"])
