"""Q14 and Q15 in a real Chromium, from the home page by links, with axe checks: staff by
organisation and group and staff transfers; the capital plan and PFI charges as charts;
and the plans page."""

from datetime import date

import pytest
from playwright.sync_api import expect

from openics.capital.services import import_pfi, plan_scheme, set_limit
from openics.kernel.money import Money
from openics.ledger import services as books
from openics.organisations.lifecycle import transfer_staff
from openics.organisations.models import Relationship
from openics.organisations.workforce import import_workforce
from openics.plans.services import add_aim, record_document
from tests.integration.test_capital import DUDLEY, _csv
from tests.integration.test_workforce import _workbook
from tests.ledger_world import ACTOR, START, build_world, contract, fund_place, pounds

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]
AS = {"actor": ACTOR, "reason": "test"}


@pytest.fixture
def system():
    world = build_world()
    Relationship.objects.create(
        child=world.trust, parent=world.icb, kind="within", active_from=START
    )
    budget = fund_place(world, "£5,000,000.00")
    deal = contract(world, reference="C-1", place=world.dudley)
    books.commit(contract=deal, source=budget, amount=pounds("£2,000,000.00"), on=START, **AS)
    books.pay(contract=deal, amount=pounds("£1,000,000.00"), on=START, invoice_number="A", **AS)
    rows = [
        ("2017-SEP", "RNA", "Dudley", "HCHS doctors", "British", 410.5),
        ("2017-SEP", "RNA", "Dudley", "Midwives", "Irish", 80),
        ("2018-JUN", "RNA", "Dudley", "HCHS doctors", "British", 422),
    ]
    import_workforce(_workbook(rows), source_name="workforce.xlsx", **AS)
    transfer_staff(
        source=world.other_trust,
        target=world.trust,
        on=date(2025, 4, 1),
        staff=12,
        functions="Audiology",
        legal_basis="tupe",
        agenda_for_change=True,
        nhs_pension=True,
        illustrative=True,
        **AS,
    )
    set_limit(
        icb=world.icb,
        financial_year="2025/26",
        amount=Money.parse("£10,000,000"),
        source="test",
        **AS,
    )
    plan_scheme(
        reference="S1",
        icb=world.icb,
        provider=world.trust,
        name="New ward",
        purpose="Beds",
        funding_source="operational",
        costs={"2025/26": Money.parse("£6,000,000")},
        **AS,
    )
    import_pfi(_csv(DUDLEY), source_name="pfi.csv", post_years=["2025/26"], **AS)
    strategy = record_document(
        reference="ICS-1",
        kind="integrated_care_strategy",
        title="Our strategy",
        icb=world.icb,
        authors=[world.icb],
        prepared_on=date(2023, 1, 1),
        **AS,
    )
    add_aim(
        document=strategy,
        aim="Care closer to home",
        population="Adults",
        measure="Admissions",
        target="Down 10%",
        **AS,
    )
    return world


def test_q15_staff_and_transfers_are_two_clicks_from_home(page, system, axe_violations):
    page.goto("/")
    page.get_by_role("link", name="People").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    expect(page.get_by_role("row", name="Audiology")).to_contain_text("Agenda for Change: yes")
    assert axe_violations(page) == []
    page.get_by_role("link", name="The Dudley Group NHS Foundation Trust").first.click()
    expect(page.get_by_role("row", name="HCHS doctors")).to_contain_text("422.0")
    assert axe_violations(page) == []


def test_q14_capital_and_pfi_are_two_clicks_from_home(page, system, axe_violations):
    page.goto("/")
    page.get_by_role("link", name="Money").first.click()
    page.get_by_role("link", name="Capital and PFI").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Capital and PFI")
    # three charts: the plan, and PFI by year and by partner
    expect(page.locator("figure.app-chart svg")).to_have_count(3)
    expect(page.get_by_role("row", name="Hospital Partnership Ltd").first).to_be_visible()
    assert axe_violations(page) == []


def test_the_plans_page_lists_the_aims(page, system, axe_violations):
    page.goto("/")
    page.get_by_role("link", name="Plans").first.click()
    expect(page.get_by_role("row", name="Care closer to home")).to_contain_text("None yet")
    assert axe_violations(page) == []
