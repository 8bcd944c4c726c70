"""Field finders for the document's identity: number, issue date and due date.

Each finder collects labelled candidates, ranks them by how specific the label is and how close
the value sits, and answers None rather than guess when nothing is labelled or the best
candidates disagree.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from app.parsing import labels
from app.parsing.dates import find_dates
from app.parsing.geometry import cell_above, labelled_values
from app.parsing.layout import Line

T = TypeVar("T")

_ID_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.\-]*[A-Za-z0-9]|\d")


@dataclass(frozen=True)
class Found(Generic[T]):
    value: T
    confidence: float


def choose(candidates: list[tuple[int, T]], confidence_by_rank: dict[int, float]) -> Found[T] | None:
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


_SPACED_ID = re.compile(r"^[A-Z]{2,5} \d[A-Za-z0-9/_.\-]*$")


_NUMBER_SIGN = re.compile(r"^\s*(?:#|№|no\.|nr\.|n°)\s*", re.I)


def document_id(text: str) -> str | None:
    text = _NUMBER_SIGN.sub("", text)  # "INVOICE" over "# 1042"
    if _SPACED_ID.match(text.strip()):
        return text.strip()  # a whole value cell such as "FPR 118/24"
    token = _ID_TOKEN.match(text)
    if token is None:
        return None
    value = token.group()
    if not any(ch.isdigit() for ch in value) or find_dates(value, day_first=True):
        return None
    return value


#: A title's number followed by its date: "Nr. 210111 mit LV vom 30.05.2026".
_NUMBER_THEN_DATE = re.compile(
    r"^\s*(?P<number>\S+(?:\s\S+){0,2}?)\s+(?:vom|von|from|dated|du|del|dal)\s+(?P<date>.+)$", re.I
)


def _number_before_date(text: str) -> str | None:
    """All of a title's number when its date closes it, spaces included (an e-invoice's number
    may hold spaces, which its rendering prints between "Nr." and "vom")."""
    match = _NUMBER_THEN_DATE.match(text)
    if match is None or not find_dates(match.group("date"), day_first=True):
        return None
    number = match.group("number")
    return number if any(ch.isdigit() for ch in number) and not find_dates(number, day_first=True) else None


def find_invoice_number(lines: list[Line]) -> Found[str] | None:
    credit_note = any(labels.CREDIT_NOTE_NUMBER.search(line.text) for line in lines)
    candidates: list[tuple[int, str]] = []
    # the number a title line states outranks any other labelled number ("Rechnungsnummer" in a payment note)
    patterns = [
        (labels.TITLE_NUMBER, 1 if credit_note else 3),
        (labels.CREDIT_NOTE_NUMBER, 2),
        (labels.INVOICE_NUMBER, 1 if credit_note else 2),
    ]
    if not any(labels.INVOICE_NUMBER.search(line.text) for line in lines):
        patterns.append((labels.TRANSACTION_NUMBER, 1))
    for pattern, rank in patterns:
        seen_lines: set[int] = set()
        for found in labelled_values(lines, pattern):
            if found.line in seen_lines and found.distance > 0:
                continue
            if labels.REFERENCE_TO_OTHER.search(lines[found.line].text):
                continue
            value = _number_before_date(found.text) if pattern is labels.TITLE_NUMBER else None
            if (value := value or document_id(found.text)) is not None:
                candidates.append((rank * 3 - found.distance, value))
                seen_lines.add(found.line)
    if not candidates:
        return _order_number(lines)
    return choose(candidates, {9: 0.95, 8: 0.95, 7: 0.95, 6: 0.95, 5: 0.92, 4: 0.85, 3: 0.8, 2: 0.7, 1: 0.6})


#: An order summary's title stands in its first lines.
_TITLE_LINES = 3


def _order_number(lines: list[Line]) -> Found[str] | None:
    """The number of an order summary printed in place of an invoice: its title's, unsure."""
    top = [line for line in lines[:_TITLE_LINES] if line.page == 0]
    values = {value for found in labelled_values(top, labels.ORDER_TITLE) if (value := document_id(found.text))}
    return Found(values.pop(), 0.6) if len(values) == 1 else None


def _date_label_rank(label: str, kind: re.Pattern[str]) -> int:
    """3 = the wanted kind of date, 2 = a generic 'Date' label, 1 = unlabelled, 0 = another kind."""
    if kind.search(label):
        return 3
    if kind is labels.INVOICE_DATE and labels.OTHER_DATE.search(label):
        return 0
    if kind is labels.INVOICE_DATE and labels.TITLE_DATE.search(label):
        return 3
    if kind is labels.DUE_DATE and (labels.INVOICE_DATE.search(label) or labels.OTHER_DATE.search(label)):
        return 0
    if labels.GENERIC_DATE.search(label):
        return 2 if kind is labels.INVOICE_DATE else 0
    return 1 if not label.strip(" :.-") else 0


