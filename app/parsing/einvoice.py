"""Structured e-invoices: UN/CEFACT CII (Factur-X, ZUGFeRD 1.0 and 2.x, XRechnung) and UBL 2.1.

The XML is read with defusedxml, which refuses DTDs, entity declarations and external
references, so a billion-laughs or XXE document is rejected before anything is expanded or
fetched. Paths use the ``{*}`` namespace wildcard, so one reader serves every CII profile and
version; where ZUGFeRD 1.0 names an element differently, both names are listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError

import pycountry
import pypdfium2 as pdfium
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from app.parsing.errors import HostileXml, InvalidXml
from app.parsing.model import PAYMENT_FIELDS, ExtractedInvoice, LineItem
from app.parsing.payment import iban_form
from app.parsing.payment_terms import read_terms

#: Names under which Factur-X, ZUGFeRD and XRechnung embed their XML in the PDF.
EMBEDDED_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "zugferd_invoice.xml", "xrechnung.xml")
_UTF8_BOM = b"\xef\xbb\xbf"
#: The credit-note document types of EN 16931 (UNTDID 1001 codes).
_CREDIT_NOTE_CODES = {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
#: Tax schemes that name a VAT id (CII ``VA``, UBL ``VAT``; some producers swap the two).
_VAT_SCHEMES = {"VA", "VAT"}


def looks_like_xml(data: bytes) -> bool:
    return data.removeprefix(_UTF8_BOM).lstrip().startswith(b"<")


def embedded_xml(pdf: pdfium.PdfDocument) -> bytes | None:
    """The e-invoice XML attached to a PDF/A-3, if any."""
    attachments = {}
    for index in range(pdf.count_attachments()):
        attachment = pdf.get_attachment(index)
        attachments[attachment.get_name().lower()] = attachment
    for name in EMBEDDED_NAMES:
        if name in attachments:
            return bytes(attachments[name].get_data())
    return None


def read_xml(data: bytes) -> ExtractedInvoice:
    """An invoice from CII or UBL XML, every field certain (confidence 1.0)."""
    try:
        # Some producers write a newline before the XML declaration, which XML forbids.
        root = fromstring(
            data.removeprefix(_UTF8_BOM).lstrip(), forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as exc:
        raise HostileXml(
            "The XML declares a DTD, entities or external references, which are refused for safety. "
            "Send the e-invoice XML without a DOCTYPE."
        ) from exc
    except (ParseError, ValueError, LookupError) as exc:  # LookupError: an encoding Python does not know
        raise InvalidXml("The XML is not well-formed; check that the file is complete.") from exc
    kind = _local(root.tag)
    if kind in ("CrossIndustryInvoice", "CrossIndustryDocument"):
        invoice = _from_cii(root)
    elif kind in ("Invoice", "CreditNote"):
        invoice = _from_ubl(root, credit_note=kind == "CreditNote")
    else:
        raise InvalidXml(
            f"The XML is a {kind!r} document, not an invoice. Send a CII (Factur-X, ZUGFeRD, XRechnung) "
            "or UBL 2.1 Invoice or CreditNote."
        )
    invoice.confidence = {name: 1.0 for name in _FIELDS if getattr(invoice, name) not in (None, [])}
    for name in ("vendor_tax_id", "buyer_tax_id"):
        if (value := getattr(invoice, name)) is not None and not _is_identifier(value):
            invoice.confidence[name] = 0.5  # what the XML says, but a statement rather than an id
    return invoice


_FIELDS = (
    "vendor",
    "vendor_tax_id",
    "vendor_address",
    "buyer",
    "buyer_tax_id",
    "invoice_number",
    "invoice_date",
    "due_date",
    "currency",
    "subtotal",
    "tax_amount",
    "discount_amount",
    "shipping_amount",
    "total_amount",
    "line_items",
    *PAYMENT_FIELDS,
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _path(path: str) -> str:
    return "/".join("{*}" + step for step in path.split("/"))


def _element(node: Element | None, *paths: str) -> Element | None:
    if node is None:
        return None
    for path in paths:
        found = node.find(_path(path))
        if found is not None:
            return found
    return None


def _text(node: Element | None, *paths: str) -> str | None:
    found = _element(node, *paths)
    text = (found.text or "").strip() if found is not None else ""
    return text or None


#: An xs:decimal, the type of every amount, quantity and price in CII and UBL: no exponent, no
#: NaN or Infinity, which Decimal() would otherwise accept.
_XS_DECIMAL = re.compile(r"[+-]?(?:\d{1,30}(?:\.\d{0,30})?|\.\d{1,30})")


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None and _XS_DECIMAL.fullmatch(text.strip()) else None


def _money(node: Element | None, *paths: str) -> Decimal | None:
    return _decimal(_text(node, *paths))


def _currency(text: str | None) -> str | None:
    """An ISO 4217 code, as the standards require; anything else (even a formula) is no currency."""
    code = (text or "").strip().upper()
    return code if re.fullmatch(r"[A-Z]{3}", code) and pycountry.currencies.get(alpha_3=code) else None


def _cii_date(node: Element | None, path: str) -> date | None:
    text = _text(node, f"{path}/DateTimeString")
    if text is None or len(text) < 8 or not text[:8].isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _iso_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _join(parts: Iterable[str | None]) -> str | None:
    return ", ".join(part for part in parts if part) or None


_Party = tuple[str | None, str | None, str | None]


def _set_parties(invoice: ExtractedInvoice, seller: _Party, buyer: _Party) -> None:
    """Fill the party fields from (name, tax id, address) of seller and buyer."""
    invoice.vendor, invoice.vendor_tax_id, invoice.vendor_address = seller
    invoice.buyer, invoice.buyer_tax_id, _ = buyer


def _is_identifier(value: str) -> bool:
    """ASCII letters and digits between separators, no word written in lower case. UBL's
    PartyTaxScheme also carries registration statements ("Godkänd för F-skatt"), which are not ids
    and give way to any id."""
    words = [word for word in re.split(r"[ ./-]+", value) if word]
    return bool(words) and all(
        word.isascii() and word.isalnum() and (word.isupper() or not word.isalpha()) for word in words
    )


def _tax_id(registrations: Iterable[tuple[str | None, str | None]]) -> str | None:
    """From (scheme, value) pairs: the VAT id, else another tax number (CII ``FC``), else the
    seller's tax registration exactly as the XML states it (BT-32 may be a statement such as
    "Godkänd för F-skatt", which is then all the invoice says)."""
    ids = [
        (value.strip(), _is_identifier(value.strip()), (scheme or "").strip().upper() in _VAT_SCHEMES)
        for scheme, value in registrations
        if value and value.strip()
    ]
    best_first = sorted(ids, key=lambda found: (not found[1], not found[2]))
    return best_first[0][0] if best_first else None


def _cii_party(party: Element | None) -> _Party:
    """Name, VAT id (else the local tax number), postal address."""
    if party is None:
        return None, None, None
    registrations = party.findall(_path("SpecifiedTaxRegistration/ID"))
    address = _element(party, "PostalTradeAddress")
    town = _join([_text(address, "PostcodeCode"), _text(address, "CityName")])
    street = [_text(address, "LineOne"), _text(address, "LineTwo"), _text(address, "LineThree")]
    return (
        _text(party, "Name"),
        _tax_id((registration.get("schemeID"), registration.text) for registration in registrations),
        _join([*street, town.replace(", ", " ") if town else None, _text(address, "CountryID")]),
    )


def _from_cii(root: Element) -> ExtractedInvoice:
    document = _element(root, "ExchangedDocument", "HeaderExchangedDocument")
    transaction = _element(root, "SupplyChainTradeTransaction", "SpecifiedSupplyChainTradeTransaction")
    agreement = _element(transaction, "ApplicableHeaderTradeAgreement", "ApplicableSupplyChainTradeAgreement")
    settlement = _element(transaction, "ApplicableHeaderTradeSettlement", "ApplicableSupplyChainTradeSettlement")
    sums = _element(
        settlement, "SpecifiedTradeSettlementHeaderMonetarySummation", "SpecifiedTradeSettlementMonetarySummation"
    )
    currency = _currency(_text(settlement, "InvoiceCurrencyCode"))
    invoice = ExtractedInvoice(
        input_format="xml",
        invoice_number=_text(document, "ID"),
        invoice_date=_cii_date(document, "IssueDateTime"),
        due_date=_cii_due_date(settlement),
        currency=currency,
        subtotal=_money(sums, "LineTotalAmount"),
        tax_amount=_tax_in(sums, "TaxTotalAmount", currency),
        discount_amount=_money(sums, "AllowanceTotalAmount"),
        shipping_amount=_money(sums, "ChargeTotalAmount"),
        total_amount=_money(sums, "GrandTotalAmount"),
        line_items=[
            item
            for item in map(_cii_item, (transaction or root).findall(_path("IncludedSupplyChainTradeLineItem")))
            if item != LineItem()
        ],
    )
    seller, buyer = (_cii_party(_element(agreement, role)) for role in ("SellerTradeParty", "BuyerTradeParty"))
    _set_parties(invoice, seller, buyer)
    _set_payment(invoice, _cii_payment(settlement, agreement))
    if _text(document, "TypeCode") in _CREDIT_NOTE_CODES:
        _negate(invoice)
    return invoice


def _cii_due_date(settlement: Element | None) -> date | None:
    """The first due date of the payment terms. EXTENDED invoices may state several terms (a
    discount period first, with no due date of its own, then the net due date)."""
    terms = settlement.findall(_path("SpecifiedTradePaymentTerms")) if settlement is not None else []
    return next(filter(None, (_cii_date(term, "DueDateDateTime") for term in terms)), None)


def _tax_in(node: Element | None, name: str, currency: str | None) -> Decimal | None:
    """The tax total in the invoice currency (CII may state it in a second, accounting currency)."""
    if node is None:
        return None
    amounts = node.findall(_path(name))
    chosen = next((a for a in amounts if a.get("currencyID") in (None, currency)), None)
    return _decimal(chosen.text) if chosen is not None else None


def _per_unit(price: Decimal | None, basis: Decimal | None) -> Decimal | None:
    if price is None or not basis:
        return price
    return price / basis


def _cii_item(item: Element) -> LineItem:
    """A line's product, quantity, net unit price and net amount; all None for a line that only
    carries text (ZUGFeRD 1.0 allows such note lines), which is then dropped."""
    agreement = _element(item, "SpecifiedLineTradeAgreement", "SpecifiedSupplyChainTradeAgreement")
    price = _element(agreement, "NetPriceProductTradePrice")
    return LineItem(
        description=_text(item, "SpecifiedTradeProduct/Name", "SpecifiedTradeProduct/Description"),
        quantity=_money(
            item, "SpecifiedLineTradeDelivery/BilledQuantity", "SpecifiedSupplyChainTradeDelivery/BilledQuantity"
        ),
        unit_price=_per_unit(_money(price, "ChargeAmount"), _money(price, "BasisQuantity")),
        amount=_money(
            item,
            "SpecifiedLineTradeSettlement/SpecifiedTradeSettlementLineMonetarySummation/LineTotalAmount",
            "SpecifiedSupplyChainTradeSettlement/SpecifiedTradeSettlementMonetarySummation/LineTotalAmount",
        ),
    )


def _ubl_party(party: Element | None) -> _Party:
    if party is None:
        return None, None, None
    address = _element(party, "PostalAddress")
    town = " ".join(part for part in (_text(address, "PostalZone"), _text(address, "CityName")) if part) or None
    return (
        _text(party, "PartyLegalEntity/RegistrationName", "PartyName/Name"),
        _tax_id(
            (_text(scheme, "TaxScheme/ID"), _text(scheme, "CompanyID"))
            for scheme in party.findall(_path("PartyTaxScheme"))
        ),
        _join(
            [
                _text(address, "StreetName"),
                _text(address, "AdditionalStreetName"),
                town,
                _text(address, "Country/IdentificationCode"),
            ]
        ),
    )


def _from_ubl(root: Element, *, credit_note: bool) -> ExtractedInvoice:
    currency = _currency(_text(root, "DocumentCurrencyCode"))
    totals = _element(root, "LegalMonetaryTotal")
    seller = _ubl_party(_element(root, "AccountingSupplierParty/Party"))
    buyer = _ubl_party(_element(root, "AccountingCustomerParty/Party"))
    tax_totals = [_tax_in(total, "TaxAmount", currency) for total in root.findall(_path("TaxTotal"))]
    line_name = "CreditNoteLine" if credit_note else "InvoiceLine"
    quantity_name = "CreditedQuantity" if credit_note else "InvoicedQuantity"
    invoice = ExtractedInvoice(
        input_format="xml",
        invoice_number=_text(root, "ID"),
        invoice_date=_iso_date(_text(root, "IssueDate")),
        due_date=_iso_date(_text(root, "DueDate", "PaymentMeans/PaymentDueDate")),
        currency=currency,
        subtotal=_money(totals, "LineExtensionAmount"),
        tax_amount=next((tax for tax in tax_totals if tax is not None), None),
        discount_amount=_money(totals, "AllowanceTotalAmount"),
        shipping_amount=_money(totals, "ChargeTotalAmount"),
        total_amount=_money(totals, "TaxInclusiveAmount", "PayableAmount"),
        line_items=[
            LineItem(
                description=_text(line, "Item/Name", "Item/Description"),
                quantity=_money(line, quantity_name),
                unit_price=_per_unit(_money(line, "Price/PriceAmount"), _money(line, "Price/BaseQuantity")),
                amount=_money(line, "LineExtensionAmount"),
            )
            for line in root.findall(_path(line_name))
        ],
    )
    _set_parties(invoice, seller, buyer)
    _set_payment(invoice, _ubl_payment(root))
    if credit_note:
        _negate(invoice)
    return invoice


def _account(number: str | None, holder: str | None, bic: str | None, bank: str | None) -> dict[str, object]:
    """A payee account: an IBAN when the number has an IBAN's form (its check digits are judged
    later, with the other ids), else a national account number."""
    iban = iban_form(number or "")
    return {
        "iban": iban,
        "account_number": None if iban or not any(ch.isdigit() for ch in number or "") else number,
        "account_holder": holder,
        "bic": bic,
        "bank_name": bank,
    }


def _terms(descriptions: Iterable[str | None]) -> dict[str, object]:
    """BT-20's free text, and the days and cash discount it states (XRechnung's #SKONTO# coding too)."""
    text = "\n".join(filter(None, descriptions)) or None
    terms = read_terms(text, labelled=True)
    return {
        "payment_terms": text,
        "payment_terms_days": terms.days,
        "cash_discount_percent": terms.discount_percent,
        "cash_discount_days": terms.discount_days,
        "cash_discount_amount": terms.discount_amount,
    }


