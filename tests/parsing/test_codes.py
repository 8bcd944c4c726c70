"""QR codes on invoices: made in the tests (segno; the Swiss QR-bill's payload by the qrbill
package), printed as a picture or as vector squares on a text PDF, and on a rasterised scan. A code
fills its fields exactly; where the text says otherwise the invoice goes to review."""

from __future__ import annotations

import io
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
import segno
from fastapi.testclient import TestClient
from PIL import Image
from qrbill import QRBill
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from app.parsing import parse_document, parse_recognised
from app.parsing.codes import read_code
from app.parsing.layout import Word
from app.parsing.pdf import read_codes

EPC = "BCD\n002\n1\nSCT\nCOBADEFFXXX\nMuster GmbH\nDE89370400440532013000\nEUR119.00\n\nRF18539007547034\n\n"
SWISS = QRBill(
    account="CH44 3199 9123 0008 8901 2",
    creditor={"name": "Alpenblick Treuhand AG", "pcode": "8001", "city": "Zürich", "country": "CH"},
    amount="3748.37",
    currency="CHF",
    reference_number="210000000003139471430009017",
    debtor={"name": "Bäckerei Huber GmbH", "pcode": "8400", "city": "Winterthur", "country": "CH"},
).qr_data()
FAPIAO = "01,10,044031900111,12345678,1234.56,20240315,12345678901234567890,ABCD,"
#: Where the code is drawn (points from the bottom left) and how large.
AT, SIZE = (400.0, 80.0), 120.0


def invoice_with_code(payload: str, lines: list[str], *, vector: bool) -> bytes:
    """A one-page invoice printing ``lines`` and a QR code of ``payload``: as a PNG picture, or
    drawn as one vector square per dark module (as QR-bill libraries draw them)."""
    code = segno.make(payload, error="m", micro=False)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for index, line in enumerate(lines):
        page.drawString(50, 800 - 16 * index, line)
    if vector:
        modules = code.symbol_size(scale=1, border=0)[0]
        step = SIZE / modules
        for row, bits in enumerate(code.matrix):
            for column, bit in enumerate(bits):
                if bit:
                    page.rect(AT[0] + column * step, AT[1] + SIZE - (row + 1) * step, step, step, stroke=0, fill=1)
    else:
        png = io.BytesIO()
        code.save(png, kind="png", scale=4, border=0)
        page.drawImage(ImageReader(io.BytesIO(png.getvalue())), *AT, SIZE, SIZE)
    page.save()
    return buffer.getvalue()


def scan_of(pdf: bytes, dpi: int = 200) -> bytes:
    """The page rasterised as a scanner would, in an image-only PDF."""
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=dpi / 72, grayscale=True).to_pil()
    document.close()
    out = io.BytesIO()
    Image.Image.save(image, out, format="PDF", resolution=dpi)
    return out.getvalue()


def test_the_three_codes_are_read() -> None:
    swiss = read_code(SWISS)
    assert swiss is not None and swiss.kind == "swiss_qr_bill"
    assert swiss.fields["iban"] == "CH4431999123000889012"
    assert (swiss.fields["amount_to_pay"], swiss.fields["currency"]) == (Decimal("3748.37"), "CHF")
    assert swiss.fields["payment_reference"] == "210000000003139471430009017"
    assert (swiss.fields["account_holder"], swiss.fields["buyer"]) == ("Alpenblick Treuhand AG", "Bäckerei Huber GmbH")
    epc = read_code(EPC)
    assert epc is not None and epc.kind == "epc_qr"
    assert (epc.fields["bic"], epc.fields["iban"], epc.fields["payment_reference"]) == (
        "COBADEFFXXX",
        "DE89370400440532013000",
        "RF18539007547034",
    )
    fapiao = read_code(FAPIAO)
    assert fapiao is not None and fapiao.fields["invoice_number"] == "12345678"
    assert fapiao.values["check_code"] == "12345678901234567890"
    assert str(fapiao.fields["invoice_date"]) == "2024-03-15"
    assert read_code("https://example.com/invoice/7") is None


