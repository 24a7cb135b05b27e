"""Journeys through the money pages in a real Chromium, with axe accessibility checks."""

import pytest
from playwright.sync_api import expect

from openics.allocation.services import run_place_allocation
from openics.core.audit import Actor
from openics.kernel.money import Money
from openics.organisations.models import Organisation
from openics.population.importers import import_practice_file
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


@pytest.fixture
def books_world():
    from openics.ledger import services as books
    from tests.ledger_world import ACTOR, START, build_world, contract, fund_place, pounds

    world = build_world()
    budget = fund_place(world, "£1,000,000.00")
    deal = contract(world, reference="C-1", place=world.dudley)
    books.commit(
        contract=deal,
        source=budget,
        amount=pounds("£600,000.00"),
        on=START,
        actor=ACTOR,
        reason="test",
    )
    books.pay(
        contract=deal,
        amount=pounds("£30,000.00"),
        on=START,
        invoice_number="A",
        actor=ACTOR,
        reason="test",
    )
    sub = contract(
        world, reference="S-1", commissioner=world.trust, provider=world.company, prime=deal
    )
    books.pay(
        contract=sub,
        amount=pounds("£5,000.00"),
        on=START,
        invoice_number="S",
        actor=ACTOR,
        reason="test",
    )


def test_a_journalist_follows_the_money_to_a_subcontractor(page, books_world, axe_violations):
    # Given the books, when a journalist opens Follow the money
    page.goto("/money/books/")
    page.get_by_role("link", name="Follow the money from NHS England").click()
    # then a Sankey diagram shows where NHS England's £1m went, with totals in £
    diagram = page.get_by_role("img", name="Where the money went, 2025/26")
    expect(diagram).to_be_visible()
    expect(page.locator(".nhsuk-lede-text")).to_contain_text("£1,000,000.00 left NHS England")
    expect(page.get_by_role("row", name="Scan Co Ltd Independent")).to_contain_text("£5,000.00")
    assert axe_violations(page) == []
    # and following the trust shows where its money came from
    page.get_by_role(
        "link", name="Sources of The Dudley Group NHS Foundation Trust's money"
    ).click()
    expect(page.locator(".nhsuk-lede-text")).to_contain_text("came into")
    expect(page.get_by_role("img", name="Where the money came from, 2025/26")).to_be_visible()
    assert axe_violations(page) == []
    # and the ICB's balance page answers whether it broke even
    page.goto("/money/books/QUA/2025-26/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Does it break even?")
    assert axe_violations(page) == []


@pytest.fixture
def money_world():
    from tests.money_world import build_money_world

    return build_money_world()


def test_from_the_home_page_in_three_clicks_the_diagram_books_grant_and_pool(
    page, money_world, axe_violations
):
    # Given the books, a journalist on the home page sees the money diagram with its provenance
    page.goto("/")
    expect(page.get_by_role("img", name="Where NHS England's money went, 2025/26")).to_be_visible()
    assert axe_violations(page) == []
    # when they go to Money (one click), then the ICB's diagram (two)
    page.get_by_role("link", name="Money", exact=True).first.click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Follow NHS Black Country ICB's money").click()
    expect(page.get_by_role("img", name="Where the money went, 2025/26")).to_be_visible()
    assert axe_violations(page) == []
    # and from the home page its books for 2025/26 are one click away
    page.goto("/")
    page.get_by_role("link", name="its books for 2025/26").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Does it break even?")
    assert axe_violations(page) == []
    # and the public health grant, with the payment it refused
    page.goto("/money/")
    page.get_by_role("link", name="Dudley public health grant 2025/26").click()
    expect(page.get_by_role("heading", name="Payments the ring-fence refused")).to_be_visible()
    expect(page.locator("[data-refusals]")).to_contain_text("payment on HC-1")
    assert axe_violations(page) == []
    # and the pooled fund, with the council's contribution beside the NHS's
    page.goto("/")
    page.get_by_role("link", name="Dudley pooled fund 2025/26").click()
    expect(page.locator("[data-contributions]")).to_contain_text("Dudley")
    expect(page.locator("[data-services]")).to_contain_text("means-tested")
    assert axe_violations(page) == []
    # and who is subcontracted, from the Money page
    page.goto("/money/")
    page.get_by_role("link", name="Who is subcontracted").click()
    expect(page.locator("[data-subcontracts]")).to_contain_text("01234567")
    assert axe_violations(page) == []
