"""Handing on from the page: Excel of the selection, the print preview, a mailbox import with its
progress (against the mail tests' Dovecot)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx2
import openpyxl
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, serious_violations
from tests.conftest import BUCKET, CORPUS
from tests.delivery.receiver import SECRET, Receiver, running_receiver
from tests.integration.live import LiveServer, live_server
from tests.mail import messages
from tests.mail.conftest import PASSWORD, USER, dovecot_server, mail_settings, mailserver
from tests.mail.dovecot import Dovecot

__all__ = ["dovecot_server", "mailserver"]  # the mail tests' fixtures, used here too


@pytest.fixture(scope="module")
def module_receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, dovecot_server: Dovecot, module_receiver: Receiver, moto_url: str
) -> Iterator[LiveServer]:
    """The page's server, reaching the test mailbox, the webhook receiver and moto's S3."""
    aws = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing-secret",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }
    s3 = boto3.client(
        "s3",
        endpoint_url=moto_url,
        region_name="eu-central-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing-secret",
    )
    if BUCKET not in {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}:
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    settings = {
        **{name.upper(): str(value) for name, value in mail_settings(dovecot_server).items()},
        **aws,
        "WEBHOOK_ALLOWED_HOSTS": module_receiver.authority,
        "ENABLE_S3": "true",
        "S3_BUCKET": BUCKET,
        "S3_REGION": "eu-central-1",
        "S3_ENDPOINT_URL": moto_url,
    }
    with live_server(tmp_path_factory.mktemp("web"), command="python", OCR_ENGINE="none", **settings) as running:
        yield running


def _two_invoices(page: Page) -> None:
    page.goto("/")
    page.set_input_files(
        "#files", [str(CORPUS / "docs" / "de-rechnung-01.pdf"), str(CORPUS / "docs" / "us-invoice-01.pdf")]
    )
    expect(page.locator("#invoices tbody tr")).to_have_count(2)


def test_excel_of_the_selection_and_a_print_preview(page: Page) -> None:
    _two_invoices(page)
    page.fill("input[name=q]", "RE-2024")
    expect(page.locator("#invoices tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        page.click("#excel")
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert workbook["Invoices"].max_row == 2  # the heading and the one invoice the list shows

    page.fill("input[name=q]", "")
    expect(page.locator("#invoices tbody tr")).to_have_count(2)
    page.click("#handon summary >> nth=0")
    page.check("input[name=per_page][value='1']")
    page.click("#print-form button[type=submit]")
    expect(page.locator("#print-status")).to_have_text("Sheet 1 of 2")
    expect(page.locator("#sheet")).to_be_visible()
    page.click("#sheet-next")
    expect(page.locator("#print-status")).to_have_text("Sheet 2 of 2")
    page.check("input[name=per_page][value='2']")
    page.click("#print-form button[type=submit]")
    expect(page.locator("#print-status")).to_have_text("Sheet 1 of 1")
    screenshot(page, "print-preview")
    assert serious_violations(page) == []


def test_a_mailbox_import_with_its_progress(page: Page, mailserver: Dovecot) -> None:
    mailserver.deliver(USER, *(messages.one_invoice(number) for number in range(3)))
    page.goto("/")
    page.click("#handon summary >> nth=1")
    page.fill("#mail-form input[name=host]", "127.0.0.1")
    page.fill("#mail-form input[name=port]", str(mailserver.imaps))
    page.fill("#mail-form input[name=username]", USER)
    page.fill("#mail-form input[name=secret]", PASSWORD)
    page.click("#mail-form button[type=submit]")
    expect(page.locator("#mail-status")).to_contain_text("3 invoices added", timeout=60_000)
    expect(page.locator("#invoices tbody tr")).to_have_count(3)
    assert page.input_value("#mail-form input[name=secret]") == ""  # the page keeps no password
    screenshot(page, "mailbox")

    mailserver.deliver(USER, messages.one_invoice(7))
    page.fill("#mail-form input[name=secret]", PASSWORD)
    page.select_option("#mail-form select[name=mark]", "move")
    page.fill("#mail-form input[name=move_to]", "Archive")
    with mailserver.client(USER) as imap:
        imap.create_folder("Archive")
    page.click("#mail-form button[type=submit]")
    # the three read before are still unread (a keyword, not \\Seen): already here, moved too
    expect(page.locator("#mail-status")).to_contain_text("1 invoices added, 3 already here", timeout=60_000)
    with mailserver.client(USER) as imap:
        assert imap.select_folder("Archive")[b"EXISTS"] == 4

    page.fill("#mail-form input[name=secret]", "wrong")
    page.click("#mail-form button[type=submit]")
    expect(page.locator("#mail-status")).to_contain_text("refused the user name", timeout=60_000)
    expect(page.locator("#mail-status")).to_have_class("error")


def test_a_webhook_and_an_s3_upload_from_the_review(page: Page, module_receiver: Receiver) -> None:
    _two_invoices(page)
    page.locator("#invoices tbody tr button").first.click()
    page.click("#review details.send summary")
    page.fill("#webhook-form input[name=url]", module_receiver.url)
    page.fill("#webhook-form input[name=secret]", SECRET)
    page.click("#webhook-form button[type=submit]")
    expect(page.locator("#delivery-status")).to_have_text("Delivered.", timeout=30_000)
    (request,) = module_receiver.received
    assert request.signature_valid and request.event["type"] == "invoice.parsed"

    expect(page.locator("#approve-s3")).to_be_visible()
    page.click("#approve-s3")
    link = page.locator("#delivery-status a")
    expect(link).to_be_visible(timeout=30_000)
    expect(page.locator("#review-state")).to_have_text("Approved")
    workbook = openpyxl.load_workbook(io.BytesIO(httpx2.get(link.get_attribute("href") or "", timeout=30).content))
    assert workbook["Invoices"].max_row == 2
    assert serious_violations(page) == []

    page.click("#back")
    page.click("#excel-s3")  # the whole list's workbook, uploaded by a job
    link = page.locator("#excel-status a")
    expect(link).to_be_visible(timeout=30_000)
    workbook = openpyxl.load_workbook(io.BytesIO(httpx2.get(link.get_attribute("href") or "", timeout=30).content))
    assert workbook["Invoices"].max_row == 3
