"""Handing a selection of invoices on as a workbook: streamed to the caller, or uploaded to S3 by
a job that answers with a presigned URL; and approving an invoice, which hands it on."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from fastapi import Response, status
from fastapi.responses import JSONResponse

from app.core.settings import Settings
from app.delivery import s3
from app.delivery.schemas import JobAccepted
from app.delivery.service import check_s3_delivery
from app.exports.download import Delivery, safe_file_name, workbook_of, xlsx_response
from app.exports.workbook import XLSX_MEDIA_TYPE, build_workbook
from app.invoices import service as invoices
from app.invoices.schemas import Invoice
from app.jobs.backends import Jobs, JobSpec
from app.jobs.policy import with_jitter
from app.jobs.router import enqueue
from app.sessions.store import SessionStore
from app.sessions.token import Session


async def hand_on(
    *, selection: list[Invoice], file_name: str, delivery: Delivery, jobs: Jobs, session: Session, settings: Settings
) -> Response:
    """The selection's workbook as a download, or (delivery=s3) 202 with the job uploading it."""
    if delivery == "s3":
        accepted = await request_s3_export(
            jobs=jobs, session=session, settings=settings, selection=selection, file_name=file_name
        )
        return JSONResponse(accepted.model_dump(), status_code=status.HTTP_202_ACCEPTED)
    return xlsx_response(file_name, await workbook_of(selection), count=len(selection))


async def approve(
    *, store: SessionStore, session: Session, invoice_id: str, delivery: Delivery, jobs: Jobs, settings: Settings
) -> Response:
    """Approve an invoice and hand it on. S3 delivery is checked first, so that an approval never
    happens when its upload cannot."""
    if delivery == "s3":
        await check_s3_delivery(jobs=jobs, settings=settings)
    invoice = await invoices.approve_invoice(store=store, session=session, invoice_id=invoice_id)
    name = safe_file_name(f"invoice-{invoice.invoice_number or invoice.id}") + ".xlsx"
    return await hand_on(
        selection=[invoice], file_name=name, delivery=delivery, jobs=jobs, session=session, settings=settings
    )


def export_workbook(*, invoices: list[dict[str, Any]], file_name: str, **upload: Any) -> dict[str, Any]:
    """The S3 export job: build the workbook of ``invoices`` and upload it (delivery/s3.py)."""
    workbook = build_workbook([Invoice.model_validate(invoice) for invoice in invoices])
    return s3.upload(body=workbook, content_type=XLSX_MEDIA_TYPE, file_name=file_name, **upload)


async def request_s3_export(
    *, jobs: Jobs, session: Session, settings: Settings, selection: list[Invoice], file_name: str
) -> JobAccepted:
    """Queue a job that uploads the selection's workbook to S3 and answers with a presigned URL.
    The object's key is random: the job record and its result (the URL) are kept readable in
    Redis, so the file name, which may carry an invoice number, travels sealed with the invoices
    and reaches S3 only as the object's Content-Disposition."""
    await check_s3_delivery(jobs=jobs, settings=settings)
    job_id = "job_" + secrets.token_hex(12)
    key = f"{settings.s3_prefix}{datetime.now(UTC):%Y/%m/%d}/{secrets.token_hex(12)}.xlsx"
    spec = JobSpec(
        job_id=job_id,
        kind="s3_export",
        queue="exports",
        function="app.exports.handing.export_workbook",
        arguments={
            "bucket": settings.s3_bucket,
            "key": key,
            "region": settings.s3_region,
            "endpoint_url": settings.s3_endpoint_url,
            "url_expires": settings.s3_url_expires,
        },
        private={
            "invoices": [invoice.model_dump(mode="json", by_alias=True) for invoice in selection],
            "file_name": file_name,
        },
        session_id=session.id,
        session_expires_in=session.seconds_left(),
        schedule=with_jitter(settings.s3_schedule),
    )
    await enqueue(jobs, spec)
    return JobAccepted(job_id=job_id, status_url=f"/api/v2/jobs/{job_id}")
