"""The same invoice twice in a session is flagged, in the JSON, the list, a bulk upload and Excel."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from fastapi.testclient import TestClient

from tests.conftest import corpus_bytes, upload


def test_the_same_file_twice_names_the_first(client: TestClient) -> None:
    data = corpus_bytes("us-invoice-01.pdf")
    first = upload(client, data, "a.pdf").json()
    second = upload(client, data, "copy-of-a.pdf").json()
    assert first["possible_duplicate"] is None and second["possible_duplicate"] == first["id"]
    assert client.get(f"/api/v2/invoices/{second['id']}").json()["possible_duplicate"] == first["id"]
    corrected = client.patch(f"/api/v2/invoices/{second['id']}/fields/buyer", json={"value": "Someone"}).json()
    assert corrected["possible_duplicate"] == first["id"]  # the same file still: the answer says so too
    listed = {item["id"]: item["possible_duplicate"] for item in client.get("/api/v2/invoices").json()["items"]}
    assert listed == {first["id"]: None, second["id"]: first["id"]}

    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/api/v2/exports/xlsx").content))["Invoices"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("possible_duplicate")
    assert sorted(str(row[column].value) for row in sheet.iter_rows(min_row=2)) == sorted(["None", first["id"]])

    client.delete(f"/api/v2/invoices/{first['id']}")  # the original gone: the copy is the only one
    assert client.get(f"/api/v2/invoices/{second['id']}").json()["possible_duplicate"] is None


def test_a_copy_corrected_into_the_same_vendor_number_and_total_is_flagged(client: TestClient) -> None:
    first = upload(client, corpus_bytes("us-invoice-01.pdf")).json()
    other = upload(client, corpus_bytes("us-invoice-02.pdf")).json()
    assert other["possible_duplicate"] is None
    for field in ("vendor", "vendor_tax_id", "invoice_number", "total_amount"):
        client.patch(f"/api/v2/invoices/{other['id']}/fields/{field}", json={"value": first[field]})
    assert client.get(f"/api/v2/invoices/{other['id']}").json()["possible_duplicate"] == first["id"]


def test_copies_within_one_bulk_upload(client: TestClient) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("march/a.pdf", corpus_bytes("de-rechnung-01.pdf"))
        archive.writestr("april/a-again.pdf", corpus_bytes("de-rechnung-01.pdf"))
    response = client.post("/api/v2/invoices/bulk", files={"zip": ("m.zip", buffer.getvalue(), "application/zip")})
    first, second = (result["invoice"] for result in response.json()["results"])
    flags = {first["possible_duplicate"], second["possible_duplicate"]}
    assert flags == {None, first["id"]} or flags == {None, second["id"]}


def test_one_invoice_s_original_is_what_flagging_the_session_gives() -> None:
    from datetime import UTC, datetime
    from decimal import Decimal

    from app.invoices.duplicates import flag, original_of
    from app.invoices.schemas import Invoice

    def made(index: int, vendor: str, number: str, total: str, sha: str | None = None) -> Invoice:
        return Invoice(
            input_format="pdf_text",
            id=f"inv_{index}",
            vendor=vendor,
            invoice_number=number,
            total_amount=Decimal(total),
            document_sha256=sha,
            parsed_timestamp=datetime.now(UTC),
        )

    session = [
        made(0, "Nordwind GmbH", "R-1", "10.00", "aa"),
        made(1, "Nordwind GmbH.", "r 1", "10.0"),  # the same vendor, number and total, written otherwise
        made(2, "Südwind AG", "R-1", "10.00"),
        made(3, "Other", "X", "1.00", "aa"),  # the same file
        made(4, "Südwind AG", "R-2", "10.00"),
    ]
    flagged = flag(session)
    assert [invoice.possible_duplicate for invoice in flagged] == [None, "inv_0", None, "inv_0", None]
    assert [original_of(invoice, session) for invoice in session] == [i.possible_duplicate for i in flagged]
