"""The vendor, chosen among candidates by weights fitted on the labelled corpora.

Every name the page offers for the seller is a candidate: the name in a seller section or under a
seller label ("From", "Sold by", "Verkäufer"), the heading (the largest text at the top of the
first page, with its legal form when one is printed anywhere), and every company name printed with
a legal form. Each candidate is described by a few features (where it was found, how often, in
what type size), and the candidate with the highest weighted score wins. The weights in
vendor_weights.py are fitted by bench/fit_vendor.py, which also prints how well they do on each
source when that source is left out of the fit.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field

from app.parsing import labels, parties
from app.parsing.fields import Found
from app.parsing.layout import Line
from app.parsing.parties import company_key, company_names, footer_lines, heading, name_key, with_legal_form
from app.parsing.vendor_weights import WEIGHTS

FEATURES = (
    "section",
    "seller_label",
    "heading",
    "heading_extended",
    "heading_has_form",
    "legal_form",
    "mentions",
    "footer",
    "first_lines",
    "sender_line",
    "relative_size",
    "has_digit",
    "domain",
)

#: An e-mail or web address: its host names the sender more often than anyone else.
_ADDRESS_HOST = re.compile(r"(?:@|\bwww\.|https?://)((?:[\w-]+\.)+[a-z]{2,})\b", re.I)
#: A cell that could be a name on its own: a few words, no figures, no "Label:".
_NAME_CELL = re.compile(r"^[^\d:@/]{3,40}$")
#: Second-level labels under which a country registers names ("example.co.uk", "example.com.au").
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "ne", "or"})


@dataclass
class Candidate:
    name: str
    features: dict[str, float] = field(default_factory=dict)

    def vector(self) -> list[float]:
        return [self.features.get(name, 0.0) for name in FEATURES]


def candidates(lines: list[Line], *, buyer: str | None, section_name: str | None) -> list[Candidate]:
    """Every vendor candidate of the page with its features, one per company."""
    buyer_key = name_key(buyer) if buyer else None
    found: dict[str, Candidate] = {}

    def add(name: str, **features: float) -> None:
        name = name.strip()
        key = company_key(name)
        if not key or name_key(name) == buyer_key:
            return
        candidate = found.setdefault(key, Candidate(name))
        for feature, value in features.items():
            candidate.features[feature] = max(candidate.features.get(feature, 0.0), value)

    if section_name:
        add(section_name, section=1.0)
    for text in parties.names_under_seller_label(lines):
        add(with_legal_form(text, lines), seller_label=1.0)
    if (top := heading(lines)) is not None:
        extended = with_legal_form(top, lines)
        has_form = float(bool(labels.LEGAL_FORM.search(top)))
        add(extended, heading=1.0, heading_extended=float(extended != top), heading_has_form=has_form)
    footer = footer_lines(lines)
    mentions: dict[str, int] = {}
    for index, line in enumerate(lines):
        for cell in line.cells:
            for name in company_names(cell.text):
                key = company_key(name)
                mentions[key] = mentions.get(key, 0) + 1
                head = parties.SENDER_SEPARATOR.split(cell.text)
                add(
                    name,
                    legal_form=1.0,
                    footer=float(index in footer),
                    first_lines=float(line.page == 0 and index < 8),
                    sender_line=float(len(head) > 1 and company_key(head[0]) == key),
                )
    stems = domain_stems(lines)
    for line in lines:
        for cell in line.cells:
            if line.page == 0 and _NAME_CELL.match(cell.text) and _matches_domain(cell.text, stems):
                add(cell.text.strip(parties.DECORATION))
    sizes = _sizes(lines)
    for key, candidate in found.items():
        candidate.features["domain"] = float(_matches_domain(candidate.name, stems))
        candidate.features["mentions"] = math.log1p(mentions.get(key, 0))
        candidate.features["relative_size"] = sizes.get(key, 1.0)
        candidate.features["has_digit"] = float(bool(re.search(r"\d", candidate.name)))
    return list(found.values())


def domain_stems(lines: list[Line]) -> set[str]:
    """The names in the page's e-mail and web addresses: "billing@acme-tools.co.uk" -> "acmetools"."""
    stems: set[str] = set()
    for line in lines:
        for host in _ADDRESS_HOST.findall(line.text):
            labels_ = host.casefold().split(".")[:-1]
            if len(labels_) > 1 and labels_[-1] in _SECOND_LEVEL:
                labels_ = labels_[:-1]
            if labels_ and len(stem := name_key(labels_[-1])) >= 4:
                stems.add(stem)
    return stems


def _matches_domain(name: str, stems: set[str]) -> bool:
    """The name starts with an address's name ("ACME TOOLS UK" and acme-tools.co.uk)."""
    key = name_key(name)
    return any(key.startswith(stem) for stem in stems)


def _sizes(lines: list[Line]) -> dict[str, float]:
    """For each company key printed as a whole cell, its largest type size over the page's median."""
    heights = [word.height for line in lines for word in line.words]
    median = statistics.median(heights) if heights else 1.0
    sizes: dict[str, float] = {}
    for line in lines:
        for cell in line.cells:
            key = company_key(cell.text.strip(parties.DECORATION))
            size = max(word.height for word in cell.words) / max(median, 0.1)
            sizes[key] = max(sizes.get(key, 0.0), min(size, 4.0))
    return sizes


def score(candidate: Candidate, weights: dict[str, float] = WEIGHTS) -> float:
    return sum(weights.get(name, 0.0) * value for name, value in zip(FEATURES, candidate.vector(), strict=True))


#: A vendor chosen among candidates is a judgement, not a reading of a labelled field: its
#: confidence stays below the 0.9 that the labelled fields earn.
MAX_CONFIDENCE = 0.85


def choose(options: list[Candidate], weights: dict[str, float] = WEIGHTS) -> Found[str] | None:
    """The best-scoring candidate, with the share of the softmax it takes as its confidence."""
    if not options:
        return None
    scores = [score(option, weights) for option in options]
    top = max(scores)
    total = sum(math.exp(value - top) for value in scores)
    best = options[scores.index(top)]
    return Found(best.name, round(min(MAX_CONFIDENCE, 1.0 / total), 2))


def find_vendor(lines: list[Line], *, buyer: str | None) -> Found[str] | None:
    """The vendor of a page that has no seller section (document.py reads those first)."""
    return choose(candidates(lines, buyer=buyer, section_name=None))
