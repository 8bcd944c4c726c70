"""Which currency a document is in, from ISO codes, unambiguous symbols and names.

Ambiguous signs ($, ¥, kr) are settled by context: an ISO code elsewhere in the text, the script
(kana -> JPY, hanzi invoices -> CNY) or country cues; with no cue they yield no answer.
"""

from __future__ import annotations

import re
from collections import Counter

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

_UNAMBIGUOUS_SIGNS = {
    "€": "EUR",
    "£": "GBP",
    "₹": "INR",
    "zł": "PLN",
    "円": "JPY",
    "元": "CNY",
    "₩": "KRW",
    "Fr.": "CHF",
}
_NAMES = {
    r"\beuros?\b": "EUR",
    r"\bpounds? sterling\b": "GBP",
    r"\bswiss francs?\b|\bfrancs? suisses?\b|\bschweizer franken\b": "CHF",
    r"\brupees?\b": "INR",
    r"\bzłotych\b|\bzloty\b": "PLN",
    r"人民币": "CNY",
}
_DOLLAR_CUES = (
    ("AUD", re.compile(r"\bABN\b|\bPty\.? Ltd\b|\bNSW\b|\bVIC\b|\bQLD\b|Australia", re.I)),
    ("CAD", re.compile(r"\bGST/HST\b|\bHST\b|\bQST\b|\bTVQ\b|Canada|\b(?:ON|QC|BC|AB)\s+[A-Z]\d[A-Z]", re.I)),
    ("USD", re.compile(r"\b(?:[A-Z]{2})\s+\d{5}(?:-\d{4})?\b|\bEIN\b|\bsales tax\b|\bUSA\b|United States", re.I)),
)
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
    for pattern, code in _NAMES.items():
        if mentions := len(re.findall(pattern, text, re.I)):
            votes[code] += mentions
    if "¥" in text or "￥" in text:
        votes["JPY" if _KANA.search(text) else "CNY" if _HAN.search(text) else ""] += 2
    if "$" in text and not votes:
        for code, cue in _DOLLAR_CUES:
            if cue.search(text):
                return code, 0.8
        return None, 0.0
    votes.pop("", None)
    if not votes:
        return None, 0.0
    ranked = votes.most_common(2)
    best, best_votes = ranked[0]
    if len(ranked) > 1 and ranked[1][1] * 2 > best_votes:
        return best, 0.6
    return best, 0.95
