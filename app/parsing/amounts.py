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


#: The largest amount an invoice can carry: 15 integer digits (a trillion in any currency). Longer
#: figures are ids or garbage, and beyond them Decimal's 28-digit precision breaks rounding.
MAX_AMOUNT = Decimal(10) ** 15


def in_range(value: Decimal | None) -> bool:
    """A finite amount below MAX_AMOUNT in size (None counts as in range). Judged by its exponent,
    with no arithmetic: abs() of 1E+1000000 overflows the decimal context."""
    return value is None or (value.is_finite() and (not value or value.adjusted() < 15))


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
    if not in_range(value):
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


#: A figure with more than two decimals after one separator: "1,0000", "0.5252", "0,792".
_LONG_DECIMAL = re.compile(
    r"(?<![\w.,'’/:-])(?P<sign>[-−–])?(?P<whole>\d+)(?P<mark>[.,])(?P<fraction>\d{3,6})(?![\w.,'’/]|\s?%)"
)
#: A money figure with two decimals: its separator is the line's decimal mark.
_CENTS_MARK = re.compile(r"\d([.,])\d{2}(?!\d)")


def find_figures(line: str) -> list[Decimal]:
    """Every figure of an item row, in order: amounts as :func:`find_amounts` reads them, plus
    quantities and unit prices with more decimals than money has ("1,0000", "0,792 kg").

    Four or more decimals cannot be digit grouping, so they always read as decimals; three
    decimals ("1.530") only when the line's two-decimal amounts use the same decimal mark, as
    "1.530 m² 247.83 379.18" does and "3.068,00" does not.
    """
    marks = _CENTS_MARK.findall(line)
    line_mark = marks[-1] if marks else None
    found: list[Decimal] = []
    start = 0
    for match in _LONG_DECIMAL.finditer(line):
        if len(match.group("fraction")) == 3 and match.group("mark") != line_mark:
            continue
        found.extend(find_amounts(line[start : match.start()]))
        value = Decimal(f"{match.group('whole')}.{match.group('fraction')}")
        if in_range(value):
            found.append(-value if match.group("sign") else value)
        start = match.end()
    found.extend(find_amounts(line[start:]))
    return found


def to_money(value: Decimal) -> Decimal:
    return value.quantize(_CENT)


_CHINESE_DIGITS = {
    ch: n
    for n, chars in enumerate(("零〇", "壹一", "贰贰两貳", "叁三參", "肆四", "伍五", "陆六陸", "柒七", "捌八", "玖九"))
    for ch in chars
}
_CHINESE_UNITS = {"拾": 10, "十": 10, "佰": 100, "百": 100, "仟": 1000, "千": 1000}
_CHINESE_SECTIONS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_CHINESE_FRACTIONS = {"角": Decimal("0.1"), "分": Decimal("0.01")}


def amount_in_chinese_words(text: str) -> Decimal | None:
    """The amount written in capital numerals (大写) on Chinese invoices: 陆万柒仟捌佰陆拾玖圆肆角捌分 -> 67869.48.

    None when the text holds no such amount or is malformed (a digit with no place after the yuan)."""
    words = "".join(
        ch
        for ch in text
        if ch in _CHINESE_DIGITS
        or ch in _CHINESE_UNITS
        or ch in _CHINESE_SECTIONS
        or ch in _CHINESE_FRACTIONS
        or ch in "圆元整正"
    )
    if not words:
        return None
    whole, found_yuan, fraction = words.partition("圆") if "圆" in words else words.partition("元")
    if not found_yuan:
        whole, fraction = "", words
    hundred_millions, ten_thousands, section, digit = 0, 0, 0, 0
    for ch in whole:
        if ch in _CHINESE_DIGITS:
            digit = _CHINESE_DIGITS[ch]
        elif ch in _CHINESE_UNITS:
            section += (digit or 1) * _CHINESE_UNITS[ch]
            digit = 0
        elif _CHINESE_SECTIONS[ch] == 10**4:
            ten_thousands += (section + digit) * 10**4
            section = digit = 0
        else:
            hundred_millions += (ten_thousands + section + digit) * 10**8
            ten_thousands = section = digit = 0
    value = Decimal(hundred_millions + ten_thousands + section + digit)
    pending: int | None = None
    for ch in fraction:
        if ch in _CHINESE_DIGITS:
            pending = _CHINESE_DIGITS[ch]
        elif ch in _CHINESE_FRACTIONS:
            if pending is None:
                return None
            value += pending * _CHINESE_FRACTIONS[ch]
            pending = None
    if pending:
        return None
    return value
