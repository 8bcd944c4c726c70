"""The inbox and the review in a real browser: upload, the list, errors kept in view, review with
the page beside the fields, a correction, approval, the Chinese page, a phone's width and
accessibility."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from app.ocr.scanned import installed_engines
from tests.browser.conftest import screenshot, serious_violations
from tests.conftest import CORPUS, ROOT, need
from tests.integration.live import live_server
from tests.mail.messages import one_invoice
from tests.ocr.pages import NUMBER, scanned_image

DE_PDF = CORPUS / "docs" / "de-rechnung-01.pdf"


def _zip_of(tmp_path: object, names: list[str]) -> str:
    path = f"{tmp_path}/march.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.write(CORPUS / "docs" / name, name)
    return path


def test_upload_review_correct_and_approve(page: Page) -> None:
    page.goto("/")
    page.set_input_files("#files", str(DE_PDF))
    row = page.locator("#invoices tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("RE-2024-00157")
    expect(row).to_contain_text("1,292.04 EUR")  # the locale's separators, the invoice's digits
    screenshot(page, "inbox")
    assert serious_violations(page) == []

    row.get_by_role("button").click()
    expect(page.locator("#review")).to_be_visible()
    expect(page.locator("#pages img")).to_have_count(1)
    page.wait_for_function(
        "document.querySelector('#pages img').complete && document.querySelector('#pages img').naturalWidth > 0"
    )
    page.focus("#field-total_amount")
    mark = page.locator(".page .mark")
    expect(mark).to_be_visible()
    box, image = mark.bounding_box(), page.locator("#pages img").bounding_box()
    assert box and image and box["x"] > image["x"] + image["width"] / 2  # the total is printed on the right
    screenshot(page, "review")
    assert serious_violations(page) == []

    page.fill("#field-invoice_number", "RE-2024-00157-K")
    page.press("#field-invoice_number", "Tab")
    expect(page.locator("#review-status")).to_have_text("Saved.")
    expect(page.locator("#field-invoice_date")).to_be_focused()  # the view redrawn, the focus kept
    page.fill("#field-total_amount", "12,34x")
    page.press("#field-total_amount", "Tab")
    expect(page.locator("#review-status")).to_have_class("error")  # the API's message, kept in view
    expect(page.locator("#field-total_amount")).to_have_attribute("aria-invalid", "true")

    page.fill("#items tbody tr >> nth=0 >> input >> nth=3", "191.70")  # the first line's amount
    page.click("#save-items")
    expect(page.locator("#review-status")).to_have_text("Saved.")
    expect(page.locator("#reasons")).to_contain_text("do not add up to the subtotal")  # the checks ran again

    page.click("#approve")
    expect(page.locator("#review-state")).to_have_text("Approved")
    page.click("#back")
    expect(page.locator("#invoices tbody tr")).to_contain_text("RE-2024-00157-K")
    with page.expect_download() as download:
        page.click("#excel")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))["Invoices"]
    assert "RE-2024-00157-K" in [cell.value for cell in sheet[2]]  # the corrected number handed on


def test_an_error_stays_beside_its_file_and_archives_are_read(page: Page, tmp_path: object) -> None:
    page.goto("/")
    broken = f"{tmp_path}/broken.pdf"
    with open(broken, "wb") as out:
        out.write(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    page.set_input_files("#files", [broken, _zip_of(tmp_path, ["de-rechnung-01.pdf", "us-invoice-01.pdf"])])
    expect(page.locator("#uploads > li")).to_have_count(2)
    expect(page.locator("#upload-summary")).to_have_text("2 files: 1 read, 1 with errors (see below).")
    failed = page.locator("#uploads > li.error")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("broken.pdf")
    expect(page.locator("#invoices tbody tr")).to_have_count(2)
    page.set_input_files("#files", str(ROOT / "tests" / "samples" / "ubl_invoice.xml"))
    expect(page.locator("#invoices tbody tr")).to_have_count(3)
    expect(failed).to_contain_text("broken.pdf")  # a later success does not wipe an error
    mail = f"{tmp_path}/march.eml"
    with open(mail, "wb") as out:
        out.write(one_invoice(42))
    page.set_input_files("#files", mail)
    expect(page.locator("#invoices tbody tr")).to_have_count(4)
    expect(page.locator("#invoices tbody")).to_contain_text("MAIL-0042")


def test_keyboard_only_review(page: Page) -> None:
    page.goto("/")
    page.set_input_files("#files", [str(DE_PDF), str(CORPUS / "docs" / "us-invoice-01.pdf")])
    expect(page.locator("#invoices tbody tr")).to_have_count(2)
    page.keyboard.press("Tab")  # skip link
    while page.evaluate("document.activeElement.className") != "link":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#review")).to_be_visible()
    first = page.locator("#review-title").text_content()
    page.keyboard.press("j")
    expect(page.locator("#review-title")).not_to_have_text(first or "")
    while page.evaluate("document.activeElement.id") != "field-invoice_number":
        page.keyboard.press("Tab")
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.press("Tab")  # the number cleared: now a field to check
    expect(page.locator("#reasons")).to_contain_text("Invoice number not found")
    flagged = page.locator(".field.check input")
    for _ in range(flagged.count()):  # from inside another field, round the fields to check
        page.keyboard.press("Alt+n")
        assert page.evaluate("document.activeElement.closest('.field.check') !== null")
        if page.evaluate("document.activeElement.id") == "field-invoice_number":
            break
    expect(page.locator("#field-invoice_number")).to_be_focused()
    page.keyboard.type("INV-7")
    page.keyboard.press("Tab")
    expect(page.locator("#review-status")).to_have_text("Saved.")
    page.keyboard.press("Alt+a")  # approve without leaving the field
    expect(page.locator("#review-state")).to_have_text("Approved")
    page.keyboard.press("Escape")
    expect(page.locator("#inbox")).to_be_visible()


def test_the_chinese_page_at_a_phone_s_width(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    page.click("#language")
    expect(page.locator("h1")).to_have_text("发票")
    page.set_input_files("#files", str(DE_PDF))
    expect(page.locator("#invoices tbody tr")).to_contain_text("Müller")  # the data is not translated
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "inbox-zh-390")
    assert serious_violations(page) == []
    page.locator("#invoices tbody tr button").first.click()
    expect(page.locator("#back")).to_have_text("返回列表")
    assert serious_violations(page) == []
    page.click("#back")
    page.click("#show-dashboard")
    expect(page.locator("#charts figure").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []
    page.reload()
    expect(page.locator("h1")).to_have_text("发票")  # the choice is kept


def test_the_list_of_two_thousand_invoices_paints_quickly(page: Page, capsys: pytest.CaptureFixture[str]) -> None:
    """2,000 invoices in the session, listed 100 at a time: printed, not asserted."""
    buffer = io.BytesIO()
    xml = (ROOT / "tests" / "samples" / "ubl_invoice.xml").read_bytes()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(400):
            archive.writestr(f"invoice-{index}.xml", xml.replace(b"</Invoice>", f"<!-- {index} --></Invoice>".encode()))
    page.goto("/")
    for _ in range(5):
        answer = page.request.post(
            "/api/v2/invoices/bulk",
            multipart={"zip": {"name": "a.zip", "mimeType": "application/zip", "buffer": buffer.getvalue()}},
        )
        assert answer.ok
    started = time.perf_counter()
    page.reload()
    expect(page.locator("#invoices tbody tr")).to_have_count(100)
    expect(page.locator("#inbox")).to_have_attribute("data-render-ms", re.compile(r"\d"))
    render_ms = page.locator("#inbox").get_attribute("data-render-ms")
    ready_ms = (time.perf_counter() - started) * 1000
    with capsys.disabled():
        print(f"\n2,000 invoices: first page painted {render_ms} ms after its data arrived; ready in {ready_ms:.0f} ms")
    page.click("#more")
    expect(page.locator("#invoices tbody tr")).to_have_count(200)


def test_the_dashboard_draws_its_charts_and_the_board_moves_invoices(page: Page) -> None:
    page.goto("/")
    page.set_input_files(
        "#files",
        [str(DE_PDF), str(CORPUS / "docs" / "us-invoice-01.pdf"), str(CORPUS / "docs" / "uk-invoice-01.pdf")],
    )
    expect(page.locator("#invoices tbody tr")).to_have_count(3)
    page.click("#show-dashboard")
    expect(page.locator("#dashboard")).to_be_visible()
    charts = page.locator("#charts figure")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 5  # a month chart per currency (3), top vendors, ageing, forecasts
    expect(page.locator("#charts")).to_contain_text("1,292.04 EUR")
    assert page.locator("#charts svg rect.chart-bar").count() >= 3
    expect(page.locator(".stage").nth(0).locator(".card")).to_have_count(3)
    page.locator(".stage").nth(0).locator(".card button").first.click()
    expect(page.locator(".stage").nth(1).locator(".card")).to_have_count(1)
    page.locator(".stage").nth(0).locator(".card").first.drag_to(page.locator(".stage").nth(3))
    expect(page.locator(".stage").nth(3).locator(".card")).to_have_count(1)  # dragged straight to paid
    screenshot(page, "dashboard")
    assert serious_violations(page) == []


def test_both_languages_have_every_word() -> None:
    """The page's dictionaries (static/js/i18n.js) name the same keys in English and Chinese."""
    source = (ROOT / "static" / "js" / "i18n.js").read_text(encoding="utf-8")
    english, chinese = source.split("\n  zh: {\n")
    keys = [set(re.findall(r'^    "?([\w.+-]+)"?: ', block, re.MULTILINE)) for block in (english, chinese)]
    assert keys[0] == keys[1] and len(keys[0]) > 100


