"""Fit the vendor candidates' weights (app/parsing/vendor.py) on the labelled corpora.

    python -m bench.fit_vendor [--write]

Collects every vendor candidate of every text PDF with a labelled vendor, fits a softmax ranking
(the right candidate should outscore the others) and prints, per corpus, the share of documents
whose vendor is right: with the prior weights (what the hand-written rules believed), with the
fitted weights, and with weights fitted while the document's own source (layout family, sample
collection or issuer) was left out — the honest estimate for layouts nobody has seen. --write stores the weights
fitted on everything in app/parsing/vendor_weights.py.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.parsing import fapiao
from app.parsing.layout import Line
from app.parsing.parties import find_buyer, name_key
from app.parsing.pdf import read_text
from app.parsing.sections import find_sections
from app.parsing.vendor import FEATURES, Candidate, candidates, choose
from bench.corpus import Entry, available, entries

WEIGHTS_FILE = Path(__file__).resolve().parent.parent / "app" / "parsing" / "vendor_weights.py"
#: Strength of the pull (L2) towards the prior: what the hand-written rules believe each feature
#: is worth. A feature that only one source shows (a seller section) keeps its prior when that
#: source is left out, instead of falling to zero.
L2 = 0.05
PRIOR = {
    "section": 3.0,
    "seller_label": 3.0,
    "heading": 1.0,
    "heading_extended": 1.0,
    "heading_has_form": 1.0,
    "legal_form": 0.5,
    "mentions": 0.5,
    "footer": 0.5,
    "first_lines": 0.5,
    "sender_line": 1.5,
    "relative_size": 0.3,
    "has_digit": -1.0,
    "domain": 1.0,
}


@dataclass
class Document:
    entry: Entry
    truth: str
    options: list[Candidate]

    def right(self, chosen: str | None) -> bool:
        return chosen is not None and name_key(chosen) == name_key(self.truth)


def _parties_inputs(lines: list[Line]) -> tuple[str | None, str | None]:
    """The seller section's name and the buyer, as the parser finds them before the vendor."""
    sections = {section.role: section for section in reversed(find_sections(lines))}
    seller, buyer_section = sections.get("seller"), sections.get("buyer")
    buyer = buyer_section.name if buyer_section and buyer_section.name else None
    if buyer is None and (found := find_buyer(lines)) is not None:
        buyer = found.value
    return (seller.name if seller else None), buyer


def collect() -> list[Document]:
    documents = []
    for corpus in available():
        for entry in entries("pdf_text", corpus=corpus):
            truth = json.loads(entry.truth_path.read_text(encoding="utf-8"))
            if not truth.get("vendor") or "vendor" not in truth.get("_scored_fields", ["vendor"]):
                continue
            lines = read_text(entry.path.read_bytes(), max_pages=50).lines
            if fapiao.is_fapiao("\n".join(line.text for line in lines)):
                continue  # Chinese VAT invoices name their parties by their own labels
            section_name, buyer = _parties_inputs(lines)
            options = candidates(lines, buyer=buyer, section_name=section_name)
            documents.append(Document(entry, truth["vendor"], options))
    return documents


def fit(documents: list[Document], steps: int = 1500, rate: float = 0.2) -> dict[str, float]:
    """Softmax ranking by gradient descent: maximise the probability the right candidates take."""
    usable = [d for d in documents if any(d.right(option.name) for option in d.options)]
    matrices = [np.array([option.vector() for option in d.options]) for d in usable]
    targets = [np.array([float(d.right(option.name)) for option in d.options]) for d in usable]
    prior = np.array([PRIOR.get(name, 0.0) for name in FEATURES])
    weights = prior.copy()
    for _ in range(steps):
        gradient = L2 * (weights - prior)
        for matrix, target in zip(matrices, targets, strict=True):
            scores = matrix @ weights
            probabilities = np.exp(scores - scores.max())
            probabilities /= probabilities.sum()
            right = target * probabilities
            gradient -= (right / right.sum()) @ matrix - probabilities @ matrix
        weights -= rate * gradient / max(len(usable), 1)
    return {name: round(float(value), 4) for name, value in zip(FEATURES, weights, strict=True)}


def _right(documents: list[Document], weights: dict[str, float]) -> list[bool]:
    return [d.right(found.value if (found := choose(d.options, weights)) else None) for d in documents]


def report() -> dict[str, float]:
    """Print the vendor figures per corpus (prior, fitted, leave-one-source-out); return the
    weights fitted on every document."""
    documents = collect()
    weights = fit(documents)
    fitted = dict(zip((id(d) for d in documents), _right(documents, weights), strict=True))
    prior = dict(zip((id(d) for d in documents), _right(documents, PRIOR), strict=True))
    left_out: dict[int, bool] = {}
    for source in sorted({d.entry.source for d in documents}):
        held = [d for d in documents if d.entry.source == source]
        others = fit([d for d in documents if d.entry.source != source])
        left_out.update(zip((id(d) for d in held), _right(held, others), strict=True))
    by_corpus: dict[str, list[Document]] = defaultdict(list)
    for document in documents:
        by_corpus[document.entry.corpus].append(document)
    print("Vendor right, chosen among candidates (text PDFs with a labelled vendor):")
    print(f"  {'corpus':10s} {'docs':>5s} {'prior':>7s} {'fitted':>7s} {'leave-one-source-out':>21s}")
    for corpus, group in [*sorted(by_corpus.items()), ("all", documents)]:
        n = len(group)
        print(
            f"  {corpus:10s} {n:5d} {sum(prior[id(d)] for d in group) / n:7.1%}"
            f" {sum(fitted[id(d)] for d in group) / n:7.1%}"
            f" {sum(left_out[id(d)] for d in group) / n:21.1%}"
        )
    return weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the weights fitted on every document")
    args = parser.parse_args()
    weights = report()
    print("\nWeights fitted on every document:")
    for name, value in weights.items():
        print(f"  {name:18s} {value:+.3f}")
    if args.write:
        body = ",\n".join(f'    "{name}": {value}' for name, value in weights.items())
        WEIGHTS_FILE.write_text(
            '"""Weights of the vendor candidates\' features, written by `python -m bench.fit_vendor --write`."""\n\n'
            f"WEIGHTS: dict[str, float] = {{\n{body},\n}}\n",
            encoding="utf-8",
        )
        print(f"\nWritten to {WEIGHTS_FILE}")


if __name__ == "__main__":
    main()
