"""Payment terms read from their words: days to pay net, and an early-payment discount (Skonto).

One reader for every source of terms: the text of a printed invoice, the free-text terms of an
e-invoice (BT-20), and XRechnung's coded form ``#SKONTO#TAGE=14#PROZENT=2.00#BASISBETRAG=...#``.
A figure is taken only where the words say what it is ("30 days net", "2 % within 10 days",
"2/10 net 30"); anything else leaves the days unset rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_DAYS = (
    r"(?:days?|d\b|tagen?|tg\.?|werktagen|jours?|j\b|días|dias|giorni|gg\.?|dagen|dage|dagar|dager|dní|dni|"
    r"päivää|napon|天|日)"
)
_PERCENT = r"(?P<percent>\d{1,2}(?:[.,]\d{1,3})?)\s*%"
#: "2 % Skonto bei Zahlung innerhalb 10 Tagen", "2% discount if paid within 10 days", "10 Tage 2 % Skonto".
_DISCOUNT = (
    re.compile(
        _PERCENT + r"[^%\n]{0,60}?(?<![\d.,])(?P<days>\d{1,3})(?![\d.,]\d)\s*" + _DAYS,
        re.IGNORECASE,
    ),
    re.compile(
        r"(?<![\d.,])(?P<days>\d{1,3})(?![\d.,]\d)\s*" + _DAYS + r"[^%\n\d]{0,25}?" + _PERCENT
        + r"\s*(?:skonto|discount|escompte|sconto|korting|descuento|rabatt?|rabat|remise)",
        re.IGNORECASE,
    ),
)  # fmt: skip
#: A discount rate beside its word, with no period stated ("bis 12.03. 3 % Skonto").
_RATE_ONLY = re.compile(
    _PERCENT + r"\s*(?:skonto|discount|escompte|sconto|korting|descuento|rabatt?|remise)"
    r"|(?:skonto|discount|escompte|sconto|korting|descuento|rabatt?|remise)\s*:?\s*(?P<percent2>\d{1,2}(?:[.,]\d{1,3})?)\s*%",
    re.IGNORECASE,
)
#: A period followed by these words is the net one ("30 Tage netto"), not the discount's.
_NET_AFTER = re.compile(r"\s*(?:net(?:to|t)?|rein\s+netto|ohne\s+abzug|sans\s+escompte)\b", re.IGNORECASE)
#: "2/10 net 30" (North American terms).
_SLASH_TERMS = re.compile(
    r"\b(?P<percent>\d{1,2}(?:\.\d{1,2})?)\s*/\s*(?P<days>\d{1,3})(?![\d.,]\d)\s*,?\s*n(?:et)?\s*/?\s*(?P<net>\d{1,3})\b",
    re.I,
)
#: A discount is only a discount when the words say so (a VAT rate also stands beside a "%").
_DISCOUNT_WORD = re.compile(
    r"skonto|discount|escompte|sconto|korting|descuento|desconto|rabatt?|rabat|remise|abzug|prompt\s+payment",
    re.IGNORECASE,
)
_NET = (
    re.compile(
        r"\bnet(?:to|t)?\s*(?P<days>\d{1,3})(?![\d.,]\d)\b(?!\s*%|\s\d{3}\b)(?=\s*(?:" + _DAYS + r"|$|[.,;)/]))",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?<![\d.,])(?P<days>\d{1,3})(?![\d.,]\d)\s*" + _DAYS
        + r"\s*(?:net(?:to|t)?|rein\s+netto|sans\s+escompte|ohne\s+abzug)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?:within|in|innerhalb(?:\s+von)?|binnen|sous|dans\s+les|à|a|entro|dentro\s+de|en|inom|inden\s+for|"
        r"w\s+ciągu|after|nach|after\s+receipt\s+within)\s+(?P<days>\d{1,3})(?![\d.,]\d)\s*" + _DAYS,
        re.IGNORECASE,
    ),
    re.compile(
        r"(?<![\d.,])(?P<days>\d{1,3})(?![\d.,]\d)\s*" + _DAYS
        + r"[^\d\n]{0,30}?(?:payable|due|zahlbar|fällig|à\s+réception|net)",
        re.IGNORECASE,
    ),
    re.compile(r"(?P<days>\d{1,3})(?![\d.,]\d)\s*天(?:内)?(?:付款|支付|结算)"),
)  # fmt: skip
#: "30 days", all a labelled term may say.
_BARE_DAYS = re.compile(r"(?<![\d.,])(?P<days>\d{1,3})\s*" + _DAYS + r"(?:\W|$)", re.IGNORECASE)
#: Where one sentence of the terms ends and the next begins.
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[^\W\d_])")
#: XRechnung's coded cash discount (CIUS rule BR-DE-18).
_XRECHNUNG = re.compile(
    r"#SKONTO#TAGE=(?P<days>\d{1,3})(?![\d.,]\d)#PROZENT=(?P<percent>\d{1,2}(?:\.\d{1,2})?)#(?:BASISBETRAG=(?P<basis>-?\d+(?:\.\d{1,2})?)#)?"
)
#: The longest a net payment period is taken to be (a year and a half).
_MAX_DAYS = 540


@dataclass(frozen=True)
class Terms:
    """What the words of the terms say; None where they do not say it."""

    days: int | None = None
    discount_percent: Decimal | None = None
    discount_days: int | None = None
    discount_basis: Decimal | None = None

    @property
    def discount_amount(self) -> Decimal | None:
        """The discount on its stated basis (XRechnung names one); None where no basis is stated."""
        if self.discount_basis is None or self.discount_percent is None:
            return None
        return (self.discount_basis * self.discount_percent / 100).quantize(Decimal("0.01"))


def _percent(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the patterns admit only numbers
        return None
    return value if 0 < value < 100 else None


def _days(text: str | None) -> int | None:
    value = int(text) if text else 0
    return value if 0 < value <= _MAX_DAYS else None


def read_terms(text: str | None, *, labelled: bool = False) -> Terms:
    """The days to pay and the cash discount that ``text`` states; ``labelled`` text stands beside
    a terms label, where "30 days" alone says enough."""
    if not text:
        return Terms()
    if coded := _XRECHNUNG.search(text):
        basis = Decimal(coded["basis"]) if coded["basis"] else None
        rest = _XRECHNUNG.sub(" ", text)
        return Terms(_net_days(rest, labelled), _percent(coded["percent"]), _days(coded["days"]), basis)
    if slash := _SLASH_TERMS.search(text):
        return Terms(_days(slash["net"]), _percent(slash["percent"]), _days(slash["days"]))
    for pattern in _DISCOUNT:
        match = pattern.search(text)
        if match and _DISCOUNT_WORD.search(text) and not _NET_AFTER.match(text, match.end()):
            rest = text[: match.start()] + " " + text[match.end() :]
            return Terms(_net_days(rest, labelled), _percent(match["percent"]), _days(match["days"]))
    if rate := _RATE_ONLY.search(text):
        rest = text[: rate.start()] + " " + text[rate.end() :]
        return Terms(_net_days(rest, labelled), _percent(rate["percent"] or rate["percent2"]))
    return Terms(_net_days(text, labelled))


def _net_days(text: str, labelled: bool) -> int | None:
    """The net period the words state; beside a terms label, a bare "30 days" too."""
    for pattern in (*_NET, _BARE_DAYS) if labelled else _NET:
        if match := pattern.search(text):
            return _days(match["days"])
    return None


def terms_sentences(text: str, *, labelled: bool = False) -> str:
    """The sentences of a line that state the terms (the first of a labelled value, whatever it
    says): "30 days. Bank: ..., sort code ..." gives "30 days."."""
    sentences = _SENTENCE_END.split(text.strip())
    kept = [sentence for sentence in sentences if states_terms(sentence)]
    return " ".join(kept) if kept and not labelled else sentences[0]


#: Words that make "within 7 days" a payment's period rather than any other.
_PAYMENT_WORD = re.compile(
    r"pay|zahl|fällig|paiement|règlement|payable|betal|pago|pagamento|pagar|\bdue\b|\bnet(?:to|t)?\b|skonto|"
    r"discount|escompte|sconto|付款|支付|支払",
    re.IGNORECASE,
)


def states_terms(text: str) -> bool:
    """Whether a line reads as payment terms on its own ("Payable within 30 days net"): it names a
    period and says it is a payment's (a discount rate alone, as on a receipt, is no term)."""
    terms = read_terms(text)
    return (terms.days is not None or terms.discount_days is not None) and bool(_PAYMENT_WORD.search(text))
