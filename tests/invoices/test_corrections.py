"""Corrections through HTTP: typed values, checks re-run, status and confidence, the record kept."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import corpus_bytes, upload


@pytest.fixture
def invoice(client: TestClient) -> dict[str, Any]:
    response = upload(client, corpus_bytes("us-invoice-01.pdf"), "us-invoice-01.pdf")
    assert response.status_code == 201 and response.json()["status"] == "parsed"
    parsed: dict[str, Any] = response.json()
    return parsed


def _patch(client: TestClient, invoice: dict[str, Any], field: str, value: object) -> Any:
    return client.patch(f"/api/v2/invoices/{invoice['id']}/fields/{field}", json={"value": value})


def test_a_total_that_no_longer_adds_up_needs_review_until_put_right(
    client: TestClient, invoice: dict[str, Any]
) -> None:
    wrong = _patch(client, invoice, "total_amount", "1.00")
    assert wrong.status_code == 200
    body = wrong.json()
    assert body["total_amount"] == "1.00" and body["confidence"]["total_amount"] == 1.0
    assert body["status"] == "needs_review"
    assert "totals_mismatch" in {w["code"] for w in body["warnings"]}
    assert body["corrections"][0]["field"] == "total_amount"
    assert (body["corrections"][0]["from"], body["corrections"][0]["to"]) == (invoice["total_amount"], "1.00")

    right = _patch(client, invoice, "total_amount", invoice["total_amount"]).json()
    assert right["status"] == "parsed" and "totals_mismatch" not in {w["code"] for w in right["warnings"]}
    assert len(right["corrections"]) == 2
    assert client.get(f"/api/v2/invoices/{invoice['id']}").json() == right  # kept in the session


def test_values_are_normalised_and_the_same_value_records_nothing(client: TestClient, invoice: dict[str, Any]) -> None:
    assert _patch(client, invoice, "vendor", "  Brightline Consulting, LLC  ").json()["vendor"] == (
        "Brightline Consulting, LLC"
    )
    assert _patch(client, invoice, "currency", "cad").json()["currency"] == "CAD"
    assert _patch(client, invoice, "due_date", "2024-04-30").json()["due_date"] == "2024-04-30"
    again = _patch(client, invoice, "due_date", "2024-04-30").json()
    assert [c["field"] for c in again["corrections"]] == ["vendor", "currency", "due_date"]


def test_payment_fields_are_corrected_in_their_own_forms(client: TestClient, invoice: dict[str, Any]) -> None:
    assert _patch(client, invoice, "iban", " de89 3704 0044 0532 0130 00 ").json()["iban"] == "DE89370400440532013000"
    assert _patch(client, invoice, "bic", "cobadeffxxx").json()["bic"] == "COBADEFFXXX"
    assert _patch(client, invoice, "payment_terms_days", 45).json()["payment_terms_days"] == 45
    body = _patch(client, invoice, "cash_discount_percent", "2.5").json()
    assert body["cash_discount_percent"] == "2.5" and body["confidence"]["cash_discount_percent"] == 1.0
    assert _patch(client, invoice, "purchase_order", "PO-1").json()["purchase_order"] == "PO-1"


@pytest.mark.parametrize(
    ("field", "value", "hint"),
    [
        ("invoice_date", "15/03/2024", "YYYY-MM-DD"),
        ("invoice_date", "2024-02-30", "real date"),
        ("currency", "EURO", "ISO 4217"),
        ("currency", "XYZ", "ISO 4217"),
        ("total_amount", "12.345678", "decimal string"),
        ("total_amount", 12.5, "decimal string"),
        ("total_amount", "1e3", "decimal string"),
        ("vendor", 42, "string"),
        ("vendor", "x" * 501, "longer than"),
        ("vendor", "ACME\x01 Ltd", "control characters"),
        ("line_items", [{"description": "Chair", "quantity": "1E+1000000", "amount": "1"}], "14 digits"),
        ("line_items", [{"description": "Chair\x0b", "amount": "1"}], "line_items[0].description"),
        ("line_items", [{"description": "x" * 2001, "amount": "1"}], "longer than 2000"),
        ("line_items", [{"description": "Chair", "quantity": "two"}], "line_items[0.quantity]"),
        ("line_items", "not a list", "line_items"),
        ("iban", "DE89 3704 0044 0532 0130 01", "check digits"),
        ("bic", "COBADEF", "8 or 11"),
        ("payment_terms_days", "30", "whole number"),
        ("cash_discount_days", -1, "whole number"),
        ("cash_discount_percent", "150", "between 0 and 100"),
        ("bank_code_type", "swift", "one of"),
    ],
)
def test_a_value_of_the_wrong_type_is_a_422_saying_what_is_expected(
    client: TestClient, invoice: dict[str, Any], field: str, value: object, hint: str
) -> None:
    response = _patch(client, invoice, field, value)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_value" and error["field"] == field and hint in error["message"]
    assert client.get(f"/api/v2/invoices/{invoice['id']}").json() == invoice  # nothing changed


def test_line_items_are_replaced_whole_and_checked_against_the_subtotal(
    client: TestClient, invoice: dict[str, Any]
) -> None:
    items = [{"description": "Advisory", "quantity": "1", "unit_price": "100.00", "amount": "100.00"}]
    body = _patch(client, invoice, "line_items", items).json()
    assert body["line_items"] == [{**items[0], "source": None}]  # typed by a person: read from no page
    assert "line_items_mismatch" in {w["code"] for w in body["warnings"]} and body["status"] == "needs_review"


def test_clearing_a_required_field_needs_review(client: TestClient, invoice: dict[str, Any]) -> None:
    body = _patch(client, invoice, "vendor", None).json()
    assert body["vendor"] is None and body["status"] == "needs_review"
    assert "field_not_found" in {w["code"] for w in body["warnings"]}


def test_a_corrected_approved_invoice_needs_approving_again(client: TestClient, invoice: dict[str, Any]) -> None:
    client.post(f"/api/v2/invoices/{invoice['id']}/approve")
    assert client.get(f"/api/v2/invoices/{invoice['id']}").json()["status"] == "approved"
    assert _patch(client, invoice, "buyer", "Pinecrest Health").json()["status"] == "parsed"


def test_unknown_fields_and_invoices_are_404(client: TestClient, invoice: dict[str, Any]) -> None:
    unknown_field = _patch(client, invoice, "status", "approved")
    assert unknown_field.status_code == 404 and unknown_field.json()["error"]["code"] == "unknown_field"
    missing = client.patch("/api/v2/invoices/inv_missing/fields/vendor", json={"value": "x"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "invoice_not_found"


def test_reprocess_parses_again_and_keeps_the_corrections(client: TestClient, invoice: dict[str, Any]) -> None:
    _patch(client, invoice, "buyer", "Pinecrest Health")
    response = client.post(f"/api/v2/invoices/{invoice['id']}/reprocess")

    assert response.status_code == 200, response.text
    again = response.json()
    assert again["id"] == invoice["id"] and again["invoice_number"] == invoice["invoice_number"]
    assert again["buyer"] == "Pinecrest Health" and again["confidence"]["buyer"] == 1.0
    assert [c["field"] for c in again["corrections"]] == ["buyer"]
    assert again["parsed_timestamp"] >= invoice["parsed_timestamp"]


def test_reprocess_with_new_ocr_output(client: TestClient) -> None:
    first = client.post(
        "/api/v2/invoices/parse", files={"ocr": ("scan.txt", b"Invoice No. A-1\nTotal 10.00 EUR", "text/plain")}
    ).json()
    ocr = corpus_bytes("cn-fapiao-ocr-01.ocr.json")
    response = client.post(
        f"/api/v2/invoices/{first['id']}/reprocess", files={"ocr": ("ocr.json", ocr, "application/json")}
    )

    assert response.status_code == 200, response.text
    assert response.json()["input_format"] == "ocr_json"
    assert response.json()["invoice_number"] == "24332000000045671234"


def test_reprocess_reads_the_ocr_output_kept_beside_the_pdf(client: TestClient) -> None:
    """The PDF sent with OCR output was once fed back as OCR output (422 "binary"), and OCR output
    sent with a reprocess was forgotten by the next one."""
    pdf = corpus_bytes("uk-invoice-01.pdf")
    first = client.post(
        "/api/v2/invoices/parse",
        files={"file": ("scan.pdf", pdf, "application/pdf"), "ocr": ("o.txt", b"Invoice No. A-1\nTotal 10.00 EUR")},
    ).json()
    assert (first["invoice_number"], first["total_amount"]) == ("A-1", "10.00")
    url = f"/api/v2/invoices/{first['id']}/reprocess"

    again = client.post(url)
    assert again.status_code == 200, again.text
    assert (again.json()["invoice_number"], again.json()["total_amount"]) == ("A-1", "10.00")

    newer = client.post(url, files={"ocr": ("o.txt", b"Invoice No. A-1\nTotal 20.00 EUR")}).json()
    assert newer["total_amount"] == "20.00"
    assert client.post(url).json()["total_amount"] == "20.00"  # the new OCR output was kept
    printed = client.post("/api/v2/print", json={"ids": [first["id"]], "per_page": 1})
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")


def test_reprocess_refuses_bad_ocr_and_keeps_the_invoice(client: TestClient, invoice: dict[str, Any]) -> None:
    url = f"/api/v2/invoices/{invoice['id']}/reprocess"
    bad = client.post(url, files={"ocr": ("x.json", b"{broken", "application/json")})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_ocr"
    empty = client.post(url, files={"ocr": ("x.txt", b"", "text/plain")})
    assert empty.status_code == 400 and empty.json()["error"]["field"] == "ocr"
    stray = client.post(url, files={"file": ("x.pdf", b"%PDF-1.4", "application/pdf")})
    assert stray.status_code == 400 and stray.json()["error"]["code"] == "unexpected_part"
    assert client.get(f"/api/v2/invoices/{invoice['id']}").json() == invoice
    assert client.post("/api/v2/invoices/inv_missing/reprocess").status_code == 404


def test_a_lone_surrogate_is_refused_not_stored(client: TestClient, invoice: dict[str, Any]) -> None:
    """Valid JSON (an escape), but no text: stored, it made every later read of the invoice a 500."""
    response = client.patch(
        f"/api/v2/invoices/{invoice['id']}/fields/vendor",
        content=b'{"value": "ACME\\ud800 Ltd"}',
        headers={"content-type": "application/json"},
    )
    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_value")
    assert client.get(f"/api/v2/invoices/{invoice['id']}").json() == invoice
