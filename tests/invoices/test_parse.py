"""POST /api/v2/invoices/parse and the invoice endpoints, through HTTP."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import corpus_bytes, upload
from tests.hostile import simple_text_pdf


def test_parse_returns_invoice_object(client: TestClient) -> None:
    response = upload(client, corpus_bytes("de-rechnung-01.pdf"), "de-rechnung-01.pdf")
    assert response.status_code == 201
    invoice = response.json()
    assert invoice["id"].startswith("inv_")
    assert invoice["file_name"] == "de-rechnung-01.pdf"
    assert invoice["source"] == "upload"
    assert invoice["input_format"] == "pdf_text"
    assert invoice["invoice_number"] == "RE-2024-00157"
    assert invoice["invoice_date"] == "2024-03-15"
    assert invoice["currency"] == "EUR"
    assert invoice["total_amount"] == "1292.04"
    assert invoice["pages"] == 1
    assert invoice["tracking_status"] == "draft"
    assert invoice["corrections"] == []
    assert invoice["vendor"] == "Müller & Söhne Bürobedarf GmbH"
    assert invoice["vendor_tax_id"] == "DE812345673"
    assert (invoice["subtotal"], invoice["tax_amount"], invoice["due_date"]) == ("1085.75", "206.29", "2024-03-29")
    assert all(0 <= value <= 1 for value in invoice["confidence"].values())
    assert invoice["status"] == "parsed"
    assert invoice["warnings"] == []


def test_missing_number_means_needs_review_not_a_guess(client: TestClient) -> None:
    document = simple_text_pdf(["ACME Widgets Ltd", "Invoice date: 01/03/2024", "Order 4711", "Total: EUR 119.00"])
    invoice = upload(client, document).json()
    assert invoice["vendor"] == "ACME Widgets Ltd"
    assert invoice["invoice_date"] == "2024-03-01"
    assert invoice["total_amount"] == "119.00"
    assert invoice["invoice_number"] is None  # "Order 4711" is not the invoice's number
    assert invoice["status"] == "needs_review"
    assert ("field_not_found", "invoice_number was not found; please check the document.") in [
        (warning["code"], warning["message"]) for warning in invoice["warnings"]
    ]


def test_amounts_that_do_not_add_up_mean_needs_review(client: TestClient) -> None:
    lines = ["ACME Widgets Ltd", "Invoice No. A-1", "Invoice date: 01/03/2024", "Subtotal: EUR 100.00"]
    invoice = upload(client, simple_text_pdf([*lines, "VAT 19%: EUR 19.00", "Total: EUR 120.00"])).json()
    assert invoice["status"] == "needs_review"
    assert "totals_mismatch" in {w["code"] for w in invoice["warnings"]}
    assert invoice["confidence"]["total_amount"] < 0.9


def test_get_list_delete_and_batch_delete(client: TestClient) -> None:
    ids = [
        upload(client, corpus_bytes(name), name).json()["id"]
        for name in ("us-invoice-01.pdf", "uk-invoice-01.pdf", "fr-facture-01.pdf")
    ]

    assert client.get(f"/api/v2/invoices/{ids[0]}").json()["invoice_number"] == "INV-2024-0317"

    first_page = client.get("/api/v2/invoices", params={"limit": 2}).json()
    assert first_page["total"] == 3
    assert [item["id"] for item in first_page["items"]] == ids[:2]
    upload(client, corpus_bytes("it-fattura-01.pdf"))  # added while paging: the cursor still holds
    second_page = client.get("/api/v2/invoices", params={"limit": 2, "cursor": first_page["next_cursor"]}).json()
    assert second_page["items"][0]["id"] == ids[2]
    assert second_page["total"] == 4

    assert client.delete(f"/api/v2/invoices/{ids[0]}").status_code == 204
    assert client.get(f"/api/v2/invoices/{ids[0]}").status_code == 404
    assert client.delete(f"/api/v2/invoices/{ids[0]}").status_code == 404

    result = client.post("/api/v2/invoices/batch-delete", json={"ids": [ids[1], "inv_missing"]}).json()
    assert result == {"deleted": [ids[1]], "not_found": ["inv_missing"]}
    assert client.get("/api/v2/invoices").json()["total"] == 2


def test_list_rejects_unknown_cursor(client: TestClient) -> None:
    response = client.get("/api/v2/invoices", params={"cursor": "inv_nope"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_a_blank_cursor_is_the_first_page(client: TestClient) -> None:
    kept = upload(client, corpus_bytes("us-invoice-01.pdf")).json()["id"]
    response = client.get("/api/v2/invoices", params={"cursor": ""})
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [kept]


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/v2/invoices/batch-delete", "POST"),  # not the GET of /api/v2/invoices/{invoice_id}
        ("/api/v2/invoices/inv_0", "DELETE, GET, HEAD"),
        ("/api/v2/invoices", "GET, HEAD"),
    ],
)
def test_a_wrong_method_is_told_the_right_ones(client: TestClient, path: str, allowed: str) -> None:
    response = client.put(path)
    assert response.status_code == 405
    assert (response.headers["allow"], response.json()["error"]["code"]) == (allowed, "method_not_allowed")


def test_batch_delete_validates_body(client: TestClient) -> None:
    response = client.post("/api/v2/invoices/batch-delete", json={"ids": []})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_unknown_path_is_json_404(client: TestClient) -> None:
    response = client.get("/api/v2/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
