"""Bulk parsing through HTTP: many files and ZIPs, per-file errors, and the limits on the request."""

from __future__ import annotations

import gzip
import io
import random
import zipfile
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import corpus_bytes
from tests.hostile import overlapping_zip

ONE_PAGE = (
    "us-invoice-01.pdf",
    "uk-invoice-01.pdf",
    "de-rechnung-01.pdf",
    "fr-facture-01.pdf",
    "nl-factuur-01.pdf",
    "es-factura-01.pdf",
    "it-fattura-01.pdf",
    "cn-fapiao-01.pdf",
)


def make_zip(entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            if name.endswith("/"):
                archive.writestr(zipfile.ZipInfo(name), b"")
            else:
                archive.writestr(name, data)
    return buffer.getvalue()


def post_bulk(client: TestClient, files: list[tuple[str, tuple[str, bytes, str]]]) -> Any:
    return client.post("/api/v2/invoices/bulk", files=files)


def pdf(name: str) -> tuple[str, tuple[str, bytes, str]]:
    return ("files", (name, corpus_bytes(name), "application/pdf"))


def listed(client: TestClient) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get("/api/v2/invoices", params={"limit": 500}).json()["items"]
    return items


def test_files_and_bad_files_each_get_their_own_result(client: TestClient) -> None:
    response = post_bulk(
        client,
        [
            pdf("us-invoice-01.pdf"),
            ("files", ("broken.pdf", b"%PDF-1.7\nthis is not a PDF body", "application/pdf")),
            pdf("de-rechnung-01.pdf"),
            ("files", ("empty.pdf", b"", "application/pdf")),
            ("files", ("notes.txt", b"just some words", "text/plain")),
        ],
    )

    assert response.status_code == 200
    body = response.json()
    names = [result["file_name"] for result in body["results"]]
    assert names == ["us-invoice-01.pdf", "broken.pdf", "de-rechnung-01.pdf", "empty.pdf", "notes.txt"]
    first, broken, second, empty, notes = body["results"]
    assert first["invoice"]["source"] == "bulk"
    assert first["invoice"]["invoice_number"] and second["invoice"]["total_amount"]
    assert broken["error"]["code"] == "corrupt_pdf"
    assert empty["error"]["code"] == "empty_file"
    assert notes["error"]["code"] == "unsupported_media_type"
    summary = body["summary"]
    assert summary["files"] == 5
    assert summary["parsed"] + summary["needs_review"] == 2
    assert summary["failed"] == 3
    assert summary["errors"] == {"corrupt_pdf": 1, "empty_file": 1, "unsupported_media_type": 1}
    assert sorted(item["file_name"] for item in listed(client)) == ["de-rechnung-01.pdf", "us-invoice-01.pdf"]


def test_a_zip_with_folders_junk_and_nested_archives(client: TestClient) -> None:
    inner = make_zip({"c.pdf": corpus_bytes("fr-facture-01.pdf")})
    archive = make_zip(
        {
            "march/": b"",
            "march/a.pdf": corpus_bytes("us-invoice-01.pdf"),
            "march/april/b.pdf": corpus_bytes("uk-invoice-01.pdf"),
            "__MACOSX/march/._a.pdf": b"\x00\x05\x16\x07resource fork",
            ".DS_Store": b"\x00\x00\x00\x01Bud1",
            "more.zip": inner,
            "old.pdf.gz": gzip.compress(b"%PDF-1.4"),
        }
    )

    response = post_bulk(client, [("zip", ("month.zip", archive, "application/zip"))])

    assert response.status_code == 200
    results = {result["file_name"]: result for result in response.json()["results"]}
    assert list(results) == ["march/a.pdf", "march/april/b.pdf", "more.zip", "old.pdf.gz"]
    assert results["march/a.pdf"]["invoice"]["file_name"] == "march/a.pdf"
    assert results["march/april/b.pdf"]["invoice"]["vendor"]
    assert results["more.zip"]["error"]["code"] == "nested_archive"
    assert results["old.pdf.gz"]["error"]["code"] == "nested_archive"
    assert response.json()["summary"]["files"] == 4


def test_zip_among_files_and_files_beside_it(client: TestClient) -> None:
    archive = make_zip({"x.pdf": corpus_bytes("es-factura-01.pdf")})

    response = post_bulk(
        client, [pdf("it-fattura-01.pdf"), ("files", ("batch.zip", archive, "application/octet-stream"))]
    )

    assert response.status_code == 200
    assert [result["file_name"] for result in response.json()["results"]] == ["it-fattura-01.pdf", "x.pdf"]
    assert all("invoice" in result for result in response.json()["results"])


def test_zip_bomb_encrypted_and_damaged_entries_are_refused_alone(client: TestClient) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.xml", b"\x00" * (1536 * 1024))  # 1.5 MiB of zeros: ~1000x smaller packed
        archive.writestr("locked.pdf", b"%PDF-1.4 secret")
        archive.writestr("good.pdf", corpus_bytes("nl-factuur-01.pdf"))
        archive.writestr("damaged.pdf", corpus_bytes("us-invoice-01.pdf"))
    data = bytearray(buffer.getvalue())
    # Damage the stored bytes of the last entry: its CRC no longer matches.
    offset = data.rindex(b"damaged.pdf", 0, data.index(b"PK\x01\x02")) + len("damaged.pdf") + 40
    data[offset : offset + 8] = bytes(8)
    # Mark locked.pdf as password-protected (bit 0 of the flags in its central directory record);
    # zipfile cannot write encrypted entries itself.
    record = data.index(b"PK\x01\x02")
    while data[record + 46 : record + 46 + len("locked.pdf")] != b"locked.pdf":
        record = data.index(b"PK\x01\x02", record + 4)
    data[record + 8] |= 0x1

    response = post_bulk(client, [("zip", ("mixed.zip", bytes(data), "application/zip"))])

    assert response.status_code == 200
    results = {result["file_name"]: result for result in response.json()["results"]}
    assert results["bomb.xml"]["error"]["code"] == "suspicious_compression"
    assert results["locked.pdf"]["error"]["code"] == "encrypted_archive_entry"
    assert results["damaged.pdf"]["error"]["code"] == "invalid_archive"
    assert results["good.pdf"]["invoice"]["invoice_number"]


def test_unreadable_archives_are_errors_of_their_own(client: TestClient) -> None:
    response = post_bulk(
        client,
        [
            ("zip", ("cut.zip", make_zip({"a.pdf": corpus_bytes("us-invoice-01.pdf")})[:200], "application/zip")),
            ("files", ("scans.tar.gz", gzip.compress(b"tar bytes"), "application/gzip")),
            pdf("uk-invoice-01.pdf"),
        ],
    )

    assert response.status_code == 200
    codes = [result.get("error", {}).get("code") for result in response.json()["results"]]
    assert codes == ["invalid_archive", "unsupported_archive", None]


def test_two_hundred_one_page_invoices_in_one_request(client: TestClient) -> None:
    entries = {f"invoices/{n:03d}-{name}": corpus_bytes(name) for n in range(200) for name in [ONE_PAGE[n % 8]]}

    response = post_bulk(client, [("zip", ("year.zip", make_zip(entries), "application/zip"))])

    assert response.status_code == 200
    body = response.json()
    assert body["summary"]["files"] == 200
    assert body["summary"]["failed"] == 0
    assert [result["file_name"] for result in body["results"]] == list(entries)
    assert all(result["invoice"]["pages"] == 1 for result in body["results"])
    assert client.get("/api/v2/invoices", params={"source": "bulk", "limit": 1}).json()["total"] == 200


@pytest.mark.parametrize(
    ("overrides", "files", "code"),
    [
        ({"bulk_max_files": 3}, lambda: [pdf(name) for name in ONE_PAGE[:4]], "too_many_files"),
        (
            {"bulk_max_files": 3},
            lambda: [("zip", ("a.zip", make_zip({f"{n}.pdf": b"%PDF" for n in range(4)}), "application/zip"))],
            "too_many_files",
        ),
        (
            {"bulk_max_bytes": 64 * 1024},
            lambda: [("zip", ("a.zip", make_zip({"big.xml": b"<a/>" * 20_000}), "application/zip"))],
            "upload_too_large",
        ),
        (
            {"max_session_bytes": 32 * 1024},
            lambda: [pdf("us-invoice-01.pdf"), pdf("de-rechnung-01.pdf")],
            "session_full",
        ),
    ],
    ids=["files", "zip-entries", "unpacked-bytes", "session-room"],
)
def test_request_wide_limits_refuse_everything(
    make_app: Callable[..., TestClient], overrides: dict[str, int], files: Callable[[], list[Any]], code: str
) -> None:
    client = make_app(**overrides)

    response = post_bulk(client, files())

    assert response.status_code == 413
    assert response.json()["error"]["code"] == code
    assert listed(client) == []


def test_a_zip_listing_too_many_entries_is_refused_alone(make_app: Callable[..., TestClient]) -> None:
    client = make_app(zip_max_entries=5)
    crowded = make_zip({f"{n}.pdf": b"%PDF" for n in range(6)})

    response = post_bulk(client, [("zip", ("crowded.zip", crowded, "application/zip")), pdf("us-invoice-01.pdf")])

    assert response.status_code == 200
    first, second = response.json()["results"]
    assert first["error"]["code"] == "too_many_entries"
    assert "invoice" in second


@pytest.mark.parametrize(
    ("request_kwargs", "status", "code"),
    [
        (
            {"content": b"--b--\r\n", "headers": {"content-type": "multipart/form-data; boundary=b"}},
            400,
            "missing_file",
        ),
        ({"files": [("file", ("a.pdf", b"%PDF", "application/pdf"))]}, 400, "unexpected_part"),
        ({"data": {"files": "a.pdf"}}, 415, "unsupported_media_type"),
    ],
    ids=["no-parts", "wrong-part", "not-multipart"],
)
def test_requests_without_documents(client: TestClient, request_kwargs: dict[str, Any], status: int, code: str) -> None:
    response = client.post("/api/v2/invoices/bulk", **request_kwargs)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_what_all_sessions_hold_is_capped_before_anything_is_inflated(make_app: Callable[..., TestClient]) -> None:
    """A small ZIP of highly compressible documents once filled a session with 199 MiB; with the
    store-wide cap, an archive whose entries would not fit is refused from its directory, and a
    single upload past the cap is a 503 for everyone until room comes back."""
    client = make_app(max_store_bytes=1024 * 1024, max_session_bytes=10 * 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index in range(3):
            archive.writestr(f"padded-{index}.xml", b"<Invoice>" + b" " * 600_000 + b"</Invoice>")
    refused = client.post("/api/v2/invoices/bulk", files={"zip": ("big.zip", buffer.getvalue(), "application/zip")})
    assert refused.status_code == 413 and refused.json()["error"]["code"] == "session_full"
    assert len(buffer.getvalue()) < 20_000  # small on the wire, large once unpacked
    assert client.get("/api/v2/invoices").json()["items"] == []

    others = [TestClient(client.app) for _ in range(16)]
    answers = [
        other.post("/api/v2/invoices/parse", files={"file": ("a.pdf", corpus_bytes("de-rechnung-02.pdf"))})
        for other in others
    ]
    codes = [answer.status_code for answer in answers]
    assert 201 in codes and 503 in codes, codes
    full = next(answer for answer in answers if answer.status_code == 503)
    assert full.json()["error"]["code"] == "store_full" and full.headers["retry-after"]


def test_an_archive_listing_the_same_data_many_times_inflates_nothing(client: TestClient) -> None:
    """400 listings of one 1 MiB entry: as a bomb (the entry compresses 1000:1) each listing is
    refused for its ratio; with incompressible data the listings' declared sizes pass the
    request's limit. Either way the answer comes from the directory, before anything is inflated."""
    bomb = overlapping_zip(400, b"<Invoice>" + b"0" * 1024 * 1024 + b"</Invoice>")
    assert len(bomb) < 100_000
    answer = client.post("/api/v2/invoices/bulk", files={"zip": ("bomb.zip", bomb, "application/zip")}).json()
    assert {result["error"]["code"] for result in answer["results"]} == {"suspicious_compression"}

    dense = overlapping_zip(400, random.Random(1).randbytes(1024 * 1024))
    response = client.post("/api/v2/invoices/bulk", files={"zip": ("dense.zip", dense, "application/zip")})
    assert (response.status_code, response.json()["error"]["code"]) == (413, "upload_too_large")
    assert client.get("/api/v2/invoices").json()["items"] == []


def _email_with(*attachments: tuple[str, bytes, str]) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "ap@vendor.example", "me@buyer.example", "Invoices"
    message.set_content("Two invoices and our terms.")
    for name, data, subtype in attachments:
        message.add_attachment(data, maintype="application", subtype=subtype, filename=name)
    return message.as_bytes()


def test_an_email_s_attached_invoices_are_parsed_one_by_one(client: TestClient) -> None:
    mail = _email_with(
        ("us.pdf", corpus_bytes("us-invoice-01.pdf"), "pdf"),
        ("more.zip", make_zip({"de.pdf": corpus_bytes("de-rechnung-01.pdf")}), "zip"),
        ("winmail.dat", b"\x78\x9f\x3e\x22", "ms-tnef"),
    )
    response = post_bulk(client, [("files", ("march.eml", mail, "message/rfc822"))])
    assert response.status_code == 200
    results = {result["file_name"]: result for result in response.json()["results"]}
    assert set(results) == {"march.eml/us.pdf", "march.eml/de.pdf", "march.eml/winmail.dat"}  # ZIP entries: their path
    assert results["march.eml/us.pdf"]["invoice"]["invoice_number"]
    assert results["march.eml/de.pdf"]["invoice"]["currency"] == "EUR"
    assert results["march.eml/winmail.dat"]["error"]["code"] == "tnef_attachment"
    empty = post_bulk(client, [("files", ("note.eml", _email_with(), "message/rfc822"))]).json()
    assert empty["results"][0]["error"]["code"] == "no_documents_in_message"


def test_an_email_on_the_single_endpoint_is_sent_to_bulk(client: TestClient) -> None:
    mail = _email_with(("us.pdf", corpus_bytes("us-invoice-01.pdf"), "pdf"))
    response = client.post("/api/v2/invoices/parse", files={"file": ("march.eml", mail, "message/rfc822")})
    assert response.status_code == 415
    assert "/api/v2/invoices/bulk" in response.json()["error"]["message"]
