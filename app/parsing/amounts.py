"""Money amounts as printed in many locales -> Decimal.

Handles 1,234.56 / 1.234,56 / 1 234,56 (also with no-break spaces) / 1'234.56 / 1,23,456.78,
currency symbols and codes around the figure, and negatives written -1.00, (1.00), 1.00- or −1.00.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_CENT = Decimal("0.01")
_SPACES = "\u00a0\u202f\u2009 "
_GROUPING = ",.'’" + _SPACES
_MINUS = "-−–"

#: An amount token inside a line of text: digits with grouping and an optional decimal part,
#: optionally signed or in parentheses. Groups of three after a space only count as grouping
#: when they end the number or are followed by a decimal part, so "12 36,00" stays two numbers.
AMOUNT_PATTERN = re.compile(
    r"(?<![\w.,'/:-])"
    r"(?P<neg_open>[-−–(])?\s?(?:[$€£¥₹]\s?)?"
    r"(?P<number>\d{1,3}(?:[,.'’]\d{3})+(?:[.,]\d{1,2})?"
    r"|\d{1,3}(?:[\u00a0\u202f\u2009 ]\d{3})+[.,]\d{2}"
    r"|\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?"
    r"|\d+(?:[.,]\d{1,2})?)"
    r"(?P<neg_close>[-)])?"
    r"(?![\w'/]|[.,]\d|\s?%)"
)


def parse_amount(text: str) -> Decimal | None:
    """Parse one printed amount; None when the text is not a single clear amount."""
    cleaned = re.sub(r"[A-Za-z$€£¥₹]|CHF|EUR|USD|GBP", "", text).strip()
    if not cleaned:
        return None
    negative = False
    if cleaned[0] in _MINUS or cleaned[0] == "(":
        negative = True
        cleaned = cleaned[1:].strip()
    if cleaned and (cleaned[-1] in _MINUS or cleaned[-1] == ")"):
        negative = True
        cleaned = cleaned[:-1].strip()
    if not cleaned or not cleaned[0].isdigit() or not cleaned[-1].isdigit():
        return None
    if any(not (ch.isdigit() or ch in _GROUPING) for ch in cleaned):
        return None
    digits = _canonical_digits(cleaned)
    if digits is None:
        return None
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    return -value if negative else value


def _canonical_digits(number: str) -> str | None:
    """Decide which separator is the decimal point and return a plain "1234.56"."""
    separators = [(i, ch) for i, ch in enumerate(number) if not ch.isdigit()]
    if not separators:
        return number
    last_index, last = separators[-1]
    decimals = len(number) - last_index - 1
    kinds = {ch for _, ch in separators}
    decimal_point: str | None = None
    if last in ".," and (decimals != 3 or (len(kinds) > 1 and last not in {ch for _, ch in separators[:-1]})):
        decimal_point = last
    if decimal_point is not None and sum(1 for _, ch in separators if ch == decimal_point) > 1:
        return None
    integer = number[:last_index] if decimal_point else number
    fraction = number[last_index + 1 :] if decimal_point else ""
    groups = re.split(r"[,.'’\u00a0\u202f\u2009 ]", integer)
    if len(groups) > 1 and not _valid_grouping(groups):
        return None
    digits = "".join(groups)
    return f"{digits}.{fraction}" if fraction else digits


def _valid_grouping(groups: list[str]) -> bool:
    """Western (1,234,567) or Indian (12,34,567) digit grouping."""
    head, *rest = groups
    if not 1 <= len(head) <= 3 or (rest[-1] and len(rest[-1]) != 3):
        return False
    middle = rest[:-1]
    return all(len(g) == 3 for g in middle) or all(len(g) == 2 for g in middle)


def find_amounts(line: str) -> list[Decimal]:
    """Every amount printed in a line of text, in order."""
    found: list[Decimal] = []
    for match in AMOUNT_PATTERN.finditer(line):
        token = match.group("number")
        value = parse_amount(token)
        if value is None:
            continue
        if (
            match.group("neg_open") in ("-", "−", "–")
            or (match.group("neg_open") == "(" and match.group("neg_close") == ")")
            or match.group("neg_close") == "-"
        ):
            value = -value
        found.append(value)
    return found


def to_money(value: Decimal) -> Decimal:
    return value.quantize(_CENT)
