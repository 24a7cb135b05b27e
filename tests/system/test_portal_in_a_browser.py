"""Journeys through the portal in a real Chromium, with axe accessibility checks."""

import pytest
from playwright.sync_api import expect

from openics.regimes import all_regimes

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def test_a_visitor_reads_the_home_page(page, live_server, axe_violations):
    # Given a visitor with no account, when they open the home page
    page.goto("/")
    # then they see what OpenICS is, under the NHS.UK header
    assert page.title() == "Follow the money, check the rules – OpenICS"
    expect(page.locator("header.nhsuk-header")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow the money, check the rules")
    # and the NHS.UK styles were served by OpenICS itself (blue header, no CDN)
    colour = page.locator("header.nhsuk-header").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert colour == "rgb(0, 94, 184)"
    # in the design system's sans-serif font, not the browser's serif default
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "arial" in font.lower(), font
    assert all(url.startswith(live_server.url) for url in page.requested_urls)
    # and nothing on the page breaks the accessibility rules axe checks
    assert axe_violations(page) == []


def test_a_visitor_finds_the_regimes_from_the_navigation(page, axe_violations):
    # Given the home page
    page.goto("/")
    # when the visitor follows "Regimes" in the header navigation
    page.locator("header.nhsuk-header").get_by_role("link", name="Regimes").first.click()
    # then they see every regime, the 2012 Act with the dates it was in force
    page.wait_for_url("**/regimes/")
    rows = page.locator("table.nhsuk-table tbody tr")
    assert rows.count() == len(all_regimes())
    assert (
        "2013-04-01 to 2022-06-30"
        in rows.filter(has_text="Health and Social Care Act 2012").inner_text()
    )
    assert axe_violations(page) == []
    # and can open one to read its rules and their sources
    page.get_by_role("link", name="Health and Care Act 2022").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Health and Care Act 2022")
    expect(page.get_by_text("organisations.may-commission")).to_be_visible()
    assert axe_violations(page) == []


def test_the_portal_works_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/regimes/")
    assert page.locator("table.nhsuk-table tbody tr").count() == len(all_regimes())
    context.close()


def test_the_accessibility_checker_catches_a_real_fault(page, axe_violations):
    # A guard on the guard: an image with no text alternative must be reported.
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    assert "image-alt" in {v["id"] for v in axe_violations(page)}
