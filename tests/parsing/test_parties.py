"""Vendor, buyer and tax ids on hand-written pages (runs of 2+ spaces separate cells)."""

from __future__ import annotations

from app.parsing.layout import text_lines
from app.parsing.parties import (
    buyer_below_sender_line,
    find_buyer,
    find_tax_ids,
    find_vendor_address,
    tax_id_from,
    unlabelled_recipient,
)
from app.parsing.vendor import find_vendor


def test_tax_id_after_its_label() -> None:
    assert tax_id_from(": GB 193 8472 66") == "GB193847266"
    assert tax_id_from(" CHE-112.345.676 MWST") == "CHE-112.345.676"
    assert tax_id_from(" 231/158/04417") == "231/158/04417"
    assert tax_id_from(" CHF 3'748.37") is None  # an amount, not an id
    assert tax_id_from(" 20%") is None
    assert tax_id_from(" 20.03.2024") is None  # a date beside "NIP", not the id


def test_tax_id_in_the_cell_beside_its_label_and_outside_the_buyer_column() -> None:
    page = text_lines(
        "GST/HST No.    123456782 RT0001\n"
        "Maple & Birch Renovations Inc.        Bill to\n"
        "4820 Boulevard Saint-Laurent          Café Le Plateau Inc.\n"
        "GST/HST No. 123456782                 Montréal, QC H2J 1X6\n"
    )
    vendor, buyer = find_tax_ids(page, buyer="Café Le Plateau Inc.")
    assert vendor is not None and vendor.value == "123456782RT0001"
    assert buyer is None


def test_buyer_from_label_skips_attention_line() -> None:
    page = text_lines("Bill to\nAttn: Accounts Payable\nHarbor & Finch Partners LLP\n88 Pine Street")
    assert find_buyer(page).value == "Harbor & Finch Partners LLP"  # type: ignore[union-attr]


def test_customer_number_is_not_the_buyer() -> None:
    assert find_buyer(text_lines("N° client    C0187\nDate    12/03/2024")) is None


def test_buyer_above_an_attention_line() -> None:
    page = text_lines("Hôtel Le Belvédère SAS\nÀ l'attention de M. Laurent Petit\n3 place Bellecour")
    assert find_buyer(page).value == "Hôtel Le Belvédère SAS"  # type: ignore[union-attr]


def test_vendor_from_legal_form_in_letterhead_and_footer_not_the_buyer() -> None:
    page = text_lines(
        "Brightline Consulting LLC\n1450 Market Street\nBILL TO\nHarbor & Finch Partners LLP\n"
        + "\n" * 3
        + "Thank you\nBrightline Consulting LLC · EIN 84-3921176"
    )
    buyer = find_buyer(page)
    assert buyer is not None and buyer.value == "Harbor & Finch Partners LLP"
    assert find_vendor(page, buyer=buyer.value).value == "Brightline Consulting LLC"  # type: ignore[union-attr]


def test_heading_name_gets_its_legal_form_from_elsewhere() -> None:
    page = text_lines("Koala Creative\nDesign studio\n\nPlease pay Koala Creative Pty Ltd by 15 April")
    assert find_vendor(page, buyer=None).value == "Koala Creative Pty Ltd"  # type: ignore[union-attr]


def test_recipient_under_din_sender_line() -> None:
    page = text_lines("Müller & Söhne GmbH · Ring 48 · 50672 Köln\nKanzlei Weber & Partner mbB\nFrau Dr. Anna Weber")
    found = buyer_below_sender_line(page, "Müller & Söhne GmbH")
    assert found is not None and found.value == "Kanzlei Weber & Partner mbB"


def test_tax_ids_in_the_buyer_block_are_the_buyers() -> None:
    page = text_lines(
        "ACME GmbH    USt-IdNr. DE812345673\n"
        "Rechnung an\n"
        "Kunde AG\n"
        "USt-IdNr. DE316582040\n"
        "\n\n\n"
        "ACME GmbH · USt-IdNr. DE812345673"
    )
    vendor, buyer = find_tax_ids(page)
    assert vendor is not None and vendor.value == "DE812345673"
    assert buyer is not None and buyer.value == "DE316582040"


LETTER = (
    "ZEELAND LOGISTICS B.V.\n"
    "Havenweg 21 · 4382 NC Vlissingen\n"
    "\n\n"
    "Van Dijk Groenten B.V.\n"
    "Veilingweg 4\n"
    "2675 LZ Honselersdijk\n"
    "BTW: NL829374619B01\n"
    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
    "Zeeland Logistics B.V. · BTW NL805423618B01"
)


def test_unlabelled_recipient_block_is_the_buyer_and_holds_its_tax_id() -> None:
    page = text_lines(LETTER)
    buyer = unlabelled_recipient(page, "Zeeland Logistics B.V.")
    assert buyer is not None and buyer.value == "Van Dijk Groenten B.V."
    vendor_id, buyer_id = find_tax_ids(page, buyer=buyer.value)
    assert vendor_id is not None and vendor_id.value == "NL805423618B01"
    assert buyer_id is not None and buyer_id.value == "NL829374619B01"


def test_the_vendors_own_block_is_not_a_recipient() -> None:
    page = text_lines("Zeeland Logistics B.V.\nHavenweg 21\n4382 NC Vlissingen\n\n\nBedankt")
    assert unlabelled_recipient(page, "Zeeland Logistics B.V.") is None