def _cii_payment(settlement: Element | None, agreement: Element | None) -> dict[str, object]:
    """BG-16/BG-17 (the first credit transfer account), BT-83, BT-20 with its discount terms, BT-13."""
    every = settlement.findall(_path("SpecifiedTradeSettlementPaymentMeans")) if settlement is not None else []
    means = _with_account(every, "PayeePartyCreditorFinancialAccount")
    account = _element(means, "PayeePartyCreditorFinancialAccount")
    institution = _element(means, "PayeeSpecifiedCreditorFinancialInstitution")
    terms = settlement.findall(_path("SpecifiedTradePaymentTerms")) if settlement is not None else []
    fields = _account(
        _text(account, "IBANID") or _text(account, "ProprietaryID"),
        _text(account, "AccountName"),
        _text(institution, "BICID"),
        _text(institution, "Name"),
    )
    fields |= _terms(_text(term, "Description") for term in terms)
    for term in terms:
        discount = _element(term, "ApplicableTradePaymentDiscountTerms")
        if discount is None:
            continue
        days = _text(discount, "BasisPeriodMeasure")
        percent = _decimal(_text(discount, "CalculationPercent"))
        if percent is not None and 0 < percent < 100:
            fields["cash_discount_percent"] = percent
        if days and days.isdigit():
            fields["cash_discount_days"] = int(days)
        fields["cash_discount_amount"] = _money(discount, "ActualDiscountAmount") or fields["cash_discount_amount"]
    fields["payment_reference"] = _text(settlement, "PaymentReference")
    fields["purchase_order"] = _text(agreement, "BuyerOrderReferencedDocument/IssuerAssignedID")
    return fields


