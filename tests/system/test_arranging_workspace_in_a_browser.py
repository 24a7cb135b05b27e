"""Arranging services in the workspace, in a real Chromium with axe on every page: the
commissioning officer answers the guided choice step by step, takes a Direct Award C through
the decision record (a conflicted decision-maker is shown before it is saved), the notice of
intention, a representation, the review, the award and the award notice, and the public
register shows it. With the page's script, the guided choice refuses Direct Award C in place
as the considerable change figures are typed, and says why. No page breaks the
Content-Security-Policy."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from playwright.sync_api import expect

from openics.arranging.models import SelectionDecision
from openics.core.models import RoleAssignment
from openics.core.roles import Role
from tests.psr_workspace_world import build_workspace_psr_world

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password-1"
ANSWERS = [  # the guided choice, step by step: (question starts with, answer)
    [("Is there an existing provider", "Yes"), ("Because of the nature", "No")],
    [
        ("Are patients offered", "No"),
        ("Is the number of providers", "No"),
        ("Is every provider", "No"),
        ("Are there arrangements", "No"),
    ],
    [
        ("Is an existing contract", "Yes"),
        ("Is the existing provider satisfying", "Yes"),
        ("Would the new arrangements", "No"),
        ("Does any change in value", "Yes"),
    ],
    [
        ("Would the award conclude", "No"),
        ("Is the award urgent", "No"),
        ("Is the urgency not", "No"),
        ("Would following the regime", "No"),
    ],
    [("Taking into account the likely providers", "No")],
]
CRITERIA = (
    "Quality and innovation",
    "Value",
    "Integration, collaboration and service sustainability",
    "Improving access, reducing health inequalities and facilitating choice",
    "Social value",
)


@pytest.fixture
def world(django_user_model):
    with time_machine.travel(datetime(2025, 2, 28, 9, 0, tzinfo=UTC), tick=True):
        world = build_workspace_psr_world()
        user = django_user_model.objects.create_user(username="officer", password=PASSWORD)
        RoleAssignment.objects.create(user=user, role=Role.OFFICER.value, organisation_code="QUA")
        yield world


@pytest.fixture
def csp_errors(page):
    seen: list[str] = []
    page.on(
        "console",
        lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return seen


def _sign_in(page):
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _date(page, legend, day: date):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _answer(page, question, answer):
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def test_an_officer_takes_a_direct_award_c_to_its_award_notice(
    page, world, axe_violations, csp_errors
):
    _sign_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("NHS Black Country ICB")
    page.get_by_role("link", name="Choose the process for a new decision").click()
    assert axe_violations(page) == []
    # Continuing without answering says what is missing, in the error summary.
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Answer: Is there an existing provider of these services?"
    )
    assert axe_violations(page) == []
    for number, step in enumerate(ANSWERS, start=1):
        for question, answer in step:
            _answer(page, question, answer)
        if number == 3:
            page.get_by_label("The existing contract's lifetime value").fill("2,000,000")
            page.get_by_label("The lifetime value of the new arrangements").fill("2,080,000")
        assert axe_violations(page) == []
        page.get_by_role("button", name="Continue").click()
    expect(page.locator("#allowed")).to_contain_text("Direct Award C")
    expect(page.locator("#considerable-change")).to_contain_text("£80,000.00 (4%)")
    assert axe_violations(page) == []
    page.get_by_label("Direct Award C").check()
    page.get_by_role("button", name="Continue to the decision record").click()

    # The decision record.
    expect(page.get_by_role("heading", level=1)).to_have_text("Assess and decide: Direct Award C")
    assert axe_violations(page) == []
    page.get_by_label("Reference", exact=True).fill("DEC-B1")
    page.get_by_label("Contract title").fill("Community nursing 2025-29")
    page.get_by_label("The provider selected").fill("RNA")
    page.get_by_label("Community nursing (SVC-COM)").check()
    page.get_by_label("The existing contract it replaces").select_option("OLD-COM")
    _date(page, "When does the contract start?", date(2025, 4, 1))
    _date(page, "When does it end?", date(2029, 3, 31))
    page.get_by_label("Annual value, in pounds").fill("520,000")
    page.get_by_label("Block (fixed monthly)").check()
    for title in CRITERIA:
        page.get_by_role("group", name=f"Importance of {title}").get_by_label("High").check()
        page.get_by_label(f"How {title} was taken into account").fill(f"{title}: weighed.")
    page.get_by_label("How the provider was assessed against the basic selection").fill(
        "Registered with the CQC; accounts reviewed."
    )
    page.get_by_label("The provider was asked whether it intends to sub-contract").check()
    page.get_by_label("Chair Person").check()
    page.get_by_label("Dr Conflicted Person").check()
    page.get_by_label("The decision-making process followed").fill("The ICB board decided.")
    page.get_by_label("The reasons for the process chosen").fill(
        "The incumbent is meeting the contract and the service is not changing."
    )
    _date(page, "When was the decision taken?", date(2025, 1, 15))
    page.get_by_role("button", name="Record the decision").click()
    # The conflicted decision-maker is shown before anything is saved.
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Say how Dr Conflicted Person's conflict is managed"
    )
    expect(page.locator("#conflicts")).to_contain_text("Shares in the trust's pathology")
    assert not SelectionDecision.objects.exists()
    assert axe_violations(page) == []
    page.get_by_label("They stand aside and take no part in the decision").check()
    page.get_by_role("button", name="Record the decision").click()

    # The decision: what the regulations require next.
    expect(page.get_by_role("heading", level=1)).to_have_text("DEC-B1: Community nursing 2025-29")
    expect(page.locator("#next-step")).to_contain_text("Publish the notice of intention")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Preview and publish the notice of intention").click()
    expect(page.locator("#preview")).to_contain_text("Intention to award a contract")
    assert axe_violations(page) == []
    _date(page, "When is the notice published?", date(2025, 1, 20))
    page.get_by_role("button", name="Publish the notice of intention").click()
    standstill = page.locator("#standstill")
    expect(standstill).to_contain_text("Tuesday 21 January 2025")
    expect(standstill).to_contain_text("midnight at the end of Friday 31 January 2025")
    expect(standstill).to_contain_text("Sat 25 Jan (Saturday)")
    assert axe_violations(page) == []

    # A representation, with its time; the review proceeds; the further wait is computed.
    page.get_by_role("link", name="Record representations received").click()
    page.get_by_label("Who made them").fill("Scan Co")
    _date(page, "When did they arrive?", date(2025, 1, 24))
    page.get_by_label("At what time?").fill("16:45")
    page.get_by_label("What the representations are about").fill("We were not considered")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Record the representations").click()
    expect(page.locator("#representations")).to_contain_text("24 January 2025 at 16:45")
    page.get_by_role("link", name="Review the representations").click()
    page.get_by_label("Proceed with the decision").check()
    page.get_by_label("The reasons for it").fill("The market was considered.")
    _date(page, "When was it made?", date(2025, 1, 27))
    assert axe_violations(page) == []
    page.get_by_role("button", name="Record the further decision").click()
    expect(page.locator("#standstill")).to_contain_text("Monday 3 February 2025")

    # The award: too early is refused with the rule's reason; the next working day is not.
    page.get_by_role("link", name="Award the contract").click()
    expect(page.locator("#earliest")).to_contain_text("Tuesday 4 February 2025")
    _date(page, "When is the contract entered into?", date(2025, 2, 3))
    page.get_by_role("button", name="Award the contract").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "waits until the end of 3 February 2025"
    )
    assert axe_violations(page) == []
    _date(page, "When is the contract entered into?", date(2025, 2, 4))
    page.get_by_role("button", name="Award the contract").click()
    expect(page.locator("#next-step")).to_contain_text("by 6 March 2025")
    page.get_by_role("link", name="Preview and publish the contract award notice").click()
    expect(page.locator("#preview")).to_contain_text("Contract awarded by the Direct Award C")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Publish the award notice").click()
    expect(page.locator("#notices")).to_contain_text("Contract award notice (DEC-B1-AWD)")
    expect(page.locator("#status")).to_have_text("Contract awarded")

    # The public register shows it, with the notices as published.
    page.get_by_role("link", name="The decision on the public register").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Community nursing 2025-29")
    expect(page.get_by_text("DEC-B1-AWD").first).to_be_visible()
    assert axe_violations(page) == []
    page.goto("/arranging/decisions/")
    expect(page.get_by_role("row", name="DEC-B1")).to_contain_text("Contract awarded")
    assert csp_errors == []


def test_the_guided_choice_refuses_direct_award_c_in_place_and_says_why(
    page, world, axe_violations, csp_errors
):
    _sign_in(page)
    query = "step=3&existing_provider=yes&only_existing_provider_capable=no"
    page.goto(f"/workspace/QUA/arranging/choose/?{query}")
    _answer(page, "Is an existing contract", "Yes")
    _answer(page, "Is the existing provider satisfying", "Yes")
    _answer(page, "Would the new arrangements", "No")
    _answer(page, "Does any change in value", "Yes")
    expect(page.locator("#allowed")).to_contain_text("Direct Award C")
    # Typing the figures updates the panel in place, with no Continue pressed.
    page.get_by_label("The existing contract's lifetime value").fill("2,000,000")
    page.get_by_label("The lifetime value of the new arrangements").fill("2,600,000")
    refused = page.locator("#not-allowed")
    expect(refused).to_contain_text("Direct Award C")
    expect(refused).to_contain_text("£600,000.00 (30%) more than the existing contract")
    expect(refused).to_contain_text("considerable change test is met")
    expect(page.locator("#considerable-change")).to_contain_text("Met")
    assert "step=" in page.url and "2%2C600%2C000" not in page.url  # not submitted
    assert axe_violations(page) == []
    # Continued to the end without the script's help, Direct Award C cannot be chosen.
    page.get_by_role("button", name="Continue").click()
    for _ in range(2):
        for question, answer in ANSWERS[3 if _ == 0 else 4]:
            _answer(page, question, answer)
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose the process")
    expect(page.get_by_label("Direct Award C")).to_have_count(0)
    expect(page.locator("#not-allowed")).to_contain_text("considerable change test is met")
    assert csp_errors == []
