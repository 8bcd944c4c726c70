"""The export endpoints: the session's invoices as a workbook, its rows as JSON, statistics."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from app.aliases import add_deprecated_aliases
from app.core.errors import ErrorBody
from app.deps import AppSettings, Pool
from app.exports import handing
from app.exports import stats as statistics
from app.exports.download import WORKBOOK_OR_JOB, Delivery
from app.exports.printing import preview_sheet, print_invoices
from app.exports.rows import INVOICE_COLUMNS, LINE_ITEM_COLUMNS, invoice_row
from app.exports.workbook import SHEETS
from app.invoices import service
from app.invoices.page_images import MAX_WIDTH, MIN_WIDTH
from app.invoices.query import InvoiceFilter, Sort
from app.invoices.schemas import InvoiceId
from app.jobs.deps import JobQueue
from app.sessions.deps import CurrentSession, Store

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


class PrintRequest(BaseModel):
    ids: list[InvoiceId] = Field(min_length=1, max_length=500, description="invoices in the order to print")
    per_page: Literal[1, 2, 4] = Field(default=1, description="cells per A4 sheet")


class PreviewRequest(PrintRequest):
    sheet: int = Field(default=1, ge=1, le=10_000, description="which sheet, from 1")
    width: int = Field(default=600, ge=MIN_WIDTH, le=MAX_WIDTH, description="pixels")


SortParam = Annotated[Sort, Query(description="a field, '-' first for descending")]


def _file_name(prefix: str, extension: str = "xlsx") -> str:
    return f"{prefix}-{datetime.now(UTC):%Y%m%d-%H%M%S}.{extension}"


@router.get(
    "/api/v2/exports/xlsx",
    response_class=StreamingResponse,
    responses=WORKBOOK_OR_JOB,
)
async def download_xlsx(
    session: CurrentSession,
    store: Store,
    settings: AppSettings,
    jobs: JobQueue,
    filters: Annotated[InvoiceFilter, Query()],
    sort: SortParam = "parsed",
    delivery: Delivery = "download",
) -> Response:
    """The session's invoices (the list's filters and sort) as an .xlsx workbook; with
    `delivery=s3`, 202 and a job that uploads it to S3 and answers with a presigned URL."""
    invoices = await service.select_invoices(store=store, session=session, filters=filters, sort=sort)
    return await handing.hand_on(
        selection=invoices,
        file_name=_file_name("invoices"),
        delivery=delivery,
        jobs=jobs,
        session=session,
        settings=settings,
    )


@router.post(
    "/api/v2/invoices/{invoice_id}/approve",
    response_class=StreamingResponse,
    responses=WORKBOOK_OR_JOB,
    tags=["invoices"],
)
async def approve_invoice(
    invoice_id: str,
    session: CurrentSession,
    store: Store,
    settings: AppSettings,
    jobs: JobQueue,
    delivery: Delivery = "download",
) -> Response:
    """Mark the invoice approved and return its workbook (`delivery=download`), or queue its upload
    to S3 (`delivery=s3`: 202 with the job, whose result holds a presigned URL; 503
    `s3_unavailable` when S3 is not enabled, `queue_unavailable` when jobs cannot be queued)."""
    return await handing.approve(
        store=store, session=session, invoice_id=invoice_id, delivery=delivery, jobs=jobs, settings=settings
    )


@router.get("/api/v2/exports/xlsx/info", response_model=ExportInfo)
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


@router.get("/api/v2/exports/rows", response_model=ExportData)
async def export_data(
    session: CurrentSession, store: Store, filters: Annotated[InvoiceFilter, Query()], sort: SortParam = "parsed"
) -> ExportData:
    """The workbook's Invoices rows as JSON (amounts as decimal strings, dates ISO)."""
    invoices = await service.select_invoices(store=store, session=session, filters=filters, sort=sort)
    rows = [{key: _json_cell(value) for key, value in invoice_row(invoice).items()} for invoice in invoices]
    return ExportData(columns=list(INVOICE_COLUMNS), rows=rows)


@router.get("/api/v2/exports/stats", response_model=statistics.Stats)
async def export_stats(
    session: CurrentSession, store: Store, filters: Annotated[InvoiceFilter, Query()]
) -> statistics.Stats:
    """Processing statistics: counts by status and input format, success rate, mean confidence,
    parse time percentiles, totals by currency and month, top vendors."""
    invoices = await service.select_invoices(store=store, session=session, filters=filters, sort="parsed")
    return statistics.compute(invoices)


@router.post(
    "/api/v2/print",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "the sheets to print"},
        413: {"model": ErrorBody, "description": "`print_too_large`: more originals than PRINT_MAX_BYTES"},
    },
)
async def print_pdf(
    body: PrintRequest, session: CurrentSession, settings: AppSettings, store: Store, pool: Pool
) -> Response:
    """The invoices' original pages on A4 sheets, 1, 2 (a landscape sheet in two halves) or 4 to a
    sheet, scaled with their aspect kept, with dashed cut guides between cells. A multi-page
    invoice takes a cell per page; one with no original PDF (OCR or XML input) gets a generated
    summary page. 404 for an id not in the session; 413 when the listings' originals add up to
    more than PRINT_MAX_BYTES."""
    pdf = await print_invoices(
        pool=pool,
        store=store,
        session=session,
        ids=body.ids,
        per_page=body.per_page,
        max_bytes=settings.print_max_bytes,
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{_file_name("invoices", "pdf")}"'},
    )


@router.post(
    "/api/v2/print/preview",
    response_class=Response,
    responses={
        200: {
            "content": {"image/png": {}},
            "description": "one sheet as a PNG; `X-Sheets` says how many the print has",
            "headers": {"X-Sheets": {"description": "sheets in the print", "schema": {"type": "integer"}}},
        },
        413: {"model": ErrorBody, "description": "`print_too_large`: more originals than PRINT_MAX_BYTES"},
    },
)
async def print_preview(
    body: PreviewRequest, session: CurrentSession, settings: AppSettings, store: Store, pool: Pool
) -> Response:
    """One sheet of the print `POST /api/v2/print` would make, as a PNG `width` pixels wide, to show
    before printing. 404 `page_not_found` past the last sheet."""
    image = await preview_sheet(
        pool=pool,
        store=store,
        session=session,
        ids=body.ids,
        per_page=body.per_page,
        max_bytes=settings.print_max_bytes,
        sheet=body.sheet,
        width=body.width,
    )
    return Response(image.png, media_type="image/png", headers={"X-Sheets": str(image.pages)})


add_deprecated_aliases(router)
