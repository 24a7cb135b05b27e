"""A staff transfer recorded in the workspace in a real Chromium, with axe on each page:
sent without its legal basis and with a body moving to itself, the form names both in the
error summary; filled in, the people page shows the transfer and its terms."""

from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import expect

from openics.core.models import RoleAssignment
from openics.core.roles import Role
from openics.organisations.models import StaffTransfer
from tests.governance_world import build_governance_world

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password-1"


@pytest.fixture
def world(django_user_model):
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=True):
        world = build_governance_world()
        user = django_user_model.objects.create_user(username="officer", password=PASSWORD)
        RoleAssignment.objects.create(user=user, role=Role.OFFICER.value, organisation_code="QXX")
        yield world


def test_an_officer_records_a_staff_transfer(page, world, axe_violations):
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("NHS Testshire ICB")
    page.get_by_role("link", name="Record a staff transfer").click()
    assert axe_violations(page) == []

    page.get_by_label("The body they left").fill("RTT")
    page.get_by_label("The body they joined").fill("RTT")
    page.get_by_role("button", name="Record the transfer").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Select the legal basis")
    expect(summary).to_contain_text("Enter the date of the transfer")
    assert axe_violations(page) == []

    page.get_by_label("The body they joined").fill("QXX")
    group = page.get_by_role("group", name="When did they transfer?")
    group.get_by_label("Day").fill("1")
    group.get_by_label("Month").fill("4")
    group.get_by_label("Year").fill("2026")
    page.get_by_label("How many staff moved (headcount)").fill("12")
    page.get_by_label("Which functions moved with them").fill("Continuing healthcare")
    page.get_by_label("COSOP", exact=False).check()
    page.get_by_label("Agenda for Change terms and conditions").check()
    page.get_by_role("button", name="Record the transfer").click()
    expect(page.locator("#transfers")).to_be_visible()
    assert StaffTransfer.objects.get().legal_basis == "cosop"
    expect(page.locator("main")).to_contain_text("Continuing healthcare")
    assert axe_violations(page) == []