def _names_a_date(text: str) -> bool:
    dated = (labels.INVOICE_DATE, labels.DUE_DATE, labels.OTHER_DATE, labels.GENERIC_DATE, labels.TITLE_DATE)
    return any(p.search(text) for p in dated)


def _left_of(line: Line, position: int) -> str:
    return line.cells[position - 1].text if position > 0 else ""


def _wrapped_label(lines: list[Line], index: int, position: int) -> str:
    """The label left of a cell, with its first half when the label wraps onto this line
    ("Rechnungsdatum" over "/Lieferdatum | 01 Dezember 2025")."""
    if position == 0:
        return ""
    left = lines[index].cells[position - 1]
    if left.text.startswith(("/", "(", "&", "-")) and (above := cell_above(lines, index, left, max_lines=1)):
        return f"{above[1].text} {left.text}"
    return left.text


@dataclass(frozen=True)
class _Dated:
    """A date on the page, with the label text that goes with it and the text left of that label,
    which may say whose date it is ("Buyer's Order No. | Dated")."""

    label: str
    context: str
    value: date
    #: No label, but a heading without figures right above it ("Days Visited" over "16/01/20"):
    #: the date is that column's value.
    under_heading: bool = False


def _dated_labels(lines: list[Line], day_first: bool | None) -> list[_Dated]:
    """Every date on the page with its label: the text before it in its cell, else the cell to its
    left or the one above it, whichever names a date."""
    found: list[_Dated] = []
    for index, line in enumerate(lines):
        for position, cell in enumerate(line.cells):
            text = cell.text
            start = 0
            for offset, value in find_dates(text, day_first=day_first):
                label, context = text[start:offset], _left_of(line, position)
                start = offset + 1
                under_heading = False
                if not label.strip(" :.-"):
                    neighbours = [(_wrapped_label(lines, index, position), _left_of(line, position - 1))]
                    if (above := cell_above(lines, index, cell)) is not None:
                        above_line = lines[above[0]]
                        above_position = above_line.cells.index(above[1])
                        neighbours.append((above[1].text, _left_of(above_line, above_position)))
                        under_heading = not re.search(r"\d", above[1].text)
                    for neighbour, neighbour_context in neighbours:
                        if _names_a_date(neighbour) and not find_dates(neighbour, day_first=day_first):
                            label, context = neighbour, neighbour_context
                            break
                found.append(_Dated(label, context, value, under_heading))
    return found


def find_dated(
    lines: list[Line], kind: re.Pattern[str], *, day_first: bool | None, allow_unlabelled: bool
) -> Found[date] | None:
    # In a credit note that dates itself too, "invoice date" is the date of the invoice being credited.
    credit_note = kind is labels.INVOICE_DATE and any(labels.CREDIT_NOTE_TITLE.search(line.text) for line in lines)
    candidates: list[tuple[int, date]] = []
    credited: list[date] = []
    unlabelled: list[_Dated] = []
    for dated in _dated_labels(lines, day_first):
        label, context, value = dated.label, dated.context, dated.value
        rank = _date_label_rank(label, kind)
        if rank == 3 and credit_note and not labels.CREDIT_NOTE_TITLE.search(label):
            credited.append(value)
            continue
        if (rank == 2 and labels.REFERENCE_TO_OTHER.search(context)) or (
            rank == 3 and labels.REFERENCE_TO_OTHER.search(label) and not labels.TITLE_DATE.search(label)
        ):
            rank = 0  # the date of another document: the order, the invoice this one relates to
        if rank == 1 and not allow_unlabelled:
            continue
        if rank == 1:
            unlabelled.append(dated)
        if rank:
            candidates.append((rank, value))
    if credited and not any(rank >= 2 for rank, _ in candidates):
        candidates += [(2, value) for value in credited]  # the only labelled date is the credit note's own
    if candidates and max(rank for rank, _ in candidates) == 1 and len({v for _, v in candidates}) > 1:
        # unlabelled dates disagree: one standing alone beats those under a column heading
        alone = {dated.value for dated in unlabelled if not dated.under_heading}
        return Found(alone.pop(), 0.6) if len(alone) == 1 else None
    return choose(candidates, {3: 0.95, 2: 0.85, 1: 0.6})


def find_invoice_date(lines: list[Line], *, day_first: bool | None) -> Found[date] | None:
    found = find_dated(lines, labels.INVOICE_DATE, day_first=day_first, allow_unlabelled=True)
    if found is not None:
        return found
    dated = _dated_labels(lines, day_first)
    if any(_date_label_rank(found.label, labels.INVOICE_DATE) for found in dated):
        return None  # dates that could be the issue date disagree: no answer
    # an order summary printed in place of an invoice is dated by its order date alone
    ordered = {found.value for found in dated if labels.ORDER_DATE.search(found.label)}
    return Found(ordered.pop(), 0.6) if len(ordered) == 1 else None


def find_due_date(lines: list[Line], *, day_first: bool | None) -> Found[date] | None:
    return find_dated(lines, labels.DUE_DATE, day_first=day_first, allow_unlabelled=False)
