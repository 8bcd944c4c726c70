"""The web page in a real browser: Debian's Chromium driven by Playwright for Python against a
live `python main.py`; axe-core (npm, test-only: tests/browser/package.json) checks accessibility.
Screenshots of the main screens are written to tests/browser/screenshots/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import need
from tests.integration.live import LiveServer, live_server

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = HERE / "screenshots"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("web"), command="python", OCR_ENGINE="none") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium for one module's tests: Playwright's sync API runs an event loop on this thread
    while it is open, which tests that start their own (asyncio.run) must not find."""
    need(CHROMIUM.exists(), "Debian's chromium (bash scripts/install-system-packages)")
    with sync_playwright() as playwright:
        # as root (CI), Chromium runs only without its sandbox
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"] if os.geteuid() == 0 else []
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, server: LiveServer) -> Iterator[Page]:
    """A fresh browser context (its own session cookie) on the live server."""
    context = browser.new_context(base_url=server.url, locale="en-GB", viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of impact serious or critical on the page as it stands."""
    need(AXE.exists(), "axe-core (npm ci --prefix tests/browser)")
    page.add_script_tag(path=str(AXE))
    violations: list[dict[str, Any]] = page.evaluate("async () => (await axe.run()).violations")
    return [
        {"id": violation["id"], "impact": violation["impact"], "nodes": [n["target"] for n in violation["nodes"]]}
        for violation in violations
        if violation["impact"] in ("serious", "critical")
    ]
