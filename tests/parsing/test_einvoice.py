"""E-invoice XML: UBL 2.1 and CII read exactly; hostile XML refused before anything expands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.parsing import parse_document
from app.parsing.errors import HostileXml, InvalidXml
from tests.hostile import BILLION_LAUGHS

UBL_INVOICE = (Path(__file__).parents[1] / "samples" / "ubl_invoice.xml").read_bytes()

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Invoice><ID>&secret;</ID></Invoice>"""

CII = """<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocument><ram:ID>XR-7</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20260401</udt:DateTimeString></ram:IssueDateTime>
 </rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>
  <ram:ApplicableHeaderTradeAgreement>
   <ram:SellerTradeParty><ram:Name>Lieferant GmbH</ram:Name>{seller_ids}</ram:SellerTradeParty>
  </ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>{terms}
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    <ram:LineTotalAmount>100.00</ram:LineTotalAmount>
    <ram:TaxTotalAmount currencyID="EUR">19.00</ram:TaxTotalAmount>
    <ram:GrandTotalAmount>119.00</ram:GrandTotalAmount>
   </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>"""


def _cii(*, seller_ids: str = "", terms: str = "") -> bytes:
    """A small CII (Factur-X / XRechnung) invoice: 100.00 net, 19.00 VAT, 119.00 total."""
    return CII.format(seller_ids=seller_ids, terms=terms).encode()


#: A ZUGFeRD 1.0 invoice; {rsm}, {ram} and {udt} are the prefixes ("x:" or "" for the default namespace).
ZUGFERD_1 = """<?xml version="1.0" encoding="{encoding}"?>
<{rsm}CrossIndustryDocument {rsm_ns}="urn:ferd:CrossIndustryDocument:invoice:1p0"
  {ram_ns}="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
  {udt_ns}="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
 <{rsm}HeaderExchangedDocument><{ram}ID>471102</{ram}ID><{ram}TypeCode>{type_code}</{ram}TypeCode>
  <{ram}IssueDateTime><{udt}DateTimeString format="102">20130605</{udt}DateTimeString></{ram}IssueDateTime>
 </{rsm}HeaderExchangedDocument>
 <{rsm}SpecifiedSupplyChainTradeTransaction>
  <{ram}ApplicableSupplyChainTradeAgreement>
   <{ram}SellerTradeParty><{ram}Name>Lieferant Müller GmbH</{ram}Name></{ram}SellerTradeParty>
  </{ram}ApplicableSupplyChainTradeAgreement>
  <{ram}ApplicableSupplyChainTradeSettlement><{ram}InvoiceCurrencyCode>EUR</{ram}InvoiceCurrencyCode>
   <{ram}SpecifiedTradeSettlementMonetarySummation>
    <{ram}LineTotalAmount currencyID="EUR">100.00</{ram}LineTotalAmount>
    <{ram}TaxTotalAmount currencyID="EUR">19.00</{ram}TaxTotalAmount>
    <{ram}GrandTotalAmount currencyID="EUR">119.00</{ram}GrandTotalAmount>
   </{ram}SpecifiedTradeSettlementMonetarySummation>
  </{ram}ApplicableSupplyChainTradeSettlement>
  <{ram}IncludedSupplyChainTradeLineItem>
   <{ram}AssociatedDocumentLineDocument><{ram}IncludedNote><{ram}Content>Wir liefern Ihnen:</{ram}Content>
   </{ram}IncludedNote></{ram}AssociatedDocumentLineDocument>
   <{ram}SpecifiedSupplyChainTradeSettlement/>
  </{ram}IncludedSupplyChainTradeLineItem>
  <{ram}IncludedSupplyChainTradeLineItem>
   <{ram}SpecifiedSupplyChainTradeAgreement><{ram}NetPriceProductTradePrice>
    <{ram}ChargeAmount currencyID="EUR">25.0000</{ram}ChargeAmount>
   </{ram}NetPriceProductTradePrice></{ram}SpecifiedSupplyChainTradeAgreement>
   <{ram}SpecifiedSupplyChainTradeDelivery>
    <{ram}BilledQuantity unitCode="C62">4.0000</{ram}BilledQuantity>
   </{ram}SpecifiedSupplyChainTradeDelivery>
   <{ram}SpecifiedSupplyChainTradeSettlement><{ram}SpecifiedTradeSettlementMonetarySummation>
    <{ram}LineTotalAmount currencyID="EUR">100.00</{ram}LineTotalAmount>
   </{ram}SpecifiedTradeSettlementMonetarySummation></{ram}SpecifiedSupplyChainTradeSettlement>
   <{ram}SpecifiedTradeProduct><{ram}Description>Kühlschrank, Größe L</{ram}Description></{ram}SpecifiedTradeProduct>
  </{ram}IncludedSupplyChainTradeLineItem>
 </{rsm}SpecifiedSupplyChainTradeTransaction>
</{rsm}CrossIndustryDocument>"""


