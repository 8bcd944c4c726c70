"""The vendor chosen among candidates by fitted weights, and the fit itself."""

from __future__ import annotations

from app.parsing.layout import text_lines
from app.parsing.vendor import FEATURES, MAX_CONFIDENCE, Candidate, candidates, find_vendor
from bench.fit_vendor import Document, fit


def test_candidates_carry_where_they_were_found() -> None:
    page = text_lines("Koala Creative\nABN 12 345 678 901\nPlease pay to Koala Creative Pty Ltd, BSB 062-000")
    (koala,) = candidates(page, buyer=None, section_name=None)
    assert koala.name == "Koala Creative Pty Ltd"
    assert koala.features["heading"] == 1.0 and koala.features["heading_extended"] == 1.0
    assert koala.features["legal_form"] == 1.0


def test_the_buyer_is_never_a_vendor_candidate() -> None:
    page = text_lines("Harbor & Finch Partners LLP\nBill to\nBrightline Consulting LLC")
    names = [c.name for c in candidates(page, buyer="Brightline Consulting LLC", section_name=None)]
    assert "Brightline Consulting LLC" not in names


def test_a_chosen_vendor_is_a_judgement_below_labelled_certainty() -> None:
    found = find_vendor(text_lines("Acme Widgets GmbH\nRechnung Nr. 5"), buyer=None)
    assert found is not None and found.value == "Acme Widgets GmbH" and found.confidence <= MAX_CONFIDENCE


def test_the_fit_learns_which_feature_marks_the_vendor() -> None:
    """Documents where the right name is always the one in the footer: the footer weight rises."""

    def document(index: int) -> Document:
        right = Candidate(f"Right {index} Ltd", {"footer": 1.0, "legal_form": 1.0})
        wrong = Candidate(f"Wrong {index} Ltd", {"first_lines": 1.0, "legal_form": 1.0})
        return Document(entry=None, truth=right.name, options=[wrong, right])  # type: ignore[arg-type]

    weights = fit([document(index) for index in range(20)], steps=300)
    assert set(weights) == set(FEATURES)
    assert weights["footer"] > weights["first_lines"]


def test_a_page_number_is_no_vendor_heading() -> None:
    page = text_lines("Page 1 / 1\nNordwind Handels GmbH\nRechnung 4711")
    assert find_vendor(page, buyer=None).value == "Nordwind Handels GmbH"  # type: ignore[union-attr]


def test_a_label_word_inside_a_name_or_a_compound_label_is_no_seller_label() -> None:
    page = text_lines("Verkäufer-BIC:    COBADEFXXX\nLieferant GmbH\nLieferantenstraße 20\n")
    names = [c.name for c in candidates(page, buyer=None, section_name=None) if c.features.get("seller_label")]
    assert names == []


def test_a_name_that_an_e_mail_or_web_address_spells_is_a_candidate() -> None:
    """An ERP layout: the buyer's window left, the seller's name right without a legal form;
    the seller's address in the footer names it."""
    page = text_lines(
        "Invoice 103767\n"
        "Harbor Analytics Corporation             NORDWIND DE\n"
        "Station Road, 21                         Hofstraße 12\n"
        "Description     Quantity     Line Amount\n"
        "VAT Registration No.    Email\n"
        "DE777777777             info@nordwind.example\n"
    )
    by_name = {candidate.name: candidate for candidate in candidates(page, buyer=None, section_name=None)}
    assert by_name["NORDWIND DE"].features["domain"] == 1.0
    buyer = by_name.get("Harbor Analytics Corporation")
    assert buyer is None or buyer.features["domain"] == 0.0
    found = find_vendor(page, buyer="Harbor Analytics Corporation")
    assert found is not None and found.value == "NORDWIND DE"
