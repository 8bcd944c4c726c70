"""Accuracy of the parsing core on every labelled corpus found beside the project.

    python -m bench.accuracy [--corpus real] [--format pdf_text] [--misses] [--jobs 2]

Prints, per corpus: per field, per input format and per source (layout family, sample
collection or issuer) the share of scored fields right; *real-value* accuracy (the share of
fields whose truth has a value that came back right); the documents fully right on the five key
fields; and the confidence calibration table (how often a field reported at a given confidence is
right). Then the payment fields against the e-invoices' own XML (bench/payment.py) and on
invoices made here with QR codes (bench/payment_generated.py), the layout self-check
(bench/layout.py) and the vendor choice's leave-one-source-out figure (bench/fit_vendor.py: the
only fitted part; every other field is read by hand-written rules, so its per-source lines are the
nearest to an unseen-layout figure). Fields are compared with the corpus's own reference comparer
(tools/compare.py).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor

from bench import fit_vendor, layout, payment, payment_generated
from bench.corpus import Entry, Scored, available, entries, score

FIELD_ORDER = (
    "vendor", "vendor_tax_id", "buyer", "buyer_tax_id", "invoice_number", "invoice_date", "due_date", "currency",
    "subtotal", "tax_amount", "discount_amount", "shipping_amount", "total_amount", "line_items",
)  # fmt: skip
BUCKETS = ((0.9, 1.01), (0.7, 0.9), (0.5, 0.7), (0.0, 0.5))


def _pct(right: int, total: int) -> str:
    return f"{100 * right / total:5.1f}%" if total else "    - "


def summary_line(results: list[Scored]) -> str:
    """Scored fields, real-value accuracy and key-5 documents of a group of documents, one line."""
    oks = [ok for r in results for ok in r.fields.values()]
    real = [ok for r in results for ok in r.real_values]
    key = sum(r.key_right for r in results)
    return (
        f"{len(results):4d} docs  fields {_pct(sum(oks), len(oks))}  real-value {_pct(sum(real), len(real))}"
        f"  key-5 {key:3d}/{len(results):<3d} {_pct(key, len(results))}"
    )


def _grouped(results: Iterable[Scored], key: Callable[[Scored], str]) -> dict[str, list[Scored]]:
    groups: dict[str, list[Scored]] = defaultdict(list)
    for result in results:
        groups[key(result)].append(result)
    return dict(sorted(groups.items()))


def calibration(results: list[Scored]) -> list[tuple[str, int, int]]:
    """(bucket, fields reported in it, of which right) for each confidence bucket."""
    rows = []
    for low, high in BUCKETS:
        hits = [
            r.fields[name]
            for r in results
            for name, value in r.predicted.get("confidence", {}).items()
            if low <= value < high and name in r.fields
        ]
        rows.append((f"[{low:.1f}, {min(high, 1.0):.1f}{']' if high > 1 else ')'}", len(hits), sum(hits)))
    return rows


def report(name: str, results: list[Scored], *, show_misses: bool) -> None:
    print(f"=== {name}: {summary_line(results)}\n\nPer field (scored documents):")
    for field in FIELD_ORDER:
        oks = [r.fields[field] for r in results if field in r.fields]
        if oks:
            print(f"  {field:16s} {sum(oks):3d}/{len(oks):<3d} {_pct(sum(oks), len(oks))}")
    for title, key in (("input format", lambda r: r.entry.input_format), ("source", lambda r: r.entry.source)):
        print(f"\nPer {title}:")
        for group, members in _grouped(results, key).items():
            print(f"  {group:42.42s} {summary_line(members)}")
    print("\nCalibration (fields with a reported confidence):\n  confidence   reported  right  accuracy")
    for bucket, reported, right in calibration(results):
        print(f"  {bucket}   {reported:8d} {right:6d}  {_pct(right, reported)}")
    errors = [r for r in results if r.error]
    if errors:
        print("\nRefused: " + ", ".join(f"{r.entry.name} ({r.error})" for r in errors))
    if show_misses:
        print("\nMisses:")
        for r in results:
            for field, ok in r.fields.items():
                if not ok and field != "line_items":
                    got = r.predicted.get(field)
                    print(f"  {r.entry.name:40.40s} {field:16s} got {got!s:.40} want {r.truth.get(field)!s:.40}")
    print()


def score_all(chosen: list[Entry], jobs: int) -> list[Scored]:
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(score, chosen, chunksize=4))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", help="only this corpus (corpus, einvoice, real); repeatable")
    parser.add_argument("--format", help="only documents of this input_format (e.g. pdf_text)")
    parser.add_argument("--misses", action="store_true", help="list every wrong field")
    parser.add_argument("--jobs", type=int, default=2, help="documents parsed at once")
    args = parser.parse_args()
    for name in args.corpus or available():
        results = score_all(entries(args.format, corpus=name), args.jobs)
        if results:
            report(name, results, show_misses=args.misses)
    if "einvoice" in available():
        payment.run(show_misses=args.misses, jobs=args.jobs)
    payment_generated.report()
    print()
    layout.main()
    print()
    fit_vendor.report()


if __name__ == "__main__":
    main()
