"""A scan sent as an image (JPEG, PNG, TIFF) is read like a scanned PDF and kept as one; an image
that is broken, too large or has too many pages gets its own clear error."""

from __future__ import annotations

import io
from collections.abc import Callable

import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from app.ocr.scanned import installed_engines
from tests.conftest import need, upload
from tests.ocr.pages import DATE, NUMBER, TOTAL, scanned_image


@pytest.mark.parametrize(
    ("image_format", "dpi", "name"),
    [("JPEG", 200, "photo.jpg"), ("PNG", None, "scan.png"), ("TIFF", 200, "scan.tiff")],
)
def test_a_scan_sent_as_an_image_is_read_and_kept_as_a_pdf(
    make_app: Callable[..., TestClient], image_format: str, dpi: int | None, name: str
) -> None:
    need("tesseract" in installed_engines(), "tesseract-ocr (bash scripts/install-system-packages)")
    client = make_app(ocr_engine="tesseract", ocr_languages="eng")
    response = upload(client, scanned_image(image_format, dpi=dpi), name)
    assert response.status_code == 201, response.json()
    invoice = response.json()
    found = (invoice["input_format"], invoice["invoice_number"], invoice["invoice_date"], invoice["total_amount"])
    assert found == ("pdf_scanned", NUMBER, DATE, TOTAL)
    assert invoice["file_name"] == name and invoice["pages"] == 1
    again = client.post(f"/api/v2/invoices/{invoice['id']}/reprocess")  # from the PDF it was kept as
    assert again.status_code == 200 and again.json()["total_amount"] == TOTAL


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (lambda: b"\xff\xd8\xff\xe0" + b"\x00" * 300, 422, "corrupt_image"),
        (lambda: _png(10_000, 10_000), 413, "image_too_large"),  # 100 megapixels in a 12 KB file
        (lambda: _png(70_000, 10), 413, "image_too_large"),  # a strip no PDF page could hold
        (lambda: scanned_image("TIFF", pages=7), 422, "too_many_pages"),
    ],
    ids=["broken-jpeg", "pixel-bomb", "strip", "many-pages"],
)
def test_images_that_cannot_be_read(
    make_app: Callable[..., TestClient], data: Callable[[], bytes], status: int, code: str
) -> None:
    client = make_app(ocr_engine="none")
    response = upload(client, data(), "scan.png")
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert client.get("/api/v2/invoices").json()["items"] == []


def test_without_ocr_an_image_is_a_scan_that_needs_it(make_app: Callable[..., TestClient]) -> None:
    response = upload(make_app(ocr_engine="none"), scanned_image("PNG"), "scan.png")
    assert (response.status_code, response.json()["error"]["code"]) == (422, "scanned_pdf_needs_ocr")


def test_a_photo_of_an_invoice_with_a_sepa_code_is_paid_from_the_code(make_app: Callable[..., TestClient]) -> None:
    """End to end: a photo (PNG) of a page carrying an EPC QR code; OCR reads the words, the code
    settles the account, reference and amount exactly."""
    need("tesseract" in installed_engines(), "tesseract-ocr (bash scripts/install-system-packages)")
    from tests.parsing.test_codes import EPC, invoice_with_code

    document = pdfium.PdfDocument(invoice_with_code(EPC, ["Muster GmbH", "Rechnung Nr. R-7"], vector=False))
    photo = io.BytesIO()
    document[0].render(scale=200 / 72, grayscale=True).to_pil().save(photo, format="PNG")
    client = make_app(ocr_engine="tesseract", ocr_languages="eng")
    invoice = upload(client, photo.getvalue(), "photo.png").json()
    assert invoice["input_format"] == "pdf_scanned"
    assert [code["kind"] for code in invoice["codes"]] == ["epc_qr"]
    assert (invoice["iban"], invoice["payment_reference"], invoice["total_amount"]) == (
        "DE89370400440532013000",
        "RF18539007547034",
        "119.00",
    )
    assert invoice["confidence"]["iban"] == 1.0
