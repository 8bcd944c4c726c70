"""The data the parsing core returns: plain pydantic models, Decimal amounts, date dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

InputFormat = Literal["pdf_text", "pdf_scanned", "facturx", "ocr_json", "ocr_text", "xml"]

#: Line items kept per invoice: more than any real invoice's pages hold, few enough that listing,
#: exporting and printing a session stay quick.
MAX_LINE_ITEMS = 1000
AMOUNT_FIELDS = ("subtotal", "tax_amount", "discount_amount", "shipping_amount", "total_amount")
REQUIRED_FIELDS = ("vendor", "invoice_number", "invoice_date", "total_amount")
#: What a payer needs beside the amounts: the account, the reference to quote, the terms, the order.
PAYMENT_TEXT_FIELDS = (
    "iban",
    "bic",
    "account_holder",
    "bank_name",
    "account_number",
    "bank_code",
    "payment_reference",
    "payment_terms",
    "purchase_order",
)
PAYMENT_FIELDS = (
    *PAYMENT_TEXT_FIELDS,
    "bank_code_type",
    "payment_terms_days",
    "cash_discount_percent",
    "cash_discount_days",
    "cash_discount_amount",
)
#: Warnings that mean the document failed one of its own checks (the amounts do not add up, a
#: machine-readable code on the page says otherwise than its text). An id failing its check digits
#: (tax id, IBAN, BIC) is only marked unsure: a bank refuses such an IBAN anyway.
CHECK_WARNINGS = frozenset({"totals_mismatch", "line_items_mismatch", "qr_text_mismatch"})
#: National bank codes, for an account without an IBAN.
BankCodeType = Literal["sort_code", "aba_routing", "ifsc", "bsb"]


class Box(BaseModel):
    """Where a value is printed: a page (from 1) and a rectangle on it in PDF points, measured
    from the page's top left corner."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float


class LineItem(BaseModel):
    description: str | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    source: Box | None = Field(default=None, description="the line it was read from; null for XML input")


class ParseWarning(BaseModel):
    code: str
    message: str
    fields: list[str] = Field(default_factory=list, description="the fields it is about, where it names some")


CodeKind = Literal["swiss_qr_bill", "epc_qr", "fapiao_qr"]


class DecodedCode(BaseModel):
    """A machine-readable code printed on the page, which filled fields exactly."""

    kind: CodeKind = Field(description="swiss_qr_bill, epc_qr (SEPA GiroCode) or fapiao_qr (Chinese e-invoice)")
    source: Box | None = Field(default=None, description="where it is printed")
    fields: list[str] = Field(default_factory=list, description="the fields it filled")
    values: dict[str, str] = Field(
        default_factory=dict,
        description="what else it states: the QR-bill's reference type and message, the fapiao's invoice code "
        "and check code, ...",
    )


class ExtractedInvoice(BaseModel):
    """Everything the core reads off one document; fields it could not settle are None."""

    input_format: InputFormat
    pages: int = 0
    vendor: str | None = None
    vendor_tax_id: str | None = None
    vendor_address: str | None = None
    buyer: str | None = None
    buyer_tax_id: str | None = None
    invoice_number: str | None = None
    invoice_date: date | None = None
    due_date: date | None = None
    currency: str | None = None
    subtotal: Decimal | None = None
    tax_amount: Decimal | None = None
    discount_amount: Decimal | None = None
    shipping_amount: Decimal | None = None
    total_amount: Decimal | None = None
    line_items: list[LineItem] = Field(default_factory=list)
    iban: str | None = Field(default=None, description="the payee's IBAN, electronic form, check digits verified")
    bic: str | None = Field(default=None, description="the payee bank's BIC (SWIFT code)")
    account_holder: str | None = None
    bank_name: str | None = None
    account_number: str | None = Field(default=None, description="a national account number, where no IBAN is given")
    bank_code: str | None = Field(default=None, description="the national bank code beside account_number")
    bank_code_type: BankCodeType | None = None
    payment_reference: str | None = Field(
        default=None, description="what to quote with the payment (RF creditor reference, QR reference, ...)"
    )
    payment_terms: str | None = Field(default=None, description="the terms as the invoice states them")
    payment_terms_days: int | None = Field(default=None, description="days to pay net")
    cash_discount_percent: Decimal | None = Field(default=None, description="early-payment discount (Skonto), %")
    cash_discount_days: int | None = Field(default=None, description="days within which the discount applies")
    cash_discount_amount: Decimal | None = None
    purchase_order: str | None = Field(default=None, description="the buyer's purchase-order number")
    codes: list[DecodedCode] = Field(default_factory=list, description="QR codes read on the pages")
    confidence: dict[str, float] = Field(default_factory=dict)
    sources: dict[str, Box] = Field(
        default_factory=dict,
        description="where each found field is printed on the pages; empty for XML and plain-text OCR input",
    )
    warnings: list[ParseWarning] = Field(default_factory=list)

    def missing_required(self) -> list[str]:
        return [name for name in REQUIRED_FIELDS if getattr(self, name) is None]

    def needs_review(self) -> bool:
        """A required field is missing or a check failed: a person should look before it is used."""
        return bool(self.missing_required()) or any(w.code in CHECK_WARNINGS for w in self.warnings)
