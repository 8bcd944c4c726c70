"""Label words OCR misread by a letter, restored before the field finders look for labels."""

from __future__ import annotations

from decimal import Decimal

from app.parsing import parse_document
from app.parsing.layout import Word
from app.parsing.misreads import restore, restore_text


def test_a_misread_label_word_is_restored_in_its_case() -> None:
    assert restore_text("Gesantbetrag 0,99 EUR\nRECHNUNGSDATUN: 04.12.2014\nBetrsg") == (
        "Gesamtbetrag 0,99 EUR\nRECHNUNGSDATUM: 04.12.2014\nBetrag"
    )


def test_names_and_words_far_from_any_label_keep_their_spelling() -> None:
    text = "Schilderwerken Amsterdam Kassel Rechnung Summe Tota1 B0BDMJ8JH3"
    assert restore_text(text) == text


def test_words_keep_their_boxes() -> None:
    (word,) = restore([Word("Gesantbetrag:", 10.0, 20.0, 80.0, 30.0)])
    assert word == Word("Gesamtbetrag:", 10.0, 20.0, 80.0, 30.0)


def test_punctuation_set_apart_joins_the_word_it_follows() -> None:
    words = [
        Word("UID", 10.0, 20.0, 30.0, 30.0),
        Word("Nr", 33.0, 20.0, 45.0, 30.0),
        Word(".:", 47.0, 21.0, 52.0, 30.0),
        Word("DE812706034", 56.0, 20.0, 120.0, 30.0),
        Word(".", 300.0, 20.0, 303.0, 30.0),  # far away: a dot of its own
    ]
    assert [word.text for word in restore(words)] == ["UID", "Nr.:", "DE812706034", "."]
    assert restore(words)[1] == Word("Nr.:", 33.0, 20.0, 52.0, 30.0)


def test_ocr_text_with_a_misread_total_label_is_read() -> None:
    invoice = parse_document(None, ocr=b"Nettto 100,00 EUR\nMwSt 19% 19,00 EUR\nGesantbetrag 119,00 EUR\n")
    assert (invoice.subtotal, invoice.tax_amount, invoice.total_amount) == (
        Decimal("100.00"),
        Decimal("19.00"),
        Decimal("119.00"),
    )
