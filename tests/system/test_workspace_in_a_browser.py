"""The staff workspace in a real Chromium, with axe on every page: a board member declares
an interest; the secretary runs a meeting at which that member must step out of an item,
which still passes on the quorum left; the minutes appear on the public portal. Signed in
as the member, the secretary's pages answer 403; signed out, only the portal opens. No page
breaks the Content-Security-Policy."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from playwright.sync_api import expect

from openics.core.models import AuditEntry, RoleAssignment
from openics.core.roles import Role
from tests.governance_world import build_governance_world

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password-1"
DAY = date(2026, 3, 10)  # the meeting is held the day the member declares


@pytest.fixture
def world(django_user_model):
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=True):
        world = build_governance_world()
        for username, role in (("gp", Role.BOARD_MEMBER), ("secretary", Role.BOARD_SECRETARY)):
            user = django_user_model.objects.create_user(username=username, password=PASSWORD)
            RoleAssignment.objects.create(user=user, role=role.value, organisation_code="QXX")
        yield world


@pytest.fixture
def csp_errors(page):
    seen: list[str] = []
    page.on(
        "console",
        lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return seen


def _sign_in(page, username):
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _date(page, legend, day: date):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_member_declares_and_the_secretary_runs_the_meeting(
    page, world, axe_violations, csp_errors
):
    # A board member signs in and declares an interest in the trust.
    _sign_in(page, "gp")
    expect(page.get_by_role("heading", level=1)).to_have_text("NHS Testshire ICB")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Declare an interest").click()
    # Sent empty, the form says what is missing in the error summary, and keeps nothing wrong.
    page.get_by_role("button", name="Declare the interest").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Select the category of the interest")
    expect(summary).to_contain_text("Enter the date the interest arose")
    assert axe_violations(page) == []
    page.get_by_label("financial", exact=True).check()
    page.get_by_label("The organisation it is in").fill("Testshire Hospitals")
    page.get_by_label("What the interest is").fill("Shares in the trust's subsidiary")
    _date(page, "When did the interest arise?", date(2026, 1, 5))
    page.get_by_role("button", name="Declare the interest").click()
    expect(page.locator("#declarations")).to_contain_text("Testshire Hospitals NHS FT")
    assert axe_violations(page) == []
    # The member may not run the meeting: the secretary's pages answer 403.
    response = page.goto("/workspace/QXX/boards/qxx-board/meetings/new/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this")
    page.goto("/workspace/QXX/")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")

    # The secretary sets up the meeting, records attendance and adds an item about the trust.
    _sign_in(page, "secretary")
    page.get_by_role("link", name="NHS Testshire ICB board").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Set up a meeting").click()
    _date(page, "When is the meeting?", DAY)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Set up the meeting").click()
    page.get_by_role("link", name="Record who attended").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Record attendance").click()
    page.get_by_role("link", name="Add an agenda item").click()
    page.get_by_label("Item number").fill("1")
    page.get_by_label("Title", exact=True).fill("Extending the trust's community services contract")
    page.get_by_label("Decision", exact=True).check()
    page.get_by_label("Organisations the item affects").fill("RTT")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Add the item").click()
    page.get_by_role("link", name="Take item 1").click()

    # Before any vote: who must step out and why, computed; the meeting is still quorate.
    out = page.locator("#stepping-out")
    expect(out).to_contain_text("Partner member: primary medical services Person")
    expect(out).to_contain_text("Shares in the trust's subsidiary")
    expect(out).to_contain_text("Partner member: trusts Person")
    expect(page.locator("#quorum")).to_contain_text("Quorate for this item")
    assert axe_violations(page) == []
    # The recused members have no vote on the page; everyone else votes for.
    groups = page.locator("fieldset").filter(has=page.get_by_label("For"))
    assert groups.count() == 8
    for n in range(groups.count()):
        groups.nth(n).get_by_label("For").check()
    page.get_by_label("The resolution").fill("The board extends the contract for one year.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#item-1")).to_contain_text("Decided: carried")
    page.get_by_role("button", name="Publish the minutes").click()
    expect(page.locator("#published")).to_contain_text("Published to the public record")
    assert axe_violations(page) == []

    # The minutes are on the public portal, with who stepped out and why.
    page.get_by_role("link", name="The public minutes").click()
    item = page.locator("#item-1")
    expect(item).to_contain_text("The board extends the contract for one year.")
    expect(item).to_contain_text("Shares in the trust's subsidiary")
    page.goto("/boards/record/")
    expect(page.get_by_text("minutes", exact=False).first).to_be_visible()
    assert axe_violations(page) == []

    # Signed out, the workspace sends you to sign in; the portal stays open.
    page.goto("/workspace/QXX/")
    page.get_by_role("button", name="Sign out").click()
    page.goto("/workspace/QXX/boards/qxx-board/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the workspace")
    assert page.goto("/boards/").status == 200

    # Every write the journey made names the person who signed in, not a process.
    written = AuditEntry.objects.filter(reason__contains="in the workspace")
    assert written.filter(actor_user__username="gp").count() == 1
    assert written.filter(actor_user__username="secretary").count() >= 5
    assert not written.exclude(actor_system="").exists()
    assert csp_errors == []