@pytest.mark.parametrize("vector", [False, True], ids=["picture", "vector squares"])
def test_an_epc_code_fills_the_payment_fields_exactly(vector: bool) -> None:
    pdf = invoice_with_code(EPC, ["Muster GmbH", "Rechnung Nr. R-7", "Gesamtbetrag: 119,00 EUR"], vector=vector)
    invoice = parse_document(pdf)
    assert [code.kind for code in invoice.codes] == ["epc_qr"]
    assert (invoice.iban, invoice.bic, invoice.payment_reference) == (
        "DE89370400440532013000",
        "COBADEFFXXX",
        "RF18539007547034",
    )
    assert invoice.confidence["iban"] == 1.0 and invoice.total_amount == Decimal("119.00")
    box = invoice.codes[0].source
    assert box is not None and box.page == 1
    assert abs(box.x0 - AT[0]) < 4 and abs(box.top - (A4[1] - AT[1] - SIZE)) < 4  # where it is printed
    assert "qr_text_mismatch" not in [warning.code for warning in invoice.warnings]


def test_a_swiss_qr_bill_that_disagrees_with_the_text_needs_review() -> None:
    lines = ["Alpenblick Treuhand AG", "Rechnung Nr. 2024-0412", "Datum 12.04.2024", "Total CHF 3'784.37"]
    invoice = parse_document(invoice_with_code(SWISS, lines, vector=True))
    # the code's amount is what is left to pay: it does not replace the printed total, it is flagged
    assert invoice.total_amount == Decimal("3784.37")
    assert invoice.payment_reference == "210000000003139471430009017"
    mismatch = [warning for warning in invoice.warnings if warning.code == "qr_text_mismatch"]
    assert mismatch and mismatch[0].fields == ["total_amount"]
    assert invoice.needs_review()


def test_a_code_fills_a_total_the_text_did_not_give_and_confirms_an_equal_one() -> None:
    missing = parse_document(invoice_with_code(SWISS, ["Alpenblick Treuhand AG", "Rechnung Nr. 7"], vector=True))
    assert missing.total_amount == Decimal("3748.37") and missing.confidence["total_amount"] < 1
    lines = ["Alpenblick Treuhand AG", "Rechnung Nr. 7", "Total CHF 3'748.37"]
    equal = parse_document(invoice_with_code(SWISS, lines, vector=True))
    assert equal.confidence["total_amount"] == 1.0
    assert "qr_text_mismatch" not in [warning.code for warning in equal.warnings]


def test_correcting_the_field_a_code_disagreed_on_settles_it(client: TestClient) -> None:
    lines = ["Alpenblick Treuhand AG", "Rechnung Nr. 2024-0412", "Datum 12.04.2024", "Total CHF 3'784.37"]
    pdf = invoice_with_code(SWISS, lines, vector=True)
    invoice = client.post("/api/v2/invoices/parse", files={"file": ("bill.pdf", pdf, "application/pdf")}).json()
    assert "qr_text_mismatch" in [warning["code"] for warning in invoice["warnings"]]
    fixed = client.patch(f"/api/v2/invoices/{invoice['id']}/fields/total_amount", json={"value": "3748.37"}).json()
    assert "qr_text_mismatch" not in [warning["code"] for warning in fixed["warnings"]]
    other = client.patch(f"/api/v2/invoices/{invoice['id']}/fields/buyer", json={"value": "Huber"}).json()
    assert "qr_text_mismatch" not in [warning["code"] for warning in other["warnings"]]  # it stays settled


def test_codes_are_read_off_a_scan() -> None:
    scan = scan_of(invoice_with_code(FAPIAO, ["Invoice 12345678"], vector=False))
    (code,) = read_codes(scan, max_pages=5)
    assert code.text == FAPIAO and code.box.page == 1
    assert abs(code.box.x0 - AT[0]) < 4  # in points, though found in the scan's pixels


def test_a_scan_s_code_settles_the_fields_its_ocr_read() -> None:
    scan = scan_of(invoice_with_code(FAPIAO, ["Invoice 12345678"], vector=True))
    words = [[Word("Invoice", 50, 30, 90, 40), Word("12345670", 95, 30, 140, 40)]]  # an OCR misread
    invoice = parse_recognised(words, read_codes(scan, max_pages=5))
    assert invoice.invoice_number == "12345678" and invoice.subtotal == Decimal("1234.56")
    assert [code.kind for code in invoice.codes] == ["fapiao_qr"]
    assert "qr_text_mismatch" in [warning.code for warning in invoice.warnings]  # the OCR read 12345670


def test_a_fine_scan_too_large_to_decode_whole_is_searched_in_its_rendering() -> None:
    fine = scan_of(invoice_with_code(EPC, ["Muster GmbH"], vector=False), dpi=600)  # 35 megapixels
    (code,) = read_codes(fine, max_pages=5)
    assert code.text == EPC and abs(code.box.x0 - AT[0]) < 4
