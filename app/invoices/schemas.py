"""The invoice object of the public API and the shapes of the invoice endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from app.parsing.model import ExtractedInvoice

Source = Literal["upload", "bulk", "email", "ocr"]
Status = Literal["parsed", "needs_review", "approved", "failed"]
TrackingStatus = Literal["draft", "sent", "viewed", "paid"]


class Correction(BaseModel):
    field: str
    from_: object = Field(alias="from", serialization_alias="from")
    to: object
    at: datetime

    model_config = {"populate_by_name": True}


class TrackingEvent(BaseModel):
    status: TrackingStatus
    at: datetime


class EmailOrigin(BaseModel):
    """The message an invoice came attached to (source "email")."""

    from_: str | None = Field(default=None, alias="from", serialization_alias="from")
    subject: str | None = None
    date: str | None = Field(default=None, description="as the message states it, ISO 8601")
    message_id: str | None = None
    attachment: str | None = Field(default=None, description="the attachment's file name (in a ZIP: the entry's path)")

    model_config = {"populate_by_name": True}


class Invoice(ExtractedInvoice):
    """An invoice as the session holds it: what the parser read plus its review state."""

    id: str
    file_name: str | None = None
    source: Source = "upload"
    email: EmailOrigin | None = Field(default=None, description="for source email: the message it came with")
    document_sha256: str | None = Field(
        default=None, description="SHA-256 of the document as it was received: the same file twice has the same"
    )
    possible_duplicate: str | None = Field(
        default=None,
        description="the id of an invoice of the session this one repeats (the same file, or the same vendor, "
        "number and total)",
    )
    status: Status = "parsed"
    corrections: list[Correction] = Field(default_factory=list)
    tracking_status: TrackingStatus = "draft"
    tracking_history: list[TrackingEvent] = Field(
        default_factory=list, description="each change of tracking_status, oldest first"
    )
    parsed_timestamp: datetime
    parse_ms: float | None = Field(default=None, description="time the parse took, in milliseconds")


class InvoicePage(BaseModel):
    items: list[Invoice]
    next_cursor: str | None
    total: int


class FieldValue(BaseModel):
    """The new value of one field: a decimal string for amounts, YYYY-MM-DD for dates, an ISO 4217
    code for the currency, the whole list for line_items; null clears it."""

    value: Any = Field(json_schema_extra={"example": "1234.50"})


#: An invoice id as a client names it: the service's ids are `inv_` and hex; any other plain
#: name is simply not found, but text no store key can hold (a lone surrogate) is refused.
InvoiceId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,100}$")]


class BatchDeleteRequest(BaseModel):
    ids: list[InvoiceId] = Field(min_length=1, max_length=1000)


class BatchDeleteResult(BaseModel):
    deleted: list[str]
    not_found: list[str]


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class BulkParsed(BaseModel):
    file_name: str | None
    invoice: Invoice


class BulkFailed(BaseModel):
    file_name: str | None
    error: ErrorDetail


class BulkSummary(BaseModel):
    files: int = Field(description="documents received, counting each file inside a ZIP")
    parsed: int = Field(description="read with every required field and the checks passing")
    needs_review: int = Field(description="read, but a required field is missing or a check failed")
    failed: int = Field(description="not read: see each result's error")
    errors: dict[str, int] = Field(description="failed documents by error code")


class BulkResponse(BaseModel):
    results: list[BulkParsed | BulkFailed]
    summary: BulkSummary
