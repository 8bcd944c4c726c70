"""Handing on from the page: Excel of the selection, the print preview, a mailbox import with its
progress (against the mail tests' Dovecot)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, serious_violations
from tests.conftest import CORPUS
from tests.integration.live import LiveServer, live_server
from tests.mail import messages
from tests.mail.conftest import PASSWORD, USER, dovecot_server, mail_settings, mailserver
from tests.mail.dovecot import Dovecot

__all__ = ["dovecot_server", "mailserver"]  # the mail tests' fixtures, used here too


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, dovecot_server: Dovecot) -> Iterator[LiveServer]:
    settings = {name.upper(): str(value) for name, value in mail_settings(dovecot_server).items()}
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

    page.fill("#mail-form input[name=secret]", "wrong")
    page.click("#mail-form button[type=submit]")
    expect(page.locator("#mail-status")).to_contain_text("refused the user name", timeout=60_000)
    expect(page.locator("#mail-status")).to_have_class("error")
