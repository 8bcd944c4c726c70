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
#: Warnings that mean the document failed one of its own checks (the amounts do not add up).
CHECK_WARNINGS = frozenset({"totals_mismatch", "line_items_mismatch"})


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
