"""Which currency a document is in, from ISO codes, unambiguous symbols and names.

Ambiguous signs ($, ¥, kr) are settled by context: an ISO code elsewhere in the text, the script
(kana -> JPY, hanzi invoices -> CNY) or country cues; with no cue they yield no answer.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

import pycountry

ISO_CODES = frozenset(
    [
        "AED",
        "AUD",
        "BGN",
        "BRL",
        "CAD",
        "CHF",
        "CNY",
        "CZK",
        "DKK",
        "EUR",
        "GBP",
        "HKD",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "ISK",
        "JPY",
        "KRW",
        "MXN",
        "MYR",
        "NOK",
        "NZD",
        "PHP",
        "PLN",
        "RON",
        "RUB",
        "SAR",
        "SEK",
        "SGD",
        "THB",
        "TRY",
        "TWD",
        "USD",
        "ZAR",
    ]
)

#: Signs that name one currency wherever they are printed.
_UNAMBIGUOUS_SIGNS = {
    "€": "EUR",
    "£": "GBP",
    "₹": "INR",
    "円": "JPY",
    "元": "CNY",
    "₩": "KRW",
    "₺": "TRY",
    "₱": "PHP",
    "฿": "THB",
    "₪": "ILS",
    "₽": "RUB",
    "₫": "VND",
}
#: Local symbols and prefixed dollars, as whole tokens: "NZ$ 120.00", "Rs. 450", "1 200,00 zł", "Fr. 25.–".
_LOCAL_SYMBOLS = {
    r"NZ\$": "NZD",
    r"A\$|AU\$": "AUD",
    r"C\$|CA\$": "CAD",
    r"US\$|U\.S\.\$": "USD",
    r"S\$|SG\$": "SGD",
    r"HK\$": "HKD",
    r"NT\$": "TWD",
    r"R\$": "BRL",
    r"MX\$": "MXN",
    r"Rs\.?(?=\s?\d)": "INR",
    r"zł": "PLN",
    r"Kč": "CZK",
    r"Fr\.|sFr\.?": "CHF",
    r"Ft(?=\W|$)": "HUF",
    r"lei(?=\W|$)": "RON",
}
_NAMES = {
    r"\beuros?\b": "EUR",
    r"\bpounds? sterling\b": "GBP",
    r"\bswiss francs?\b|\bfrancs? suisses?\b|\bschweizer franken\b": "CHF",
    r"\brupees?\b": "INR",
    r"\bzłotych\b|\bzloty\b": "PLN",
    r"\bkorun[ay]?\b": "CZK",
    r"\bforint\b": "HUF",
    r"\byen\b": "JPY",
    r"人民币|\brenminbi\b|\byuan\b": "CNY",
    r"\bnew zealand dollars?\b": "NZD",
    r"\baustralian dollars?\b": "AUD",
    r"\bcanadian dollars?\b": "CAD",
    r"\bu\.?s\.? dollars?\b": "USD",
    r"\bsingapore dollars?\b": "SGD",
    r"\bhong kong dollars?\b": "HKD",
    r"\bkronor\b": "SEK",
}
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def detect_currency(text: str) -> tuple[str | None, float]:
    """The document's currency and a confidence in [0, 1]."""
    votes: Counter[str] = Counter()
    for code in re.findall(r"(?<![A-Z])([A-Z]{3})(?![A-Z])", text):
        if code in ISO_CODES:
            votes[code] += 2
    for sign, code in _UNAMBIGUOUS_SIGNS.items():
        if sign in text:
            votes[code] += 2 * text.count(sign)
    for pattern, code in _LOCAL_SYMBOLS.items():
        if mentions := len(re.findall(rf"(?<![A-Za-z]){pattern}", text)):
            votes[code] += 2 * mentions
    for pattern, code in _NAMES.items():
        if mentions := len(re.findall(pattern, text, re.I)):
            votes[code] += mentions
    if "¥" in text or "￥" in text:
        votes["JPY" if _KANA.search(text) else "CNY" if _HAN.search(text) else ""] += 2
    votes.pop("", None)
    if not votes:
        for sign, currencies in _AMBIGUOUS_SIGNS.items():
            if re.search(sign, text):
                return settle_by_country(text, currencies)
        # no sign at all: the currency of a country the page names clearly and often
        currency, _ = settle_by_country(text, _SIGN_COUNTRIES, clearly=True)
        return (currency, 0.6) if currency else (None, 0.0)
    ranked = votes.most_common(2)
    best, best_votes = ranked[0]
    if len(ranked) > 1 and ranked[1][1] * 2 > best_votes:
        return best, 0.6
    return best, 0.95


