"""Field finders: read one field off the document's text lines, with a confidence.

Each finder collects labelled candidates, ranks them by how specific the label is, and answers
None rather than guess when nothing labelled is found or candidates disagree without a winner.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from app.parsing import labels
from app.parsing.amounts import find_amounts
from app.parsing.dates import find_dates

T = TypeVar("T")

_ID_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.\-]*[A-Za-z0-9]|\d")
_LABEL_GLUE = re.compile(r"^[\s:：#.,|]*")


@dataclass(frozen=True)
class Found(Generic[T]):
    value: T
    confidence: float


def _choose(candidates: list[tuple[int, T]], confidence_by_rank: dict[int, float]) -> Found[T] | None:
    """The most frequent value of the best rank; confidence drops when that rank disagrees."""
    if not candidates:
        return None
    best_rank = max(rank for rank, _ in candidates)
    values = Counter(value for rank, value in candidates if rank == best_rank)
    (value, count), *others = values.most_common()
    confidence = confidence_by_rank[best_rank]
    if others:
        if others[0][1] == count:
            return None
        confidence *= 0.7
    return Found(value, round(confidence, 2))


def _following_value_text(lines: list[str], index: int, end: int) -> str:
    """The text after a label: the rest of its line, or the next line when the label ends its line."""
    rest = _LABEL_GLUE.sub("", lines[index][end:])
    if rest:
        return rest
    return lines[index + 1] if index + 1 < len(lines) else ""


def find_invoice_number(lines: list[str]) -> Found[str] | None:
    candidates: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        for match in labels.INVOICE_NUMBER.finditer(line):
            text = _following_value_text(lines, index, match.end())
            token = _ID_TOKEN.match(text)
            if token is None or not any(ch.isdigit() for ch in token.group()):
                continue
            value = token.group()
            if find_dates(value, day_first=True):
                continue
            candidates.append((1, value))
    return _choose(candidates, {1: 0.9})


def _date_rank(prefix: str, previous_line: str) -> int:
    """3 = invoice-date label, 2 = generic date label, 1 = unlabelled, 0 = another kind of date."""
    for text in (prefix, previous_line):
        if labels.INVOICE_DATE.search(text):
            return 3
        if labels.OTHER_DATE.search(text):
            return 0
        if labels.GENERIC_DATE.search(text):
            return 2
        if text is prefix and prefix.strip(" :.-"):
            return 1
    return 1


def find_invoice_date(lines: list[str], *, day_first: bool | None) -> Found[date] | None:
    candidates: list[tuple[int, date]] = []
    for index, line in enumerate(lines):
        start = 0
        for offset, value in find_dates(line, day_first=day_first):
            prefix = line[start:offset]
            previous = lines[index - 1] if index and not find_dates(lines[index - 1]) else ""
            rank = _date_rank(prefix, previous if not prefix.strip() else "")
            if rank:
                candidates.append((rank, value))
            start = offset + 1
    if candidates and max(rank for rank, _ in candidates) == 1 and len({v for _, v in candidates}) > 1:
        return None
    return _choose(candidates, {3: 0.95, 2: 0.85, 1: 0.6})


def _total_rank(line: str) -> int:
    if labels.NET_MARKER.search(line):
        return 0
    if labels.TOTAL_STRONG.search(line):
        return 3
    if labels.TAX_OR_PAYMENT_MARKER.search(line):
        return 0
    if labels.TOTAL_PLAIN.search(line):
        return 2
    if labels.TOTAL_WEAK.search(line):
        return 1
    return 0


def find_total(lines: list[str]) -> Found[Decimal] | None:
    candidates: list[tuple[int, Decimal]] = []
    for index, line in enumerate(lines):
        rank = _total_rank(line)
        if not rank:
            continue
        amounts = find_amounts(line)
        if not amounts and index + 1 < len(lines):
            amounts = find_amounts(lines[index + 1])[:1]
        if amounts:
            candidates.append((rank, amounts[-1]))
    return _choose(candidates, {3: 0.95, 2: 0.85, 1: 0.7})
