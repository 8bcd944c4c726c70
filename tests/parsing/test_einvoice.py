"""E-invoice XML: UBL 2.1 and CII read exactly; hostile XML refused before anything expands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.parsing import parse_document
from app.parsing.errors import HostileXml, InvalidXml

UBL_INVOICE = (Path(__file__).parents[1] / "samples" / "ubl_invoice.xml").read_bytes()

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Invoice><ID>&lol3;</ID></Invoice>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Invoice><ID>&secret;</ID></Invoice>"""


def test_ubl_invoice_is_read_exactly() -> None:
    invoice = parse_document(UBL_INVOICE)
    assert invoice.input_format == "xml"
    assert (invoice.vendor, invoice.vendor_tax_id) == ("Weser Werkzeuge GmbH", "DE812345673")
    assert invoice.vendor_address == "Hafenstraße 5, 28195 Bremen, DE"
    assert (invoice.buyer, invoice.buyer_tax_id) == ("Stadtwerke Nord AöR", "DE316582040")
    assert (invoice.invoice_number, invoice.invoice_date, invoice.due_date) == (
        "UBL-2024-0042",
        date(2024, 5, 2),
        date(2024, 6, 1),
    )
    assert (invoice.subtotal, invoice.tax_amount, invoice.total_amount) == (
        Decimal("300.00"),
        Decimal("57.00"),
        Decimal("357.00"),
    )
    assert [(i.description, i.quantity, i.unit_price, i.amount) for i in invoice.line_items] == [
        ("Drehmomentschlüssel 40-200 Nm", Decimal(4), Decimal("50.00"), Decimal("200.00")),
        ("Bit-Satz", Decimal(10), Decimal("10"), Decimal("100.00")),
    ]
    assert invoice.warnings == [] and set(invoice.confidence.values()) == {1.0}


def test_ubl_credit_note_is_negative() -> None:
    credit = (
        UBL_INVOICE.replace(
            b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"',
            b'<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"',
        )
        .replace(b"</Invoice>", b"</CreditNote>")
        .replace(b"InvoiceLine>", b"CreditNoteLine>")
        .replace(b"InvoicedQuantity", b"CreditedQuantity")
    )
    invoice = parse_document(credit)
    assert (invoice.subtotal, invoice.total_amount) == (Decimal("-300.00"), Decimal("-357.00"))
    assert invoice.line_items[0].amount == Decimal("-200.00")
    assert invoice.warnings == []


def test_xml_whose_sums_disagree_is_flagged() -> None:
    invoice = parse_document(UBL_INVOICE.replace(b">357.00<", b">375.00<"))
    assert "totals_mismatch" in [w.code for w in invoice.warnings]
    assert invoice.needs_review()


@pytest.mark.parametrize("document", [BILLION_LAUGHS, XXE], ids=["billion laughs", "xxe"])
def test_hostile_xml_is_refused(document: bytes) -> None:
    with pytest.raises(HostileXml):
        parse_document(document)


@pytest.mark.parametrize(
    "document", [b"<Invoice><ID>1</ID>", b"<html><body>not an invoice</body></html>"], ids=["truncated", "not invoice"]
)
def test_broken_or_foreign_xml_is_invalid(document: bytes) -> None:
    with pytest.raises(InvalidXml):
        parse_document(document)