def test_a_deleted_invoice_can_be_brought_back(page: Page) -> None:
    page.goto("/")
    page.set_input_files("#files", [str(DE_PDF), str(CORPUS / "docs" / "us-invoice-01.pdf")])
    expect(page.locator("#invoices tbody tr")).to_have_count(2)
    page.locator("#invoices tbody tr button").first.click()
    page.click("#delete")
    expect(page.locator("#invoices tbody tr")).to_have_count(1)
    expect(page.locator("#undo")).to_be_visible()
    page.click("#undo button")
    expect(page.locator("#invoices tbody tr")).to_have_count(2)
    page.locator("#invoices tbody tr button").first.click()
    page.click("#delete")
    expect(page.locator("#undo")).to_be_hidden(timeout=15_000)  # the time to undo ran out
    assert len(page.request.get("/api/v2/invoices").json()["items"]) == 1

    page.click("#logout")  # the session ends: its invoices with it
    expect(page.locator("#count")).to_have_text("No invoices yet.")
    assert page.request.get("/api/v2/invoices").json()["items"] == []


def test_the_dashboard_and_the_hand_on_by_keyboard_alone(page: Page) -> None:
    page.goto("/")
    page.set_input_files("#files", str(DE_PDF))
    expect(page.locator("#invoices tbody tr")).to_have_count(1)
    page.focus("#show-inbox")
    page.keyboard.press("Tab")  # to the dashboard's button
    page.keyboard.press("Enter")
    expect(page.locator("#dashboard")).to_be_visible()
    for _ in range(20):  # the board's first button, by Tab alone
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.card') !== null"):
            break
    page.keyboard.press("Enter")
    expect(page.locator(".stage").nth(1).locator(".card")).to_have_count(1)
    page.focus("#show-inbox")
    page.keyboard.press("Enter")
    page.focus("#handon summary >> nth=0")
    page.keyboard.press("Enter")  # opens the print part
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # one per sheet
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type === 'submit'"):
            break
    page.keyboard.press("Enter")
    expect(page.locator("#print-status")).to_have_text("Sheet 1 of 1")


