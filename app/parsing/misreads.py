"""Label words that OCR misread by a letter or two ("Gesamtbetrsg", "SUMNE", "Rechnungsdatun"),
read as the label they stand for, so the field finders' labels match them.

Only words of the vocabulary below are restored, and only when one of them is close and no other
is: a name or a product that happens to look like a label word keeps its spelling unless it is
within a letter of that word.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from app.parsing.layout import Word

#: The words that carry the labels the field finders look for, in the languages they read.
VOCABULARY = frozenset(
    [
        "amount",
        "balance",
        "bar",
        "bedrag",
        "beleg",
        "betrag",
        "bon",
        "brutto",
        "date",
        "datum",
        "due",
        "factura",
        "facture",
        "factuur",
        "fattura",
        "fecha",
        "gegeben",
        "gesamt",
        "gesamtbetrag",
        "gst",
        "importe",
        "importo",
        "invoice",
        "kartenzahlung",
        "montant",
        "mwst",
        "netto",
        "number",
        "numéro",
        "payable",
        "payment",
        "receipt",
        "rechnung",
        "rechnungsdatum",
        "rechnungsnummer",
        "rückgeld",
        "steuer",
        "subtotal",
        "summe",
        "tax",
        "totaal",
        "total",
        "totale",
        "tva",
        "umsatzsteuer",
        "vat",
        "zahlbetrag",
        "zwischensumme",
        "échéance",
    ]
)
_CHOICES = sorted(VOCABULARY)
#: How alike (difflib's ratio) a word must be to a vocabulary word: one letter off in five.
_ALIKE = 0.8
_LETTERS = re.compile(r"^([^\w]*)([^\W\d_]{5,})([^\w]*)$")
_WORD = re.compile(r"(?<!\w)[^\W\d_]{5,}(?!\w)")


@lru_cache(maxsize=4096)  # a parse worker lives long and OCR words are endless
def _restored(word: str) -> str | None:
    lowered = word.lower()
    if lowered in VOCABULARY:
        return None
    close = difflib.get_close_matches(lowered, _CHOICES, n=2, cutoff=_ALIKE)
    if len(close) != 1:
        return None
    return close[0].upper() if word.isupper() else close[0].capitalize() if word[0].isupper() else close[0]


#: A word that is only trailing punctuation, which OCR splits off the word before ("Nr .:").
_DETACHED_PUNCTUATION = re.compile(r"^[.:,;]+$")


def restore(words: list[Word]) -> list[Word]:
    """The words with misread label words restored (punctuation around them kept), and
    punctuation that OCR set apart joined back to the word it follows ("UID Nr .:" -> "UID Nr.:")."""
    restored: list[Word] = []
    for word in words:
        match = _LETTERS.match(word.text)
        fixed = _restored(match.group(2)) if match else None
        if match and fixed:
            word = Word(match.group(1) + fixed + match.group(3), word.x0, word.top, word.x1, word.bottom)
        if restored and _DETACHED_PUNCTUATION.match(word.text) and _follows(restored[-1], word):
            before = restored.pop()
            word = Word(
                before.text + word.text, before.x0, min(before.top, word.top), word.x1, max(before.bottom, word.bottom)
            )
        restored.append(word)
    return restored


def _follows(before: Word, word: Word) -> bool:
    """``word`` is on ``before``'s line, close after it."""
    same_line = word.top < before.bottom and before.top < word.bottom
    return same_line and 0 <= word.x0 - before.x1 <= max(before.height, word.height)


def restore_text(text: str) -> str:
    """OCR output given as text, with misread label words restored."""
    return _WORD.sub(lambda match: _restored(match.group()) or match.group(), text)
