"""Which of a session's invoices a listing or an export shows, and in what order.

Shared by the list endpoint, the Excel export and anything else that selects invoices, so that a
filter means the same everywhere. Paging is keyset paging on the sort key plus the id: the cursor
names the last invoice seen, and the next page starts after that invoice's position in the order,
so pages stay stable while invoices are added.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field

from app.invoices.schemas import Invoice, Source, Status

SortField = Literal["parsed", "invoice_date", "due_date", "total_amount", "vendor", "invoice_number"]
Sort = Literal[
    "parsed",
    "-parsed",
    "invoice_date",
    "-invoice_date",
    "due_date",
    "-due_date",
    "total_amount",
    "-total_amount",
    "vendor",
    "-vendor",
    "invoice_number",
    "-invoice_number",
]


def _iso_date_only(value: object) -> object:
    """A date as YYYY-MM-DD only: pydantic would read "0" or "1700000000" as a Unix time."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError("a date is written YYYY-MM-DD, e.g. 2024-03-31")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]


class InvoiceFilter(BaseModel):
    """The list's filters: every one given must hold."""

    q: str | None = Field(
        default=None, max_length=200, description="words found in vendor, buyer, number, file name or item descriptions"
    )
    status: Status | None = None
    source: Source | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Za-z]{3}$", description="ISO 4217 code")
    date_from: IsoDate | None = Field(default=None, description="invoice_date on or after (YYYY-MM-DD)")
    date_to: IsoDate | None = Field(default=None, description="invoice_date on or before (YYYY-MM-DD)")

    def matches(self, invoice: Invoice) -> bool:
        if self.status is not None and invoice.status != self.status:
            return False
        if self.source is not None and invoice.source != self.source:
            return False
        if self.currency is not None and invoice.currency != self.currency.upper():
            return False
        if self.date_from is not None and (invoice.invoice_date is None or invoice.invoice_date < self.date_from):
            return False
        if self.date_to is not None and (invoice.invoice_date is None or invoice.invoice_date > self.date_to):
            return False
        return self.q is None or _has_words(invoice, self.q)


def _has_words(invoice: Invoice, query: str) -> bool:
    searched = [invoice.vendor, invoice.buyer, invoice.invoice_number, invoice.file_name]
    searched += [item.description for item in invoice.line_items]
    text = " ".join(part for part in searched if part).casefold()
    return all(word in text for word in query.casefold().split())


def sort_key(invoice: Invoice, sort: Sort) -> tuple[Any, ...]:
    """A total order: invoices without the field come last (first when descending), ties by when
    they were parsed and then by id."""
    name = sort.lstrip("-")
    value = invoice.parsed_timestamp if name == "parsed" else getattr(invoice, name)
    if isinstance(value, str):
        value = value.casefold()
    return (value is None, value if value is not None else 0, invoice.parsed_timestamp, invoice.id)


def ordered(invoices: Iterable[Invoice], sort: Sort) -> list[Invoice]:
    return sorted(invoices, key=lambda invoice: sort_key(invoice, sort), reverse=sort.startswith("-"))


def after(invoices: list[Invoice], cursor: Invoice, sort: Sort) -> list[Invoice]:
    """The part of an ordered list that comes after ``cursor``'s place in the order (the cursor
    invoice itself need not be in the list: a filter may hide it)."""
    mark = sort_key(cursor, sort)
    if sort.startswith("-"):
        return [invoice for invoice in invoices if sort_key(invoice, sort) < mark]
    return [invoice for invoice in invoices if sort_key(invoice, sort) > mark]