def _ubl_payment(root: Element) -> dict[str, object]:
    """PaymentMeans (the first with a payee account), PaymentID, PaymentTerms/Note, OrderReference."""
    chosen = _with_account(root.findall(_path("PaymentMeans")), "PayeeFinancialAccount")
    account = _element(chosen, "PayeeFinancialAccount")
    branch = _element(account, "FinancialInstitutionBranch")
    fields = _account(
        _text(account, "ID"),
        _text(account, "Name"),
        _text(branch, "ID", "FinancialInstitution/ID"),
        _text(branch, "FinancialInstitution/Name", "Name"),
    )
    fields |= _terms(_text(terms, "Note") for terms in root.findall(_path("PaymentTerms")))
    fields["payment_reference"] = _text(chosen, "PaymentID")
    fields["purchase_order"] = _text(root, "OrderReference/ID")
    return fields


def _with_account(means: list[Element], account: str) -> Element | None:
    """The first payment means naming a payee account (a credit transfer), else the first."""
    return next((m for m in means if _element(m, account) is not None), means[0] if means else None)


def _set_payment(invoice: ExtractedInvoice, fields: dict[str, object]) -> None:
    for name, value in fields.items():
        setattr(invoice, name, value)


def _negate(invoice: ExtractedInvoice) -> None:
    """Credit notes carry positive figures in XML; the service reports what is owed back as
    negative totals. The lines stay as the XML states them (what was credited)."""
    for name in ("subtotal", "tax_amount", "total_amount"):
        value = getattr(invoice, name)
        if value is not None and value > 0:
            setattr(invoice, name, -value)