def _zugferd_1(prefixes: tuple[str, str, str] = ("rsm", "ram", "udt"), *, type_code: str = "380") -> str:
    """The ZUGFeRD 1.0 invoice with rsm, ram and udt bound to the given prefixes ("" = default namespace)."""
    names = dict(zip(("rsm", "ram", "udt"), prefixes, strict=True))
    return ZUGFERD_1.format(
        encoding="{encoding}",
        type_code=type_code,
        **{key: f"{name}:" if name else "" for key, name in names.items()},
        **{f"{key}_ns": f"xmlns:{name}" if name else "xmlns" for key, name in names.items()},
    )


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


def test_ubl_credit_note_totals_are_negative_and_its_lines_as_stated() -> None:
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
    assert invoice.line_items[0].amount == Decimal("200.00")
    assert invoice.warnings == []  # the credited lines add up to the subtotal owed back


def test_xml_whose_sums_disagree_is_flagged() -> None:
    invoice = parse_document(UBL_INVOICE.replace(b">357.00<", b">375.00<"))
    assert "totals_mismatch" in [w.code for w in invoice.warnings]
    assert invoice.needs_review()


VENDOR_TAX_SCHEME = (
    b"<cac:PartyTaxScheme><cbc:CompanyID>DE812345673</cbc:CompanyID>"
    b"<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
)


def _tax_scheme(company_id: str, scheme: str) -> bytes:
    return (
        f"<cac:PartyTaxScheme><cbc:CompanyID>{company_id}</cbc:CompanyID>"
        f"<cac:TaxScheme><cbc:ID>{scheme}</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
    ).encode()


@pytest.mark.parametrize(
    ("schemes", "expected"),
    [
        ([("Godkänd för F-skatt", "TAX"), ("SE556677889901", "VAT")], "SE556677889901"),
        ([("201/113/40209", "FC"), ("DE136695976", "VAT")], "DE136695976"),
        ([("201/113/40209", "FC")], "201/113/40209"),
        ([("Godkänd för F-skatt", "TAX")], "Godkänd för F-skatt"),
    ],
    ids=["registration statement first", "tax number first", "tax number only", "statement only"],
)
def test_ubl_seller_tax_id_is_the_vat_id_and_a_statement_only_when_nothing_else(
    schemes: list[tuple[str, str]], expected: str | None
) -> None:
    document = UBL_INVOICE.replace(VENDOR_TAX_SCHEME, b"".join(_tax_scheme(*pair) for pair in schemes))
    invoice = parse_document(document)
    assert invoice.vendor_tax_id == expected
    assert invoice.confidence["vendor_tax_id"] == (0.5 if expected == "Godkänd för F-skatt" else 1.0)


@pytest.mark.parametrize(
    ("registrations", "expected"),
    [
        ([("FC", "201/113/40209"), ("VA", "DE123456789")], "DE123456789"),
        ([("VAT", "DE12345")], "DE12345"),
        ([("FC", "201/113/40209")], "201/113/40209"),
    ],
    ids=["VA over FC", "VAT spelled out", "FC alone"],
)
def test_cii_seller_tax_id_is_the_vat_id_else_the_tax_number(
    registrations: list[tuple[str, str]], expected: str
) -> None:
    ids = "".join(
        f'<ram:SpecifiedTaxRegistration><ram:ID schemeID="{scheme}">{value}</ram:ID></ram:SpecifiedTaxRegistration>'
        for scheme, value in registrations
    )
    assert parse_document(_cii(seller_ids=ids)).vendor_tax_id == expected


