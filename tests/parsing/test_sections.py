"""Party sections (a role heading over "Name:" rows) and numbers and dates stated in the title line."""

from __future__ import annotations

from datetime import date

from app.parsing.document import extract_fields
from app.parsing.fields import find_due_date, find_invoice_date, find_invoice_number
from app.parsing.layout import text_lines
from app.parsing.model import ExtractedInvoice
from app.parsing.sections import find_sections

VIEWER_PAGE = """\
Handelsrechnung (380) Nr. 471102 vom 05.06.2025
Währung:    EUR
Verkäufer
Nummer:    549910
Name:    Lieferant GmbH
Anschrift:    Lieferantenstraße 20
DE 80333 München
Steuernummer:    201/113/40209
USt.-Id.-Nr.:    DE123456789
Käufer/Leistungsempfänger
Nummer:    GE2020211
Name:    Kunden AG Mitte
USt.-Id.-Nr.:    DE987654321
Bemerkungen
Bemerkung    Rechnung gemäß Bestellung Nr. 2025-471331 vom 01.03.2025.
Zahlungsreferenz:    Kundennummer: 8888855555 Rechnungsnummer: 6069999999
"""


def test_sections_name_each_party_and_prefer_its_vat_id() -> None:
    sections = find_sections(text_lines(VIEWER_PAGE))
    assert [(s.role, s.name, s.tax_id) for s in sections] == [
        ("seller", "Lieferant GmbH", "DE123456789"),
        ("buyer", "Kunden AG Mitte", "DE987654321"),
    ]


def test_a_section_ends_at_the_next_heading() -> None:
    sections = find_sections(text_lines("Seller\nName:    Acme Ltd\nNotes\nName:    Someone Else\n"))
    assert [(s.role, s.name) for s in sections] == [("seller", "Acme Ltd")]


def test_a_heading_with_words_after_the_role_is_no_section() -> None:
    assert find_sections(text_lines("Seller reserves the right\nName:    Acme Ltd\n")) == []


def test_the_title_line_states_number_and_date() -> None:
    page = text_lines(VIEWER_PAGE)
    assert find_invoice_number(page).value == "471102"  # type: ignore[union-attr]
    assert find_invoice_date(page, day_first=True).value == date(2025, 6, 5)  # type: ignore[union-attr]
    assert find_invoice_number(text_lines("Teilrechnung Bau (875) Nr. 210111 vom 30.05.2025")).value == "210111"  # type: ignore[union-attr]
    assert find_invoice_date(text_lines("Facture n° F-12 du 03/04/2024"), day_first=True).value == date(2024, 4, 3)  # type: ignore[union-attr]


def test_a_date_after_an_order_reference_is_not_the_issue_date() -> None:
    page = text_lines("Rechnung gemäß Bestellung Nr. 2025-471331 vom 01.03.2025")
    assert find_invoice_date(page, day_first=True) is None


def test_the_whole_page_reads_both_parties() -> None:
    invoice = ExtractedInvoice(input_format="pdf_text")
    extract_fields(invoice, text_lines(VIEWER_PAGE))
    assert (invoice.vendor, invoice.vendor_tax_id) == ("Lieferant GmbH", "DE123456789")
    assert (invoice.buyer, invoice.buyer_tax_id) == ("Kunden AG Mitte", "DE987654321")
    assert (invoice.invoice_number, invoice.currency) == ("471102", "EUR")


def test_title_number_and_date_with_von_and_a_due_date_asked_for_in_a_sentence() -> None:
    page = text_lines("2019-02-03\nRechnung # RE-20171118/506 von 18.11.2017\nBitte überweisen Sie bis zum 09.12.2017.")
    assert find_invoice_number(page).value == "RE-20171118/506"  # type: ignore[union-attr]
    assert find_invoice_date(page, day_first=True).value == date(2017, 11, 18)  # type: ignore[union-attr]
    assert find_due_date(page, day_first=True).value == date(2017, 12, 9)  # type: ignore[union-attr]


def test_letter_spaced_titles_and_abbreviated_labels() -> None:
    page = text_lines("R E C H N U N G\nRg.-Nr.:    2024-118\nRe.-Datum:    03.04.2024")
    assert page[0].text == "RECHNUNG"
    assert find_invoice_number(page).value == "2024-118"  # type: ignore[union-attr]
    assert find_invoice_date(page, day_first=True).value == date(2024, 4, 3)  # type: ignore[union-attr]
    assert text_lines("Format A 4 quer")[0].text == "Format A 4 quer"  # a letter beside a figure stays
