"""Browser tests: a real headless Chromium, driven by Playwright, against a live server."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the live server's database
# work happens in its own thread, so Django's async-safety guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def _chromium_path() -> str | None:
    configured = os.environ.get("OPENICS_CHROMIUM")
    if configured:
        return configured
    found = shutil.which("chromium")
    return found  # None: Playwright's own Chromium (scripts/test installs it)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_chromium_path(),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.requested_urls = requests
    yield page
    context.close()


@pytest.fixture
def axe_violations():
    """Runs axe-core in the page and returns its violations (an empty list is a pass)."""

    def run(page) -> list[dict]:
        assert AXE.exists(), f"axe-core is not installed at {AXE}; run scripts/setup"
        # A click that navigates returns before the next page has loaded; axe must judge the
        # page that was asked for, not the blank document between two pages.
        page.wait_for_load_state("load")
        # Evaluated through the browser's debugging protocol, not added as a <script> tag: the
        # pages' Content-Security-Policy refuses inline scripts, and rightly.
        page.evaluate(AXE.read_text() + "\n;undefined")
        result = page.evaluate("async () => await axe.run(document)")
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]
        ]

    return run