def test_a_photo_of_an_invoice_is_read_when_ocr_is_on(
    browser: object, tmp_path_factory: pytest.TempPathFactory
) -> None:
    need("tesseract" in installed_engines(), "tesseract-ocr (bash scripts/install-system-packages)")
    with live_server(
        tmp_path_factory.mktemp("ocr"), command="python", OCR_ENGINE="tesseract", OCR_LANGUAGES="eng"
    ) as server:
        context = browser.new_context(base_url=server.url)  # type: ignore[attr-defined]
        page = context.new_page()
        photo = tmp_path_factory.mktemp("photo") / "IMG_0417.jpg"
        photo.write_bytes(scanned_image("JPEG"))
        page.goto("/")
        page.set_input_files("#files", str(photo))
        expect(page.locator("#invoices tbody tr")).to_contain_text(NUMBER, timeout=60_000)
        page.locator("#invoices tbody tr button").first.click()
        expect(page.locator("#pages img")).to_have_count(1)  # the scan, kept as a PDF, has its page
        context.close()


def test_payment_fields_a_code_read_and_a_duplicate_asking_before_approval(page: Page) -> None:
    qr_bill = CORPUS / "docs" / "ch-rechnung-01.pdf"
    page.goto("/")
    page.set_input_files("#files", str(qr_bill))
    expect(page.locator("#invoices tbody tr")).to_have_count(1)
    page.set_input_files("#files", str(qr_bill))
    expect(page.locator("#invoices tbody tr")).to_have_count(2)
    expect(page.locator("#invoices tbody")).to_contain_text("Possibly a copy of")

    page.get_by_role("button", name="ch-rechnung-01.pdf").first.click()  # newest first: the copy
    expect(page.locator("#codes")).to_contain_text("Swiss QR-bill")
    expect(page.locator("#field-iban")).to_have_value("CH4431999123000889012")
    expect(page.locator("#reasons")).to_contain_text("Possibly a copy of")
    page.fill("#field-payment_terms_days", "30")
    page.press("#field-payment_terms_days", "Tab")
    expect(page.locator("#review-status")).to_have_text("Saved.")
    page.fill("#field-iban", "CH44 3199 9123 0008 8901 3")
    page.press("#field-iban", "Tab")
    expect(page.locator("#field-iban")).to_have_attribute("aria-invalid", "true")  # the check digits fail
    expect(page.locator("#review-status")).to_contain_text("check digits")

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#approve")
    expect(page.locator("#review-state")).not_to_have_text("Approved")  # asked, and refused
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#approve")
    expect(page.locator("#review-state")).to_have_text("Approved")
    screenshot(page, "review-payment")
    assert serious_violations(page) == []
