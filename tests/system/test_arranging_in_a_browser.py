"""Journeys through the provider selection pages in a real Chromium, with axe checks."""

import re

import pytest
from playwright.sync_api import expect

from tests.arranging_world import build_register

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]
LABEL = "Illustrative: synthetic demonstration data, not a real decision"


@pytest.fixture
def register():
    return build_register()


def test_a_journalist_finds_a_decision_and_reads_its_notice(page, register, axe_violations):
    # Given a register of three decisions, when a journalist opens it
    page.goto("/arranging/decisions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Provider selection decisions")
    expect(page.locator("#count")).to_have_text("3 decisions match")
    assert axe_violations(page) == []
    # and narrows it to independent providers worth at least £2m
    page.get_by_label("Provider's ownership").select_option(label="Independent for-profit")
    page.get_by_label("Lifetime value at least (£)").fill("£2,000,000")
    page.get_by_role("button", name="Apply filters").click()
    # then one decision matches, the filters are kept in the address and the form
    expect(page.locator("#count")).to_have_text("1 decision matches the filters")
    expect(page).to_have_url(re.compile(r"ownership=independent"))
    expect(page.get_by_label("Lifetime value at least (£)")).to_have_value("£2,000,000")
    expect(page.get_by_role("link", name="DEC-1", exact=True)).to_have_count(0)
    # and it is labelled as made up
    expect(page.get_by_text(LABEL)).to_be_visible()
    assert axe_violations(page) == []
    # when they open it, the whole record shows, checked under every regime
    page.get_by_role("link", name="DEC-S", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Community physiotherapy 2026-30")
    expect(page.get_by_text(LABEL)).to_be_visible()
    expect(page.get_by_role("heading", name="Checked under every regime")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Social value"))).to_contain_text("low")
    assert axe_violations(page) == []
    # and its notice of intention reads as published
    page.get_by_role("link", name="DEC-S-INT1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Notice of intention to award a contract"
    )
    expect(page.get_by_text(LABEL)).to_be_visible()
    expect(page.locator("dl").first).to_contain_text("midnight at the end of 16 April 2026")
    assert axe_violations(page) == []


def test_a_late_award_notice_and_the_open_standstills(page, register, axe_violations):
    # Given a direct award whose notice went out late, when it is found by its process
    page.goto("/arranging/decisions/")
    page.get_by_label("Process").select_option(label="Direct Award A")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#count")).to_have_text("1 decision matches the filters")
    expect(page.get_by_text(LABEL)).to_have_count(0)
    page.get_by_role("link", name="DEC-A", exact=True).click()
    # then the decision and its notice both say it was late
    expect(page.get_by_role("row", name=re.compile("DEC-A-AWD"))).to_contain_text("Published late")
    assert axe_violations(page) == []
    page.get_by_role("link", name="DEC-A-AWD").click()
    expect(page.get_by_role("heading", name="Published late")).to_be_visible()
    assert axe_violations(page) == []
    # and the standstill page lists the one period open on 10 April 2026
    page.goto("/arranging/standstill/")
    page.get_by_label("Open on the day").fill("2026-04-10")
    page.get_by_role("button", name="Show").click()
    row = page.get_by_role("row", name=re.compile("DEC-S"))
    expect(row).to_contain_text("16 April 2026")
    expect(row).to_contain_text("17 April 2026")
    assert axe_violations(page) == []


def test_the_annual_summary_for_a_year_chosen_in_the_form(page, register, axe_violations):
    # Given the register's awards, when a reader asks for the summary of 2025/26
    page.goto("/arranging/annual-summary/")
    page.get_by_label("Financial year").fill("2025-26")
    page.get_by_role("button", name="Show").click()
    # then each authority's counts are shown, with a download of the same figures
    expect(page.get_by_role("heading", level=2).first).to_contain_text("2025/26")
    expect(page.get_by_role("link", name=re.compile("summary as CSV"))).to_be_visible()
    assert axe_violations(page) == []
    # and a year that is not a year is an error on the field, not a crash
    page.get_by_label("Financial year").fill("2025-27")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".nhsuk-error-message")).to_contain_text("not a financial year")
    assert axe_violations(page) == []


def test_a_reader_finds_a_real_published_notice_beside_the_made_up_decisions(
    page, register, axe_violations
):
    from openics.arranging.published import import_notices
    from openics.core.audit import Actor
    from tests.unit.test_source_ocds_notices import SAMPLE

    import_notices(
        SAMPLE.read_bytes(), source_name=SAMPLE.name, actor=Actor.process("test"), reason="test"
    )
    # Given the register, the real notices are there, labelled so, below the decisions
    page.goto("/arranging/decisions/")
    expect(page.get_by_role("heading", name="Published notices (real)")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("CATERING PROVISION TO WALSAL"))
    expect(row).to_contain_text("Published notice (real)")
    expect(row.get_by_role("link", name="Contracts Finder")).to_have_attribute(
        "href", re.compile(r"^https://www\.contractsfinder\.service\.gov\.uk/Notice/30c6f297")
    )
    assert axe_violations(page) == []
    # when they open it, its page says where it was published and where it came from
    row.get_by_role("link", name=re.compile("CATERING PROVISION")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CATERING PROVISION")
    expect(page.locator("[data-provenance=real]").first).to_be_visible()
    expect(page.locator("[data-provenance=real] p")).to_contain_text(f"imported from {SAMPLE.name}")
    assert axe_violations(page) == []
    # and the list of all of them reads well too
    page.goto("/arranging/published-notices/")
    expect(page.get_by_role("heading", level=2).first).to_have_text("14 published notices")
    assert axe_violations(page) == []
