"""How many found values the review page can point at: for every PDF of the labelled corpora
(text, Factur-X and, with OCR_ENGINE set, scans), the share of found fields and line items that
come with a box on the page (app/parsing/provenance.py), per corpus and per field, and of the
fields right by the truth, the share located.

    python -m bench.provenance
"""

from __future__ import annotations

from collections import Counter

from app.parsing.provenance import LOCATED_FIELDS
from bench.corpus import available, entries, score

_PAGES = ("pdf_text", "facturx", "pdf_scanned")


def main() -> None:
    by_field: Counter[tuple[str, str]] = Counter()
    for corpus in available():
        found = located = right = right_located = items = items_located = 0
        for entry in entries(corpus=corpus):
            if entry.input_format not in _PAGES:
                continue
            scored = score(entry)
            if scored.error is not None:
                continue
            invoice, verdicts = scored.predicted, scored.fields
            sources = invoice.get("sources", {})
            for name in LOCATED_FIELDS:
                if invoice.get(name) in (None, ""):
                    continue
                found += 1
                located += name in sources
                by_field[name, "found"] += 1
                by_field[name, "located"] += name in sources
                if verdicts.get(name):
                    right += 1
                    right_located += name in sources
            items += len(invoice["line_items"])
            items_located += sum(item.get("source") is not None for item in invoice["line_items"])
        print(
            f"{corpus:<10} fields located {located}/{found} ({_share(located, found)}), of those right "
            f"{right_located}/{right} ({_share(right_located, right)}); line items {items_located}/{items} "
            f"({_share(items_located, items)})"
        )
    print("by field, all corpora:")
    for name in LOCATED_FIELDS:
        print(
            f"  {name:<16} {by_field[name, 'located']:>4}/{by_field[name, 'found']:<4} "
            f"{_share(by_field[name, 'located'], by_field[name, 'found'])}"
        )


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


if __name__ == "__main__":
    main()
