"""From the home page to one whole system under every regime, in a real Chromium with axe."""

import pytest
from playwright.sync_api import expect

from tests.integration.test_regimes_compare import ON, world  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def test_a_journalist_reaches_the_comparison_in_two_clicks_and_opens_a_finding(
    page,
    world,  # noqa: F811
    axe_violations,
):
    # Given the home page, when a journalist follows Regimes and then the comparison
    page.goto("/")
    page.get_by_role("link", name="Regimes").first.click()
    page.get_by_role("link", name="Compare one whole system under every regime").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("under every regime")
    assert axe_violations(page) == []
    # then, for a chosen day, each regime has a column and every finding opens to its citation
    page.goto(f"/regimes/compare/?system=QXX&on={ON}")
    expect(page.locator('#summary th[scope="col"]')).to_have_count(10)
    finding = page.locator("#critics-2021 ~ details").first
    finding.locator("summary").click()
    expect(finding).to_contain_text("Rule")
    assert axe_violations(page) == []
