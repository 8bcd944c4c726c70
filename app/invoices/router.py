from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from app.core.errors import AppError
from app.deps import AppSettings
from app.invoices import bulk, service
from app.invoices.archives import Upload, bulk_limits
from app.invoices.deps import Parser
from app.invoices.page_images import DEFAULT_WIDTH, MAX_WIDTH, MIN_WIDTH
from app.invoices.query import InvoiceFilter, Sort
from app.invoices.schemas import (
    BatchDeleteRequest,
    BatchDeleteResult,
    BulkResponse,
    FieldValue,
    Invoice,
    InvoicePage,
)
from app.invoices.uploads import FormParts, read_multipart
from app.sessions.deps import CurrentSession, Store

router = APIRouter(prefix="/api/v2/invoices", tags=["invoices"])


def _form(*, required: bool = True, **parts: dict[str, object]) -> dict[str, object]:
    """OpenAPI for a multipart body of these parts and no other, at least one of them when the
    body is required (the endpoints read the stream themselves)."""
    schema: dict[str, object] = {"type": "object", "properties": parts, "additionalProperties": False}
    if required:
        schema["anyOf"] = [{"required": [name]} for name in parts]
    return {"requestBody": {"required": required, "content": {"multipart/form-data": {"schema": schema}}}}


def _binary(description: str) -> dict[str, object]:
    return {"type": "string", "format": "binary", "description": description}


_UPLOAD_BODY = _form(
    file=_binary("The invoice: a PDF (text, scanned, Factur-X/ZUGFeRD), CII/UBL XML, or a scan as JPEG, PNG or TIFF."),
    ocr=_binary(
        "OCR output for the invoice (Baidu VAT or general OCR JSON, or plain text), alone or beside the PDF "
        "it was made from."
    ),
)
_BULK_BODY = _form(
    files={
        "type": "array",
        "items": {"type": "string", "format": "binary"},
        "description": "Invoices (PDF, CII/UBL XML, scans as images, e-mails as .eml) and/or ZIP archives of them.",
    },
    zip=_binary("A ZIP of invoices; folders inside are fine."),
)
_REPROCESS_BODY = _form(required=False, ocr=_binary("New OCR output to read the fields from instead."))
_PARTS = FormParts(frozenset({"file", "ocr"}), "Send the document as 'file' and OCR output as 'ocr'.")
_BULK_PARTS = FormParts(frozenset({"files", "zip"}), "Send documents as 'files' and archives as 'zip'.")
_REPROCESS_PARTS = FormParts(frozenset({"ocr"}), "Reprocess takes one optional part: 'ocr'.")


@router.post("/parse", status_code=status.HTTP_201_CREATED, response_model=Invoice, openapi_extra=_UPLOAD_BODY)
async def parse_invoice(
    request: Request, session: CurrentSession, settings: AppSettings, store: Store, parser: Parser
) -> Invoice:
    """Parse one invoice (multipart part `file`) and/or its OCR output (part `ocr`) and keep it in
    the session. With both, the fields come from the OCR and the PDF is kept as the original.

    Errors: 400 empty or missing file, 413 larger than MAX_UPLOAD_BYTES, 415 not a PDF or XML,
    422 encrypted, corrupt, too many pages, scanned without OCR, hostile or invalid XML, invalid
    OCR output, or too slow/heavy to parse; 503 when the configured OCR service is unavailable."""
    parts = await read_multipart(request, _PARTS, max_part_bytes=settings.max_upload_bytes, max_parts=2)
    by_name = {name: [part for part in parts if part.name == name] for name in _PARTS.names}
    if not parts or any(len(found) > 1 for found in by_name.values()):
        raise AppError(
            "missing_file",
            "Send one document in the multipart part 'file', its OCR output in 'ocr', or both.",
            field="file",
        )
    document = by_name["file"][0] if by_name["file"] else None
    ocr = by_name["ocr"][0] if by_name["ocr"] else None
    named = document or parts[0]
    invoice = await service.parse_into_session(
        parser=parser,
        store=store,
        session=session,
        data=bytes(document.data) if document else None,
        ocr=bytes(ocr.data) if ocr else None,
        file_name=named.filename,
        source="upload",
    )
    return await service.with_duplicate_flag(invoice, store=store, session=session)


@router.post("/bulk", response_model=BulkResponse, openapi_extra=_BULK_BODY)
async def parse_bulk(
    request: Request, session: CurrentSession, settings: AppSettings, store: Store, parser: Parser
) -> BulkResponse:
    """Parse many invoices at once: repeated `files` parts and/or ZIP archives (part `zip`, or a
    `.zip` among the files; folders inside are fine). Each document gets its own result, an
    `invoice` or an `error`, in the order sent; `summary` counts the outcomes.

    Refused as a whole (nothing parsed or kept): 413 `too_many_files` over BULK_MAX_FILES
    documents, 413 `upload_too_large` over BULK_MAX_BYTES once unpacked, 413 `session_full` when the
    session has no room for them. Per document: the errors of a single parse, and for ZIP entries
    `nested_archive`, `encrypted_archive_entry`, `suspicious_compression` (zip bomb),
    `invalid_archive`, `too_many_entries` (over ZIP_MAX_ENTRIES)."""
    parts = await read_multipart(
        request,
        _BULK_PARTS,
        max_part_bytes=settings.bulk_max_bytes,
        max_parts=settings.bulk_max_files,
        max_body_bytes=settings.bulk_max_bytes,
    )
    if not parts:
        raise AppError("missing_file", "Send documents in repeated 'files' parts or a ZIP in 'zip'.", field="files")
    uploads = []
    for part in parts:
        declared_zip = part.name == "zip" or "zip" in (part.content_type or "")
        uploads.append(Upload(file_name=part.filename, data=bytes(part.data), declared_zip=declared_zip))
        part.data.clear()  # one part held twice at a time, not the whole request
    return await bulk.parse_bulk(
        parser=parser, store=store, session=session, uploads=uploads, limits=bulk_limits(settings)
    )


