"""Where each found value is printed: a box on a page, for the review page to point at.

One general mechanism after extraction, whatever finder found a value: the value is looked for
among the document's words (an amount is any run of words that reads as that amount, a date any
run that reads as that date, a text any run that spells it). Where it is printed more than once,
an occurrence on a line that carries the field's label wins (the total beside "Total", not the
same figure in a line item), and the total takes its last such occurrence (a summary comes last),
every other field its first. A value not found in the words (a name the finder put together, a
figure computed from others) has no box rather than a guessed one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal

from app.parsing import labels
from app.parsing.amounts import parse_amount
from app.parsing.dates import find_dates
from app.parsing.layout import Line, Word
from app.parsing.model import PAYMENT_TEXT_FIELDS, Box, ExtractedInvoice

#: Words a printed value may span at most (an amount with a currency and spaces, a long name).
MAX_WORDS = 8
#: The labels that name each field on its line.
_LABELS: dict[str, tuple[re.Pattern[str], ...]] = {
    "invoice_number": (labels.INVOICE_NUMBER,),
    "invoice_date": (labels.INVOICE_DATE,),
    "due_date": (labels.DUE_DATE,),
    "vendor_tax_id": (labels.TAX_ID,),
    "buyer_tax_id": (labels.TAX_ID,),
    "subtotal": (labels.SUBTOTAL, labels.NET_EXPLICIT),
    "tax_amount": (labels.TAX, labels.TAX_TOTAL),
    "discount_amount": (labels.DISCOUNT,),
    "shipping_amount": (labels.SHIPPING,),
    "total_amount": (labels.TOTAL_STRONG, labels.TOTAL_PLAIN),
}
_TEXT_FIELDS = ("vendor", "vendor_tax_id", "buyer", "buyer_tax_id", "invoice_number", *PAYMENT_TEXT_FIELDS)
_DATE_FIELDS = ("invoice_date", "due_date")
_AMOUNT_FIELDS = ("subtotal", "tax_amount", "discount_amount", "shipping_amount", "total_amount")
#: The fields given a box when found.
LOCATED_FIELDS = _TEXT_FIELDS + _DATE_FIELDS + _AMOUNT_FIELDS


def locate(invoice: ExtractedInvoice, lines: list[Line]) -> None:
    """Fill ``invoice.sources`` (and each line item's ``source``) from the words of ``lines``."""
    for name in _TEXT_FIELDS:
        value = getattr(invoice, name)
        if value:
            _place(invoice, name, lines, _spells(_compact(value)))
    for name in _DATE_FIELDS:
        value = getattr(invoice, name)
        if value is not None:
            _place(invoice, name, lines, _reads_as_date(value))
    for name in _AMOUNT_FIELDS:
        value = getattr(invoice, name)
        if value is not None:
            _place(invoice, name, lines, _reads_as_amount(value))
    for item in invoice.line_items:
        item.source = _item_line(item.description, item.amount, lines)


def _place(invoice: ExtractedInvoice, name: str, lines: list[Line], matches: Callable[[str], bool]) -> None:
    found = [(line, words) for line in lines for words in _shortest_runs(line.words, matches)]
    if not found:
        return
    labelled = [(line, words) for line, words in found if _labelled(name, line, lines)]
    chosen = labelled or found
    line, words = chosen[-1] if name == "total_amount" else chosen[0]
    invoice.sources[name] = _box(line.page, words)


def _shortest_runs(words: list[Word], matches: Callable[[str], bool]) -> Iterator[list[Word]]:
    """Each run of words that matches while no shorter run inside it does (the value without the
    label before it or the words after it)."""
    for start in range(len(words)):
        for end in range(start + 1, min(start + MAX_WORDS, len(words)) + 1):
            if _reads(words[start:end], matches):
                if not _reads(words[start + 1 : end], matches):
                    yield words[start:end]
                break


def _reads(words: list[Word], matches: Callable[[str], bool]) -> bool:
    return bool(words) and matches(" ".join(word.text for word in words))


def _labelled(name: str, line: Line, lines: list[Line]) -> bool:
    """The field's label on the value's line or on the line above it (a label over its value)."""
    patterns = _LABELS.get(name, ())
    index = lines.index(line)
    nearby = [line] + ([lines[index - 1]] if index and lines[index - 1].page == line.page else [])
    return any(pattern.search(candidate.text) for pattern in patterns for candidate in nearby)


def _compact(text: str) -> str:
    """Text compared without case, spacing or compatibility forms (full-width digits)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _spells(wanted: str) -> Callable[[str], bool]:
    return lambda text: wanted in _compact(text)


def _reads_as_date(wanted: date) -> Callable[[str], bool]:
    return lambda text: any(found == wanted for _, found in find_dates(text))


def _reads_as_amount(wanted: Decimal) -> Callable[[str], bool]:
    return lambda text: parse_amount(text) in (wanted, -wanted)


def _item_line(description: str | None, amount: Decimal | None, lines: list[Line]) -> Box | None:
    """The line a line item was read from: the first that starts its description and, when the
    item has an amount, shows it."""
    if not description:
        return None
    start = _compact(description)[:16]  # a description may wrap onto more lines
    for line in lines:
        shows_amount = amount is None or any(parse_amount(word.text) in (amount, -amount) for word in line.words)
        if start and start in _compact(line.text) and shows_amount:
            return _box(line.page, line.words)
    return None


def _box(page: int, words: list[Word]) -> Box:
    return Box(
        page=page + 1,
        x0=round(min(word.x0 for word in words), 1),
        top=round(min(word.top for word in words), 1),
        x1=round(max(word.x1 for word in words), 1),
        bottom=round(max(word.bottom for word in words), 1),
    )
