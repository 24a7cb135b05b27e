"""Journeys through the money pages in a real Chromium, with axe accessibility checks."""

import pytest
from playwright.sync_api import expect

from openics.allocation.services import run_place_allocation
from openics.core.audit import Actor
from openics.core.money import Money
from openics.organisations.importers import import_practice_file
from openics.organisations.models import Organisation
from tests.builders import many_practices, practice_file, practice_row

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def budgets():
    actor = Actor.process("test-import")
    rows = many_practices(3) + [practice_row("B00001", icb="QHL", lad="E08000025")]
    import_practice_file(
        practice_file(rows), source_name="2025_2026.csv", actor=actor, reason="test"
    )
    run_place_allocation(
        icb=Organisation.objects.get(code="QUA"),
        financial_year="2025/26",
        budget=Money.parse("£3,000,000.00"),
        actor=actor,
        reason="test",
    )


def test_a_councillor_checks_a_fair_share_and_the_place_budgets(page, budgets, axe_violations):
    # Given populations are loaded, when a councillor asks for fair shares of £4m
    page.goto("/money/fair-shares/")
    assert axe_violations(page) == []
    page.get_by_label("Share a national total of your choosing").fill("£4,000,000.00")
    page.get_by_role("button", name="Recalculate").click()
    # then each ICB's target is shown, three quarters to the Black Country's three practices
    row = page.get_by_role("row", name="NHS Black Country ICB")
    expect(row).to_contain_text("£3,000,000.00")
    assert axe_violations(page) == []
    # and the ICB's page shows the working
    page.get_by_role("link", name="NHS Black Country ICB").click()
    expect(page.get_by_role("heading", name="The working")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="How NHS Black Country ICB shares its budget").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Place budgets")
    assert axe_violations(page) == []


def test_a_bad_total_gets_a_clear_error(page, budgets, axe_violations):
    page.goto("/money/fair-shares/")
    page.get_by_label("Share a national total of your choosing").fill("four million")
    page.get_by_role("button", name="Recalculate").click()
    expect(page.locator(".nhsuk-error-message")).to_contain_text("not an amount of money")
    assert axe_violations(page) == []
