"""A journey through the boards pages in a real Chromium, with axe checks."""

import re

import pytest
from playwright.sync_api import expect

from tests.integration.test_governance_pages import GP_INTEREST, build_boards_world

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    return build_boards_world()


def test_a_resident_follows_a_board_to_its_minutes_and_reads_why_a_member_stepped_out(
    page, world, axe_violations
):
    # Given a board that decided a provider selection at its May meeting, when a resident
    # opens the list of boards
    page.goto("/boards/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Boards")
    expect(page.locator("#count")).to_have_text("1 board")
    # (the list and the board show things as they stand on the real today, so only what does
    # not change with the date is asserted there)
    expect(page.get_by_role("row", name=re.compile("NHS Black Country ICB board"))).to_contain_text(
        "NHS Black Country ICB"
    )
    assert axe_violations(page) == []
    # and follows the board
    page.get_by_role("link", name="NHS Black Country ICB board").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("NHS Black Country ICB board")
    expect(page.get_by_role("heading", name="Members today")).to_be_visible()
    expect(page.get_by_role("heading", name="Checked under every regime")).to_be_visible()
    assert axe_violations(page) == []
    # then its meeting of 11 May 2026
    page.get_by_role("link", name="11 May 2026", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "NHS Black Country ICB board, 11 May 2026"
    )
    # the minutes show who stepped out of the provider selection, and why
    item = page.locator("#item-2")
    expect(item.get_by_role("heading", name="Members who stepped out")).to_be_visible()
    stepped_out = item.get_by_role("listitem").filter(has_text="took no part in this item")
    expect(stepped_out).to_have_count(1)
    expect(stepped_out).to_contain_text("Ada Practice")
    expect(stepped_out).to_contain_text(GP_INTEREST)
    expect(stepped_out).to_contain_text("which is the provider the decision selects")
    # and how the others voted
    expect(item.get_by_role("row", name=re.compile("Leo Audit"))).to_contain_text("Against")
    expect(item.get_by_role("row", name=re.compile("Ada Practice"))).to_have_count(0)
    assert axe_violations(page) == []