#: Signs several countries print, and the currency each of those countries means by it.
_AMBIGUOUS_SIGNS = {
    r"\$": {"US": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD", "MX": "MXN"},
    r"(?<![A-Za-z])(?:kr\.?|Kr\.?)(?![A-Za-z])|(?<![A-Za-z])[A-Z]?kr(?=\s?\d)": {
        "SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK"
    },
}  # fmt: skip


_SIGN_COUNTRIES = {country: code for currencies in _AMBIGUOUS_SIGNS.values() for country, code in currencies.items()}


def settle_by_country(text: str, currencies: dict[str, str], *, clearly: bool = False) -> tuple[str | None, float]:
    """The currency of the country the document points at most often (see country_cues), or none
    when no country, or no single country, is named. ``clearly``: named at least three times and
    three times as often as any other."""
    counts = Counter({country: len(cue.findall(text)) for country, cue in country_cues(tuple(currencies)).items()})
    ranked = [count for _, count in counts.most_common(2)] + [0]
    if not ranked[0] or ranked[1] == ranked[0] or (clearly and (ranked[0] < 3 or ranked[0] < 3 * ranked[1])):
        return None, 0.0
    return currencies[counts.most_common(1)[0][0]], 0.8


#: Cues a country's documents print that pycountry does not list: native names, tax ids, postcodes.
_EXTRA_CUES = {
    "AU": r"\bABN\b|\bPty\.? Ltd\b|\b(?:NSW|VIC|QLD|ACT|WA|SA|TAS|NT)\s+\d{4}\b",
    "CA": r"\bGST/HST\b|\bHST\b|\bQST\b|\bTVQ\b|\b(?:ON|QC|BC|AB|MB|SK|NS|NB|NL|PE)\s+[A-Z]\d[A-Z]\s?\d[A-Z]\d\b",
    "US": r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b|\bEIN\b|\bsales tax\b|\bUSA\b|\bU\.S\.A?\.?",
    "NZ": r"\bNZ\b|\bIRD\b",
    "SE": r"\bSverige\b|\bmoms\b|\bOrg\.?\s*nr\b|\bF-skatt\b",
    "NO": r"\bNorge\b|\bMVA\b|\bForetaksregisteret\b",
    "DK": r"\bDanmark\b|\bCVR\b|\bmoms\b",
    "IS": r"\bÍsland\b|\bVSK\b",
}
#: The international calling code of each country whose sign may be ambiguous.
_CALLING_CODES = {"US": "1", "CA": "1", "AU": "61", "NZ": "64", "SG": "65", "HK": "852", "MX": "52",
                  "SE": "46", "NO": "47", "DK": "45", "IS": "354"}  # fmt: skip
#: Region names too generic to point at one country ("North West", "Central").
_GENERIC_REGION = re.compile(r"^(?:(?:North|South|East|West|Central)\b.*|.{0,3})$")


@functools.cache
def country_cues(countries: tuple[str, ...]) -> dict[str, re.Pattern[str]]:
    """For each country (ISO 3166 alpha-2), a pattern of what points at it on a document: its names
    and its regions' names (from pycountry's ISO 3166 data), its web domain, its calling code,
    and a few national tax and address forms."""
    cues: dict[str, re.Pattern[str]] = {}
    for code in countries:
        country = pycountry.countries.get(alpha_2=code)
        names = {getattr(country, attribute, None) for attribute in ("name", "official_name", "common_name")}
        regions = {
            name
            for subdivision in pycountry.subdivisions.get(country_code=code) or []  # type: ignore[no-untyped-call]
            for name in (subdivision.name, subdivision.name.removeprefix("Greater "))
            if not _GENERIC_REGION.match(name)
        }
        words = sorted((name for name in names | regions if name), key=len, reverse=True)
        alternatives = [
            r"\b(?:" + "|".join(re.escape(word) for word in words) + r")\b",
            rf"\.{code.lower()}\b",
            rf"\+\s?{_CALLING_CODES[code]}[\s(]",
        ]
        if extra := _EXTRA_CUES.get(code):
            alternatives.append(extra)
        cues[code] = re.compile("|".join(alternatives))
    return cues