def test_a_block_without_a_postcode_line_is_not_an_address() -> None:
    page = text_lines("ACME Ltd\n\n\nConsulting services\nMarch retainer\nSupport hours\n")
    assert unlabelled_recipient(page, "ACME Ltd") is None


def test_buyer_label_with_an_aside() -> None:
    page = text_lines("Buyer (Bill to)\nLakshmi Traders\n18, Sayyaji Rao Road")
    assert find_buyer(page).value == "Lakshmi Traders"  # type: ignore[union-attr]


def test_heading_set_over_several_lines_up_to_its_legal_form() -> None:
    page = text_lines("Przedsiębiorstwo\nHandlowe\nKowalski Sp. z\no.o.\nul. Wielicka 72\n30-552 Kraków")
    found = find_vendor(page, buyer=None)
    assert found is not None and found.value == "Przedsiębiorstwo Handlowe Kowalski Sp. z o.o."


def test_vendor_address_from_a_sender_line_without_contacts() -> None:
    page = text_lines("Müller & Söhne GmbH · Hohenzollernring 48 · 50672 Köln · Tel. 0221 555\nKanzlei Weber")
    found = find_vendor_address(page, "Müller & Söhne GmbH")
    assert found is not None and found.value == "Hohenzollernring 48, 50672 Köln"


def test_vendor_address_under_the_name_up_to_the_town() -> None:
    page = text_lines(
        "Brightline Consulting LLC\n1450 Market Street\nSuite 300\nSan Francisco, CA 94103\nbilling@x.com"
    )
    found = find_vendor_address(page, "Brightline Consulting LLC")
    assert found is not None and found.value == "1450 Market Street, Suite 300, San Francisco, CA 94103"


def test_no_vendor_address_without_a_town() -> None:
    assert find_vendor_address(text_lines("Jenna Park Design\nhello@jennapark.com"), "Jenna Park Design") is None


def test_sold_by_names_the_vendor_and_a_status_stamp_is_no_name() -> None:
    page = text_lines("Factura\nPagado\nVendido por Amazon EU S.à r.l., Sucursal en España\nIVA ESW0184081H\n")
    assert find_vendor(page, buyer=None).value == "Amazon EU S.à r.l., Sucursal en España"  # type: ignore[union-attr]


def test_weekday_abbreviations_and_corporate_words_are_no_legal_forms() -> None:
    page = text_lines("Body Corporate BC 400174\nMO - SA 7:00 bis 22:00 Uhr\nREWE Markt GmbH\n")
    assert find_vendor(page, buyer=None).value == "REWE Markt GmbH"  # type: ignore[union-attr]


def test_tax_id_after_a_number_word_and_the_prefixed_form_preferred() -> None:
    assert tax_id_from(" Nr.: DE812706034") == "DE812706034"
    page = text_lines("IVA ESW0184081H\nRegistro Mercantil de Madrid    NIF W0184081H\n")
    vendor, _ = find_tax_ids(page)
    assert vendor is not None and vendor.value == "ESW0184081H"


def test_a_date_is_no_vendor_heading_and_bullets_separate_a_sender_line() -> None:
    page = text_lines(
        "February 17, 2026\nCronus Ltd\nBei Spiel GmbH ● Ecke 12 ● 12345 Stadthausen\nTheodor Est\nBahnstr. 42"
    )
    vendor = find_vendor(page, buyer=None)
    assert vendor is not None and vendor.value != "February 17, 2026"
    buyer = buyer_below_sender_line(page, "Bei Spiel GmbH")
    assert buyer is not None and buyer.value == "Theodor Est"


def test_a_parenthesis_inside_a_company_name() -> None:
    page = text_lines(
        ". . Schneider Electric (NZ) Limited    GST No : 81-854-572\nAccount Name : SCHNEIDER ELECTRIC (NZ) LIMITED"
    )
    assert find_vendor(page, buyer=None).value == "Schneider Electric (NZ) Limited"  # type: ignore[union-attr]


def test_a_company_printed_with_its_legal_form_written_out_and_abbreviated() -> None:
    page = text_lines(
        "Schneider Electric (NZ) Limited\nAccount Name: Schneider Electric (NZ) Limited\n"
        "Sold under the terms of Schneider Electric (NZ) Ltd as at the date of this document."
    )
    assert find_vendor(page, buyer=None).value == "Schneider Electric (NZ) Limited"  # type: ignore[union-attr]


def test_a_buyer_box_indented_past_its_label_and_initials_as_a_name() -> None:
    page = text_lines(
        "Invoice To:\n              Attn: Paula Beaton\n              BCA\n              Level 3, 115 Queen St\n"
    )
    assert find_buyer(page).value == "BCA"  # type: ignore[union-attr]
    assert find_buyer(text_lines("Bill to\nINV-2024-001\n")) is None  # an id under the label is no name


def test_billing_address_labels_in_italian_and_spanish() -> None:
    for label in ("Indirizzo di fatturazione", "Dirección de facturación"):
        page = text_lines(
            f"{label}    Indirizzo di spedizione\nMason Wood    Mason Wood\nvia Coriano, 58    Bourne Rd\n"
        )
        assert find_buyer(page).value == "Mason Wood"  # type: ignore[union-attr]


def test_a_document_whose_first_page_is_blank_has_no_unlabelled_recipient() -> None:
    lines = text_lines("ACME GmbH\nMusterweg 1\n12345 Berlin", page=1)
    assert unlabelled_recipient(lines, "Other AG") is None
