"""Journeys through the registry in a real Chromium, with axe accessibility checks."""

import pytest
from playwright.sync_api import expect

from openics.core.audit import Actor
from openics.population.importers import import_practice_file
from tests.builders import many_practices, practice_file, practice_row

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registry():
    rows = many_practices(3) + [practice_row("B00001", icb="QHL", lad="E08000025")]
    import_practice_file(
        practice_file(rows),
        source_name="2025_2026.csv",
        actor=Actor.process("test-import"),
        reason="test",
    )


def test_a_journalist_finds_an_icb_and_its_practices(page, registry, axe_violations):
    # Given the registry holds two ICBs, when a journalist opens Organisations
    page.goto("/")
    page.locator("header.nhsuk-header").get_by_role("link", name="Organisations").first.click()
    page.wait_for_url("**/organisations/")
    # then the directory lists the ICBs of the region
    expect(page.get_by_role("heading", name="NHS Midlands")).to_be_visible()
    assert axe_violations(page) == []
    # and following one shows its practices and whom it is responsible for
    page.get_by_role("link", name="NHS Black Country ICB").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("NHS Black Country ICB")
    expect(page.get_by_role("heading", name="Practices (3)")).to_be_visible()
    expect(page.get_by_role("heading", name="Whom this ICB is responsible for")).to_be_visible()
    assert axe_violations(page) == []


def test_a_visitor_searches_by_code(page, registry, axe_violations):
    page.goto("/organisations/")
    page.get_by_label("Find an organisation by name or code").fill("B00001")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Practice B00001")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Practice B00001").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice B00001")
    assert axe_violations(page) == []