def test_due_date_is_found_in_any_of_several_payment_terms() -> None:
    discount = (
        "<ram:SpecifiedTradePaymentTerms><ram:Description>Bis zum 20.04.2026 2 % Skonto</ram:Description>"
        "<ram:ApplicableTradePaymentDiscountTerms><ram:BasisDateTime>"
        '<udt:DateTimeString format="102">20260410</udt:DateTimeString>'
        "</ram:BasisDateTime></ram:ApplicableTradePaymentDiscountTerms></ram:SpecifiedTradePaymentTerms>"
    )
    net = (
        "<ram:SpecifiedTradePaymentTerms><ram:Description>Bis zum 30.04.2026 ohne Abzug</ram:Description>"
        '<ram:DueDateDateTime><udt:DateTimeString format="102">20260430</udt:DateTimeString></ram:DueDateDateTime>'
        "</ram:SpecifiedTradePaymentTerms>"
    )
    assert parse_document(_cii(terms=discount + net)).due_date == date(2026, 4, 30)
    assert parse_document(_cii(terms=discount)).due_date is None


@pytest.mark.parametrize(
    "prefixes",
    [("rsm", "ram", "udt"), ("a", "b", "c"), ("", "ram", "udt"), ("rsm", "", "udt")],
    ids=["usual prefixes", "other prefixes", "rsm default namespace", "ram default namespace"],
)
def test_zugferd_1_is_read_under_any_namespace_binding(prefixes: tuple[str, str, str]) -> None:
    invoice = parse_document(_zugferd_1(prefixes).format(encoding="UTF-8").encode())
    assert (invoice.vendor, invoice.invoice_number, invoice.invoice_date) == (
        "Lieferant Müller GmbH",
        "471102",
        date(2013, 6, 5),
    )
    assert (invoice.subtotal, invoice.tax_amount, invoice.total_amount) == (
        Decimal("100.00"),
        Decimal("19.00"),
        Decimal("119.00"),
    )
    # The text-only line is no item; a product named only by its description is.
    assert [(i.description, i.quantity, i.unit_price, i.amount) for i in invoice.line_items] == [
        ("Kühlschrank, Größe L", Decimal(4), Decimal(25), Decimal("100.00"))
    ]
    assert invoice.warnings == []


@pytest.mark.parametrize(
    ("type_code", "total"), [("380", Decimal("119.00")), ("381", Decimal("-119.00")), ("83", Decimal("-119.00"))]
)
def test_zugferd_1_credit_note_is_told_by_its_type_code(type_code: str, total: Decimal) -> None:
    invoice = parse_document(_zugferd_1(type_code=type_code).format(encoding="UTF-8").encode())
    assert (invoice.invoice_date, invoice.total_amount) == (date(2013, 6, 5), total)


@pytest.mark.parametrize(
    ("encoding", "before", "vendor"),
    [
        ("UTF-8", b"\xef\xbb\xbf", "Lieferant Müller GmbH"),
        ("UTF-8", b"\r\n", "Lieferant Müller GmbH"),
        ("ISO-8859-1", b"", "Lieferant Müller GmbH"),
        ("windows-1252", b"", "Lieferant Müller € GmbH"),
    ],
    ids=["utf-8 with bom", "newline before the declaration", "iso-8859-1", "windows-1252"],
)
def test_zugferd_1_is_read_in_any_declared_encoding(encoding: str, before: bytes, vendor: str) -> None:
    text = _zugferd_1().format(encoding=encoding).replace("Lieferant Müller GmbH", vendor)
    invoice = parse_document(before + text.encode(encoding))
    assert (invoice.vendor, invoice.total_amount) == (vendor, Decimal("119.00"))
    assert invoice.line_items[0].description == "Kühlschrank, Größe L"


@pytest.mark.parametrize(
    "document",
    [BILLION_LAUGHS, XXE, b"\xef\xbb\xbf\n" + XXE],
    ids=["billion laughs", "xxe", "xxe after a bom and a newline"],
)
def test_hostile_xml_is_refused(document: bytes) -> None:
    with pytest.raises(HostileXml):
        parse_document(document)


@pytest.mark.parametrize(
    "document", [b"<Invoice><ID>1</ID>", b"<html><body>not an invoice</body></html>"], ids=["truncated", "not invoice"]
)
def test_broken_or_foreign_xml_is_invalid(document: bytes) -> None:
    with pytest.raises(InvalidXml):
        parse_document(document)
