"""Every kind of bad upload gets a JSON error with a code, the right 4xx, and the session keeps its data."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfWriter

from tests.conftest import corpus_bytes, upload
from tests.hostile import assemble_pdf, simple_text_pdf, text_bomb_pdf

UBL_SAMPLE = Path(__file__).parents[1] / "samples" / "ubl_invoice.xml"


def _blank_pdf(pages: int, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _truncated() -> bytes:
    data = corpus_bytes("de-rechnung-01.pdf")
    return data[: len(data) // 3]


CASES: list[tuple[str, Callable[[], bytes], int, str]] = [
    ("empty", lambda: b"", 400, "empty_file"),
    ("whitespace only", lambda: b"  \n\t ", 400, "empty_file"),
    ("broken png named .pdf", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, 422, "corrupt_image"),
    ("plain text", lambda: b"Invoice 42, total 100.00 EUR", 415, "unsupported_media_type"),
    ("encrypted", lambda: _blank_pdf(1, password="s3cret"), 422, "encrypted_pdf"),
    ("too many pages", lambda: _blank_pdf(6), 422, "too_many_pages"),
    ("garbage after header", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 20, 422, "corrupt_pdf"),
    ("truncated", _truncated, 422, "corrupt_pdf"),
    ("image only (scanned)", lambda: corpus_bytes("de-rechnung-scan-02.pdf"), 422, "scanned_pdf_needs_ocr"),
]


@pytest.mark.parametrize(("data", "status", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_document_gets_clear_error_and_session_keeps_data(
    client: TestClient, data: Callable[[], bytes], status: int, code: str
) -> None:
    kept = upload(client, corpus_bytes("uk-invoice-01.pdf")).json()["id"]

    response = upload(client, data(), "invoice.pdf")

    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert len(error["message"]) > 20 and "Traceback" not in error["message"]
    listed = client.get("/api/v2/invoices").json()
    assert [item["id"] for item in listed["items"]] == [kept]


def test_file_larger_than_limit_is_413(make_app: Callable[..., TestClient]) -> None:
    client = make_app(max_upload_bytes=50_000)
    response = upload(client, b"%PDF-1.4\n" + b"0" * 60_000)
    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "file_too_large",
        "message": "The part 'file' is larger than the limit of 50,000 bytes. Upload a smaller file.",
        "field": "file",
    }


def test_declared_oversized_body_is_refused_before_reading(client: TestClient) -> None:
    response = client.post(
        "/api/v2/invoices/parse",
        content=b"--x--\r\n",
        headers={"content-type": "multipart/form-data; boundary=x", "content-length": str(10**10)},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"


def test_not_multipart_is_415(client: TestClient) -> None:
    response = client.post("/api/v2/invoices/parse", json={"file": "x"})
    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["error"]["message"]


def test_missing_file_part_is_400(client: TestClient) -> None:
    response = client.post("/api/v2/invoices/parse", files={"document": ("a.pdf", b"%PDF-1.4", "application/pdf")})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unexpected_part"
    response = client.post("/api/v2/invoices/parse", data={}, files={})
    assert response.status_code in (400, 415)


def test_malformed_multipart_is_400(client: TestClient) -> None:
    response = client.post(
        "/api/v2/invoices/parse",
        content=b"this is not multipart at all",
        headers={"content-type": "multipart/form-data; boundary=zzz"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("malformed_multipart", "missing_file")


def test_parser_hang_is_stopped_and_worker_replaced(make_app: Callable[..., TestClient]) -> None:
    client = make_app(parse_timeout_seconds=1, parse_memory_mb=16_384, parse_workers=1)
    kept = upload(client, corpus_bytes("us-invoice-01.pdf")).json()["id"]

    response = upload(client, text_bomb_pdf())

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "parse_timeout"
    # the only worker was killed; a fresh one serves the next document
    after = upload(client, corpus_bytes("us-invoice-04.pdf"))
    assert after.status_code == 201
    assert [item["id"] for item in client.get("/api/v2/invoices").json()["items"]] == [kept, after.json()["id"]]


def test_parser_memory_bomb_is_stopped(make_app: Callable[..., TestClient]) -> None:
    client = make_app(parse_timeout_seconds=60, parse_memory_mb=512, parse_workers=1)

    response = upload(client, text_bomb_pdf())

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "parse_resources_exceeded"
    assert upload(client, corpus_bytes("us-invoice-04.pdf")).status_code == 201


def _missing_page_pdf() -> bytes:
    """A page tree listing a second page whose object the file does not hold."""
    return assemble_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 9 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        ]
    )


OCR_CASES: list[tuple[str, bytes]] = [
    ("nested 1000 deep", b'{"a":' * 1000 + b"1" + b"}" * 1000),
    ("integer of 4400 digits", b'{"words_result": {"AmountInFiguers": ' + b"9" * 4400 + b"}}"),
]


@pytest.mark.parametrize("ocr", [case[1] for case in OCR_CASES], ids=[case[0] for case in OCR_CASES])
def test_hostile_ocr_json_is_a_422_not_a_500(client: TestClient, ocr: bytes) -> None:
    kept = upload(client, corpus_bytes("uk-invoice-01.pdf")).json()["id"]
    response = client.post(
        "/api/v2/invoices/parse",
        files={"file": ("a.pdf", corpus_bytes("uk-invoice-01.pdf"), "application/pdf"), "ocr": ("o.json", ocr)},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_ocr"
    assert [item["id"] for item in client.get("/api/v2/invoices").json()["items"]] == [kept]


def test_a_page_tree_naming_a_missing_object_is_a_corrupt_pdf(client: TestClient) -> None:
    response = upload(client, _missing_page_pdf())
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "corrupt_pdf"


def test_amounts_of_27_digits_are_left_empty_with_a_warning(client: TestClient) -> None:
    text_pdf = simple_text_pdf(
        ["ACME Ltd", "Invoice No: 1", "Date: 2024-01-02", "Total: 999999999999999999999999999.00 EUR"]
    )
    parsed = upload(client, text_pdf)
    assert parsed.status_code == 201 and parsed.json()["total_amount"] is None
    ocr = b'{"words_result": {"InvoiceNum": "1", "AmountInFiguers": "' + b"9" * 27 + b'.00"}}'
    from_ocr = client.post(
        "/api/v2/invoices/parse", files={"file": ("a.txt", b"", "text/plain"), "ocr": ("o.json", ocr)}
    )
    assert from_ocr.status_code == 201 and from_ocr.json()["total_amount"] is None
    ubl = UBL_SAMPLE.read_bytes().replace(
        b">357.00</cbc:TaxInclusiveAmount>", b">" + b"9" * 27 + b".00</cbc:TaxInclusiveAmount>"
    )
    from_xml = upload(client, ubl, "invoice.xml")
    assert from_xml.status_code == 201 and from_xml.json()["total_amount"] is None
    assert "amount_out_of_range" in [warning["code"] for warning in from_xml.json()["warnings"]]
    invoice_id = from_xml.json()["id"]
    huge_item = [{"description": "x", "quantity": "1", "unit_price": "1", "amount": "9" * 27}]
    patched = client.patch(f"/api/v2/invoices/{invoice_id}/fields/line_items", json={"value": huge_item})
    assert patched.status_code == 422 and patched.json()["error"]["code"] == "invalid_value"
    assert client.get("/api/invoices/tracking/dashboard").status_code == 200


def _zip_of_two_invoices(compression: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        archive.writestr("a.pdf", corpus_bytes("uk-invoice-01.pdf"))
        archive.writestr("b.pdf", corpus_bytes("de-rechnung-01.pdf"))
    return buffer.getvalue()


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED], ids=["stored", "deflated"])
def test_a_zip_on_the_single_endpoint_is_sent_to_bulk(client: TestClient, compression: int) -> None:
    """A stored ZIP's PDFs lie in it as they are, so a PDF reader once kept the last and dropped the rest."""
    response = upload(client, _zip_of_two_invoices(compression), "march.zip")
    assert response.status_code == 415
    error = response.json()["error"]
    assert error["code"] == "unsupported_media_type" and "/api/v2/invoices/bulk" in error["message"]
    assert client.get("/api/v2/invoices").json()["items"] == []


