"""The export endpoints: the session's invoices as a workbook, its rows as JSON, statistics."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from app.deps import CurrentSession, Store
from app.exports import stats as statistics
from app.exports.download import workbook_of, xlsx_response
from app.exports.rows import INVOICE_COLUMNS, LINE_ITEM_COLUMNS, invoice_row
from app.exports.workbook import SHEETS
from app.invoices import service
from app.invoices.query import InvoiceFilter, Sort

router = APIRouter(tags=["export"])


class ExportInfo(BaseModel):
    file_name: str
    rows: int
    line_item_rows: int
    sheets: list[str]
    columns: list[str]
    line_item_columns: list[str]


class ExportData(BaseModel):
    columns: list[str]
    rows: list[dict[str, Any]]


SortParam = Annotated[Sort, Query(description="a field, '-' first for descending")]


def _file_name(prefix: str) -> str:
    return f"{prefix}-{datetime.now(UTC):%Y%m%d-%H%M%S}.xlsx"


@router.get("/api/export/download-xlsx", response_class=StreamingResponse)
async def download_xlsx(
    session: CurrentSession, store: Store, filters: Annotated[InvoiceFilter, Query()], sort: SortParam = "parsed"
) -> StreamingResponse:
    """The session's invoices (the list's filters and sort) as an .xlsx workbook."""
    invoices = await service.select_invoices(store=store, session=session, filters=filters, sort=sort)
    return xlsx_response(_file_name("invoices"), await workbook_of(invoices), count=len(invoices))


@router.get("/api/export/xlsx", response_model=ExportInfo)
async def export_info(
    session: CurrentSession, store: Store, filters: Annotated[InvoiceFilter, Query()], sort: SortParam = "parsed"
) -> ExportInfo:
    """What download-xlsx would return for these filters: file name, row counts, sheets, columns."""
    invoices = await service.select_invoices(store=store, session=session, filters=filters, sort=sort)
    return ExportInfo(
        file_name=_file_name("invoices"),
        rows=len(invoices),
        line_item_rows=sum(len(invoice.line_items) for invoice in invoices),
        sheets=list(SHEETS),
        columns=list(INVOICE_COLUMNS),
        line_item_columns=list(LINE_ITEM_COLUMNS),
    )


def _json_cell(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


@router.get("/api/invoices/xlsx/data", response_model=ExportData)
async def export_data(
    session: CurrentSession, store: Store, filters: Annotated[InvoiceFilter, Query()], sort: SortParam = "parsed"
) -> ExportData:
    """The workbook's Invoices rows as JSON (amounts as decimal strings, dates ISO)."""
    invoices = await service.select_invoices(store=store, session=session, filters=filters, sort=sort)
    rows = [{key: _json_cell(value) for key, value in invoice_row(invoice).items()} for invoice in invoices]
    return ExportData(columns=list(INVOICE_COLUMNS), rows=rows)


@router.get("/api/invoices/xlsx/stats", response_model=statistics.Stats)
async def export_stats(
    session: CurrentSession, store: Store, filters: Annotated[InvoiceFilter, Query()]
) -> statistics.Stats:
    """Processing statistics: counts by status and input format, success rate, mean confidence,
    parse time percentiles, totals by currency and month, top vendors."""
    invoices = await service.select_invoices(store=store, session=session, filters=filters, sort="parsed")
    return statistics.compute(invoices)
