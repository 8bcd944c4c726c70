"""Accuracy of the parsing core on the labelled corpus.

    python -m bench.accuracy [--format pdf_text] [--misses]

Prints per-field accuracy, per-locale accuracy, documents fully right on the five key fields, and
the confidence calibration table (how often a field reported at a given confidence is right).
Fields are compared with the corpus's own reference comparer (tools/compare.py).
"""

from __future__ import annotations

import argparse
from collections import defaultdict

from bench.corpus import Scored, entries, score

KEY_FIELDS = ("vendor", "invoice_number", "invoice_date", "currency", "total_amount")
BUCKETS = ((0.9, 1.01), (0.7, 0.9), (0.5, 0.7), (0.0, 0.5))


def _pct(right: int, total: int) -> str:
    return f"{100 * right / total:5.1f}%" if total else "    - "


def report(results: list[Scored], *, show_misses: bool) -> None:
    fields = list(results[0].fields)
    print(f"{len(results)} documents\n\nPer field:")
    for name in fields:
        right = sum(r.fields[name] for r in results)
        print(f"  {name:16s} {right:3d}/{len(results)}  {_pct(right, len(results))}")

    for title, key in (("locale", "locale"), ("input format", "input_format")):
        print(f"\nPer {title} (all fields):")
        groups: dict[str, list[bool]] = defaultdict(list)
        for r in results:
            groups[r.entry[key]].extend(r.fields.values())
        for name, oks in sorted(groups.items()):
            print(f"  {name:12s} {sum(oks):4d}/{len(oks):<4d} {_pct(sum(oks), len(oks))}")

    key_right = sum(all(r.fields[name] for name in KEY_FIELDS) for r in results)
    print(f"\nFully right on {', '.join(KEY_FIELDS)}: {key_right}/{len(results)} {_pct(key_right, len(results))}")

    print("\nCalibration (fields with a reported confidence):")
    print("  confidence   reported  right  accuracy")
    for low, high in BUCKETS:
        hits = [
            r.fields[name]
            for r in results
            for name, value in r.predicted.get("confidence", {}).items()
            if low <= value < high and name in r.fields
        ]
        bucket = f"[{low:.1f}, {min(high, 1.0):.1f}{']' if high > 1 else ')'}"
        print(f"  {bucket}   {len(hits):8d} {sum(hits):6d}  {_pct(sum(hits), len(hits))}")

    errors = [r for r in results if r.error]
    if errors:
        print("\nRefused: " + ", ".join(f"{r.entry['file']} ({r.error})" for r in errors))
    if show_misses:
        print("\nMisses:")
        for r in results:
            for name, ok in r.fields.items():
                if not ok and name != "line_items":
                    got = r.predicted.get(name)
                    print(f"  {r.entry['file']:34s} {name:16s} got {got!s:.40} want {r.truth.get(name)!s:.40}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", help="only documents of this input_format (e.g. pdf_text)")
    parser.add_argument("--misses", action="store_true", help="list every wrong field")
    args = parser.parse_args()
    results = [score(entry) for entry in entries(args.format)]
    report(results, show_misses=args.misses)


if __name__ == "__main__":
    main()
