"""Dates as printed on invoices -> datetime.date.

Numeric dates are only read day-first or month-first when the document says which (a part > 12,
or a country cue the caller passes as ``day_first``); otherwise they stay unread rather than guessed.
"""

from __future__ import annotations

import difflib
import re
from datetime import date

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan januar janvier enero gennaio januari janeiro jän jänner janv ene gen",
        "february feb februar février fevrier febrero febbraio februari fevereiro févr fevr fev",
        "march mar märz maerz mars marzo maart março marco mär mrt",
        "april apr avril abril aprile avr",
        "may mai mayo maggio mei maio mag",
        "june jun juni juin junio giugno junho giu",
        "july jul juli juillet julio luglio julho juil lug",
        "august aug août aout agosto augustus ago",
        "september sep sept septembre septiembre settembre setembro set",
        "october oct oktober octobre octubre ottobre oktober outubro okt ott out",
        "november nov novembre noviembre novembro",
        "december dec dezember décembre decembre diciembre dicembre dezembro dez déc dic",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number


def month_number(name: str) -> int | None:
    """The month a name stands for, also when it is misspelt ("Janaury", "Febuary"): the known
    names that begin with the same three letters and are nearly the same word all agree."""
    name = name.lower().rstrip(".")
    if name in _MONTHS:
        return _MONTHS[name]
    if len(name) < 5:
        return None
    matches = {
        number
        for known, number in _MONTHS.items()
        if known[:3] == name[:3] and difflib.SequenceMatcher(None, known, name).ratio() >= 0.8
    }
    return matches.pop() if len(matches) == 1 else None


_MONTH_NAME = r"(?P<month_name>[^\W\d_]{3,10})\.?"
_DAY = r"(?P<day>[0-3]?\d)"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

_PATTERNS = (
    # 2024-03-15, 2024/03/15, 2024.03.15
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)[-/.](?P<month>[01]?\d)[-/.](?P<day>[0-3]?\d)(?!\d)"),
    # 2024年3月15日
    re.compile(r"(?P<year>(?:19|20)\d\d)\s*年\s*(?P<month>[01]?\d)\s*月\s*(?P<day>[0-3]?\d)\s*日"),
    # 15/03/2024, 03/15/2024, 15.03.2024, 15-03-24
    re.compile(
        r"(?<![\d/.-])(?P<a>[0-3]?\d)(?P<sep>[./-])(?P<b>[0-3]?\d)(?P=sep)(?P<year>(?:19|20)?\d\d)(?![\d/-]|\.\d)"
    ),
    # 15 March 2024, 15. März 2024, 15 de marzo de 2024, 1er mars 2024
    re.compile(_DAY + r"(?:er|st|nd|rd|th|º)?\.?\s+(?:de\s+)?" + _MONTH_NAME + r",?\s+(?:de\s+)?" + _YEAR, re.I),
    # 16-Jul-24, 16-Jul-2024
    re.compile(r"(?<!\d)" + _DAY + r"-(?P<month_name>[^\W\d_]{3,9})-(?P<year>(?:19|20)?\d\d)(?!\d)"),
    # March 15, 2024
    re.compile(_MONTH_NAME + r"\s+" + _DAY + r"(?:st|nd|rd|th)?,?\s+" + _YEAR, re.I),
)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _numeric(a: int, b: int, year: int, day_first: bool | None) -> date | None:
    if a > 12 and b <= 12:
        return _safe_date(year, b, a)
    if b > 12 and a <= 12:
        return _safe_date(year, a, b)
    if a == b:
        return _safe_date(year, a, b)
    if day_first is None:
        return None
    return _safe_date(year, b, a) if day_first else _safe_date(year, a, b)


def find_dates(text: str, *, day_first: bool | None = None) -> list[tuple[int, date]]:
    """Every readable date in the text with its character offset, in order."""
    found: dict[int, date] = {}
    taken: list[range] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() in span for span in taken):
                continue
            value = _from_match(match, day_first)
            if value is not None:
                found[match.start()] = value
                taken.append(range(match.start(), match.end()))
    return sorted(found.items())


def _from_match(match: re.Match[str], day_first: bool | None) -> date | None:
    groups = match.groupdict()
    year = int(groups["year"])
    if year < 100:
        year += 2000
    if groups.get("month_name"):
        month = month_number(groups["month_name"])
        return _safe_date(year, month, int(groups["day"])) if month else None
    if groups.get("a"):
        # Dotted numeric dates (15.03.2024) are day-first wherever they are written.
        order = True if groups["sep"] == "." else day_first
        return _numeric(int(groups["a"]), int(groups["b"]), year, order)
    return _safe_date(year, int(groups["month"]), int(groups["day"]))


def numeric_order_hint(text: str) -> bool | None:
    """True if the text's numeric dates are day-first, False if month-first, None if it never says.

    A date part above 12 settles it for the whole document.
    """
    day_first = month_first = False
    for match in _PATTERNS[2].finditer(text):
        a, b = int(match.group("a")), int(match.group("b"))
        day_first |= a > 12 and b <= 12
        month_first |= b > 12 and a <= 12
    if day_first != month_first:
        return day_first
    return None


def parse_date(text: str, *, day_first: bool | None = None) -> date | None:
    """The single date in ``text``, or None when there is none or it is ambiguous."""
    dates = find_dates(text, day_first=day_first)
    return dates[0][1] if len(dates) == 1 else None
