"""Every kind of invoice document through HTTP: Factur-X, bare XML, OCR output alone or beside a PDF."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable

import pypdfium2 as pdfium
from fastapi.testclient import TestClient

from tests.conftest import CORPUS, corpus_bytes, need, upload
from tests.parsing.test_einvoice import BILLION_LAUGHS, XXE


def _truth(name: str) -> dict[str, object]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest if e["file"] == f"docs/{name}")
    return json.loads((CORPUS / entry["truth"]).read_text(encoding="utf-8"))


def _attached_xml(name: str) -> bytes:
    pdf = pdfium.PdfDocument(corpus_bytes(name))
    return bytes(pdf.get_attachment(0).get_data())


def test_facturx_pdf_is_read_from_its_xml(client: TestClient) -> None:
    response = upload(client, corpus_bytes("fr-facturx-01.pdf"))
    assert response.status_code == 201
    body, truth = response.json(), _truth("fr-facturx-01.pdf")
    assert body["input_format"] == "facturx"
    for name in ("vendor", "vendor_tax_id", "buyer", "invoice_number", "invoice_date", "total_amount", "tax_amount"):
        assert body[name] == truth[name], name
    assert len(body["line_items"]) == len(truth["line_items"])  # type: ignore[arg-type]
    assert body["status"] == "parsed"


def test_bare_cii_xml_upload(client: TestClient) -> None:
    response = upload(client, _attached_xml("de-zugferd-02.pdf"), "invoice.xml")
    assert response.status_code == 201
    assert response.json()["input_format"] == "xml"
    assert response.json()["total_amount"] == _truth("de-zugferd-02.pdf")["total_amount"]


def test_hostile_xml_is_422_and_the_session_keeps_its_invoices(client: TestClient) -> None:
    kept = upload(client, corpus_bytes("uk-invoice-01.pdf")).json()["id"]
    for document in (BILLION_LAUGHS, XXE):
        response = upload(client, document, "invoice.xml")
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "hostile_xml"
        assert "passwd" not in response.text
    assert [item["id"] for item in client.get("/api/v2/invoices").json()["items"]] == [kept]


def test_ocr_json_alone(client: TestClient) -> None:
    response = client.post(
        "/api/v2/invoices/parse",
        files={"ocr": ("fapiao.ocr.json", corpus_bytes("cn-fapiao-ocr-01.ocr.json"), "application/json")},
    )
    assert response.status_code == 201
    body, truth = response.json(), _truth("cn-fapiao-ocr-01.ocr.json")
    assert body["input_format"] == "ocr_json" and body["file_name"] == "fapiao.ocr.json"
    assert (body["invoice_number"], body["total_amount"]) == (truth["invoice_number"], truth["total_amount"])


def test_ocr_text_beside_the_scanned_pdf(client: TestClient) -> None:
    response = client.post(
        "/api/v2/invoices/parse",
        files={
            "file": ("scan.pdf", corpus_bytes("de-rechnung-scan-02.pdf"), "application/pdf"),
            "ocr": ("scan.txt", corpus_bytes("de-rechnung-ocr-02.ocr.txt"), "text/plain"),
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["input_format"] == "ocr_text" and body["file_name"] == "scan.pdf"
    assert body["invoice_number"] == _truth("de-rechnung-ocr-02.ocr.txt")["invoice_number"]


def test_malformed_ocr_is_422_naming_the_part(client: TestClient) -> None:
    response = client.post(
        "/api/v2/invoices/parse", files={"ocr": ("x.json", b'{"words_result": 3}', "application/json")}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_ocr" and response.json()["error"]["field"] == "ocr"


def test_empty_ocr_part_alone_is_400_naming_the_part(client: TestClient) -> None:
    response = client.post("/api/v2/invoices/parse", files={"ocr": ("x.txt", b"  \n", "text/plain")})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "empty_file" and response.json()["error"]["field"] == "ocr"


def test_two_documents_in_one_request_are_refused(client: TestClient) -> None:
    document = corpus_bytes("uk-invoice-01.pdf")
    response = client.post(
        "/api/v2/invoices/parse",
        files=[("file", ("a.pdf", document, "application/pdf")), ("file", ("b.pdf", document, "application/pdf"))],
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "missing_file"


def test_scanned_pdf_is_read_by_tesseract_when_enabled(make_app: Callable[..., TestClient]) -> None:
    need(shutil.which("tesseract") is not None, "tesseract-ocr installed (Debian package)")
    client = make_app(ocr_engine="tesseract", ocr_languages="eng+deu")
    response = upload(client, corpus_bytes("de-rechnung-scan-02.pdf"), "scan.pdf")
    assert response.status_code == 201
    body, truth = response.json(), _truth("de-rechnung-scan-02.pdf")
    assert body["input_format"] == "pdf_scanned"
    for name in ("vendor", "invoice_date", "currency", "total_amount"):
        assert body[name] == truth[name], name
