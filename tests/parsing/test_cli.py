"""`python -m app.parsing`: the API's page limit, and XML and OCR files read as the API reads them."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

import pytest

from app.parsing.__main__ import main
from tests.conftest import ROOT, corpus_bytes


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object]:
    status = main(list(args))
    return status, json.loads(capsys.readouterr().out)


def test_page_limit_is_the_apis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    three_pages = tmp_path / "long.pdf"
    three_pages.write_bytes(corpus_bytes("us-invoice-02.pdf"))
    status, invoice = _run(capsys, str(three_pages))
    assert status == 0 and invoice["pages"] == 3  # type: ignore[index]
    monkeypatch.setenv("MAX_PAGES", "2")
    status, refused = _run(capsys, str(three_pages))
    assert status == 1 and refused["error"]["code"] == "too_many_pages"  # type: ignore[index]


def test_xml_and_ocr_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ocr = tmp_path / "scan.ocr.json"
    ocr.write_bytes(corpus_bytes("cn-fapiao-ocr-01.ocr.json"))
    status, results = _run(capsys, str(ROOT / "tests" / "samples" / "ubl_invoice.xml"), str(ocr))
    assert status == 0
    assert [r["invoice"]["input_format"] for r in results] == ["xml", "ocr_json"]  # type: ignore[union-attr, index]


def test_a_file_that_is_no_invoice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# not an invoice")
    status, answer = _run(capsys, str(notes))
    assert status == 1 and answer["error"]["code"] == "unsupported_media_type"  # type: ignore[index]


def test_an_email_stands_for_its_attached_invoices(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = EmailMessage()
    message["From"], message["Subject"] = "ap@vendor.example", "Invoices"
    message.set_content("Attached.")
    message.add_attachment(corpus_bytes("uk-invoice-01.pdf"), maintype="application", subtype="pdf", filename="a.pdf")
    ubl = (ROOT / "tests" / "samples" / "ubl_invoice.xml").read_bytes()
    message.add_attachment(ubl, maintype="application", subtype="xml", filename="b.xml")
    mail = tmp_path / "march.eml"
    mail.write_bytes(message.as_bytes())
    status, results = _run(capsys, str(mail))
    assert status == 0
    assert [(r["file"], r["invoice"]["input_format"]) for r in results] == [  # type: ignore[union-attr, index]
        (f"{mail}/a.pdf", "pdf_text"),
        (f"{mail}/b.xml", "xml"),
    ]