@router.get("", response_model=InvoicePage)
async def list_invoices(
    session: CurrentSession,
    store: Store,
    filters: Annotated[InvoiceFilter, Query()],
    sort: Annotated[Sort, Query(description="a field, '-' first for descending")] = "parsed",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> InvoicePage:
    """The session's invoices (oldest first by default), filtered, sorted, a page at a time."""
    return await service.list_invoices(
        store=store, session=session, filters=filters, sort=sort, limit=limit, cursor=cursor
    )


@router.get("/{invoice_id}", response_model=Invoice)
async def get_invoice(invoice_id: str, session: CurrentSession, store: Store) -> Invoice:
    """One invoice of the session (404 for ids of other sessions)."""
    return await service.get_invoice(store=store, session=session, invoice_id=invoice_id)


@router.get(
    "/{invoice_id}/pages/{page}",
    response_class=Response,
    responses={
        200: {
            "content": {"image/png": {}},
            "description": "the page as a PNG image",
            "headers": {
                "X-Page-Size": {
                    "description": "the page's width and height in PDF points",
                    "schema": {"type": "string"},
                }
            },
        }
    },
)
async def page_image(
    invoice_id: str,
    page: Annotated[int, Path(ge=1, le=10_000, description="the page number, from 1")],
    session: CurrentSession,
    store: Store,
    parser: Parser,
    width: Annotated[
        int, Query(ge=MIN_WIDTH, le=MAX_WIDTH, description="pixels; the height follows the page")
    ] = DEFAULT_WIDTH,
) -> Response:
    """A page of the invoice's kept PDF (a scan sent as an image is kept as one) rendered as a PNG,
    to show the document beside its fields. `X-Page-Size` gives the page's width and height in PDF
    points, the unit of the fields' `sources` (measured from the top left). 404 `page_not_found` past
    the last page or for an invoice read from XML or OCR output."""
    image = await service.page_image(
        parser=parser, store=store, session=session, invoice_id=invoice_id, number=page, width=width
    )
    headers = {
        "Cache-Control": "private, max-age=3600",
        "X-Page-Size": f"{image.width_points} {image.height_points}",  # the boxes' unit: PDF points
    }
    return Response(image.png, media_type="image/png", headers=headers)


@router.post("/{invoice_id}/reprocess", response_model=Invoice, openapi_extra=_REPROCESS_BODY)
async def reprocess_invoice(
    invoice_id: str, request: Request, session: CurrentSession, settings: AppSettings, store: Store, parser: Parser
) -> Invoice:
    """Parse the invoice's original again, optionally with new OCR output (multipart part `ocr`).
    Corrections made so far are applied again on top and stay on record."""
    ocr = None
    if request.headers.get("content-type", "").startswith("multipart/"):
        parts = await read_multipart(request, _REPROCESS_PARTS, max_part_bytes=settings.max_upload_bytes, max_parts=1)
        if parts and not bytes(parts[0].data).strip():
            raise AppError("empty_file", "The 'ocr' part is empty.", field="ocr")
        ocr = bytes(parts[0].data) if parts else None
    invoice = await service.reprocess_invoice(
        parser=parser, store=store, session=session, invoice_id=invoice_id, ocr=ocr
    )
    return await service.with_duplicate_flag(invoice, store=store, session=session)


@router.patch("/{invoice_id}/fields/{field}", response_model=Invoice)
async def correct_field(
    invoice_id: str, field: str, body: FieldValue, session: CurrentSession, store: Store
) -> Invoice:
    """Correct one field. The value is checked for the field's type (422 `invalid_value` saying
    what is expected; 404 `unknown_field` for a field that cannot be corrected), the document's
    checks run again, the field's confidence becomes 1.0, the status is recomputed (an approved
    invoice needs approving again) and the change is recorded in `corrections`."""
    invoice = await service.correct_field(
        store=store, session=session, invoice_id=invoice_id, field=field, value=body.value
    )
    return await service.with_duplicate_flag(invoice, store=store, session=session)


@router.delete("/{invoice_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def delete_invoice(invoice_id: str, session: CurrentSession, store: Store) -> Response:
    """Delete one invoice and its original document from the session."""
    await service.delete_invoice(store=store, session=session, invoice_id=invoice_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/batch-delete", response_model=BatchDeleteResult)
async def batch_delete(body: BatchDeleteRequest, session: CurrentSession, store: Store) -> BatchDeleteResult:
    """Delete several invoices at once; ids not in the session are listed in `not_found`."""
    return await service.delete_invoices(store=store, session=session, ids=body.ids)