def test_the_file_beside_ocr_output_must_be_a_document(client: TestClient) -> None:
    executable = b"MZ\x90\x00" + bytes(range(256)) * 64
    response = client.post(
        "/api/v2/invoices/parse",
        files={"file": ("a.pdf", executable, "application/pdf"), "ocr": ("o.txt", b"Invoice 1\nTotal 10.00 EUR")},
    )
    assert response.status_code == 415
    assert (response.json()["error"]["code"], response.json()["error"]["field"]) == ("unsupported_media_type", "file")
    assert client.get("/api/v2/invoices").json()["items"] == []


def _ids_json(size: int) -> bytes:
    """A batch-delete body of about ``size`` bytes."""
    return b'{"ids": [' + b",".join([b'"inv_0000000000000000"'] * (size // 23)) + b"]}"


def test_a_json_body_over_the_limit_is_refused_before_it_is_read(make_app: Callable[..., TestClient]) -> None:
    client = make_app(max_body_bytes=64 * 1024)
    kept = upload(client, corpus_bytes("uk-invoice-01.pdf")).json()["id"]
    as_json = {"content-type": "application/json"}
    small = client.post("/api/v2/invoices/batch-delete", content=_ids_json(16 * 1024), headers=as_json)
    assert small.status_code == 200

    declared = client.post("/api/v2/invoices/batch-delete", content=_ids_json(256 * 1024), headers=as_json)
    assert (declared.status_code, declared.json()["error"]["code"]) == (413, "payload_too_large")

    chunks = iter([_ids_json(256 * 1024)[i : i + 16 * 1024] for i in range(0, 256 * 1024, 16 * 1024)])
    streamed = client.post(
        "/api/v2/invoices/batch-delete", content=chunks, headers={"content-type": "application/json"}
    )
    assert (streamed.status_code, streamed.json()["error"]["code"]) == (413, "payload_too_large")

    # a body called multipart gets the uploads' room, not more, whichever endpoint it is sent to
    as_form = client.post(
        "/api/v2/invoices/batch-delete",
        content=b"x" * (3 * 2 * 1024 * 1024),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert as_form.status_code in (400, 413, 422)
    assert [item["id"] for item in client.get("/api/v2/invoices").json()["items"]] == [kept]


def _ubl(old: bytes, new: bytes) -> bytes:
    sample = UBL_SAMPLE.read_bytes()
    assert old in sample
    return sample.replace(old, new, 1)


_NUMBERS_NO_DECIMAL_HOLDS = [
    ("total NaN", _ubl(b">357.00</cbc:PayableAmount>", b">NaN</cbc:PayableAmount>")),
    ("total Infinity", _ubl(b">357.00</cbc:PayableAmount>", b">-Infinity</cbc:PayableAmount>")),
    ("total 1E+1000000", _ubl(b">357.00</cbc:PayableAmount>", b">1E+1000000</cbc:PayableAmount>")),
    ("price sNaN", _ubl(b">50.00</cbc:PriceAmount>", b">sNaN</cbc:PriceAmount>")),
    ("base quantity 1E-1000000", _ubl(b"<cbc:BaseQuantity>10<", b"<cbc:BaseQuantity>1E-1000000<")),
]


@pytest.mark.parametrize(
    "xml", [case[1] for case in _NUMBERS_NO_DECIMAL_HOLDS], ids=[case[0] for case in _NUMBERS_NO_DECIMAL_HOLDS]
)
def test_an_xml_number_that_is_no_decimal_is_left_empty(client: TestClient, xml: bytes) -> None:
    response = upload(client, xml, "invoice.xml")
    assert response.status_code == 201
    invoice = response.json()
    assert invoice["vendor"] and invoice["total_amount"] in (None, "357.00")


def test_an_xml_encoding_python_does_not_know_is_invalid_xml(client: TestClient) -> None:
    xml = _ubl(b'encoding="UTF-8"', b'encoding="IBAN-DE89-SECRET"')
    response = upload(client, xml, "invoice.xml")
    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_xml")


_ODD_OCR = [
    ("commodity column a number", b'{"words_result": {"InvoiceNum": "1", "CommodityName": 5}}'),
    ("row a superscript", b'{"words_result": {"InvoiceNum": "1", "CommodityName": [{"row": "\\u00b2", "word": "x"}]}}'),
    ("row of 5000 digits", b'{"words_result": {"CommodityName": [{"row": "' + b"9" * 5000 + b'", "word": "x"}]}}'),
    ("a lone surrogate", b'{"words_result": {"InvoiceNum": "1", "SellerName": "ACME\\ud800 Ltd"}}'),
    ("general OCR, a lone surrogate", b'{"words_result": [{"words": "ACME\\udfff Ltd"}, {"words": "Total 5.00"}]}'),
]


@pytest.mark.parametrize("ocr", [case[1] for case in _ODD_OCR], ids=[case[0] for case in _ODD_OCR])
def test_odd_ocr_json_is_read_as_far_as_it_goes(client: TestClient, ocr: bytes) -> None:
    response = client.post("/api/v2/invoices/parse", files={"ocr": ("o.json", ocr)})
    assert response.status_code == 201
    assert "\\ud8" not in response.text and "\\udf" not in response.text
    assert client.get(f"/api/v2/invoices/{response.json()['id']}").status_code == 200


@pytest.mark.parametrize("quantity", ["1.2345678", "99999999999999999"])
def test_a_receipt_quantity_that_is_no_figure_is_no_500(client: TestClient, quantity: str) -> None:
    receipt = f"Corner Shop\nMilk\n{quantity} x 3.60 7.20\nTotal 7.20 EUR".encode()
    response = client.post("/api/v2/invoices/parse", files={"ocr": ("o.txt", receipt)})
    assert response.status_code == 201
    assert response.json()["total_amount"] == "7.20"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v2/invoices/batch-delete", b'{"ids": ["\\ud800"]}'),
        ("/api/v2/print", b'{"ids": ["\\ud800"], "per_page": 1}'),
        ("/api/invoices/tracking/update-status", b'{"invoice_id": "\\ud800", "status": "paid"}'),
    ],
)
def test_an_id_no_store_can_hold_is_a_422(
    make_app: Callable[..., TestClient], redis_url: str, path: str, body: bytes
) -> None:
    """A lone surrogate is valid JSON but no text: Redis could not encode it, the answer could
    not be written (500s)."""
    for client in (make_app(), make_app(redis_url=redis_url)):
        response = client.post(path, content=body, headers={"content-type": "application/json"})
        assert (response.status_code, response.json()["error"]["code"]) == (422, "validation_error")
