"""The inbox in a real browser: upload, the list, errors kept in view, accessibility."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, serious_violations
from tests.conftest import CORPUS


def test_an_uploaded_invoice_appears_in_the_list(page: Page) -> None:
    page.goto("/")
    page.set_input_files("input[type=file]", str(CORPUS / "docs" / "de-rechnung-01.pdf"))
    expect(page.locator("#invoices tbody tr")).to_have_count(1)
    expect(page.locator("#invoices tbody")).to_contain_text("RE-2024-00157")
    screenshot(page, "inbox")
    assert serious_violations(page) == []
