"""The commissioning officer arranges a service in the workspace: the guided choice says which
processes the regime allows and why (refusing Direct Award C when the considerable change
figures are met); the decision record shows a conflicted decision-maker before it is saved;
then the notice of intention, a representation, the review, the award and the award notice,
each refusal of the rules shown in the error summary; an overdue notice appears on the
officer's dashboard; the public register shows the decision."""

from datetime import date

import pytest
import time_machine

from openics.arranging.models import Notice, SelectionDecision
from openics.core.roles import Role
from tests.psr_workspace_world import build_workspace_psr_world

CODE = "QUA"
BASE = f"/workspace/{CODE}/arranging"
RENEWAL = {
    "existing_provider": "yes",
    "only_existing_provider_capable": "no",
    "patient_choice": "no",
    "providers_unrestricted": "no",
    "all_eligible_offered": "no",
    "expressions_of_interest": "no",
    "existing_contract_expiring": "yes",
    "incumbent_satisfactory": "yes",
    "materially_different": "no",
    "change_attributable_to_authority": "yes",
    "existing_value": "2,000,000",
    "proposed_value": "2,080,000",
    "framework": "no",
    "urgent_not_foreseeable": "no",
    "urgent_not_attributable": "no",
    "urgent_delay_risks_safety": "no",
    "most_suitable_provider_identifiable": "no",
}
CRITERIA = (
    "quality_innovation",
    "value",
    "integration_collaboration_sustainability",
    "access_inequalities_choice",
    "social_value",
)


def _day(name, d: date):
    return {f"{name}-day": d.day, f"{name}-month": d.month, f"{name}-year": d.year}


def later(ws, client, user, day: date):
    """Moves the clock on; the session (eight hours) has ended by then, so sign in again."""
    ws.traveller.move_to(day)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def decision_post(**changes):
    data = {
        **RENEWAL,
        "process": "direct_award_c",
        "reference": "DEC-W1",
        "title": "Community nursing 2025-29",
        "provider": "RNA",
        "services": ["SVC-COM"],
        "existing_contract": "OLD-COM",
        **_day("decided_on", date(2025, 1, 15)),
        **_day("proposed_start", date(2025, 4, 1)),
        **_day("proposed_end", date(2029, 3, 31)),
        "annual_value": "520,000",
        "payment_mechanism": "block",
        "reasons": "The incumbent is meeting the contract and the service is not changing.",
        "decision_process": "Decided by the ICB board on the commissioning paper.",
        "basic_selection": "Registered with the CQC; accounts reviewed.",
        "subcontracting_asked": "on",
        "makers": ["chair", "dr-conflicted"],
    }
    for key in CRITERIA:
        data[f"importance_{key}"] = "high"
        data[f"justification_{key}"] = f"How {key} was weighed."
    data.update(changes)
    return data


@pytest.fixture
def ws(db):
    with time_machine.travel(date(2025, 2, 28), tick=False) as traveller:
        world = build_workspace_psr_world()
        world.traveller = traveller
        yield world


@pytest.fixture
def officer(ws, signed_in):
    return signed_in(Role.OFFICER, code=CODE)


def test_the_guided_choice_is_one_step_a_page_and_says_what_is_missing(client, officer):
    first = client.get(f"{BASE}/choose/")
    assert first.status_code == 200
    text = first.content.decode()
    assert "The existing provider" in text and "step 1 of 5" in text
    assert 'data-guide="/workspace/QUA/arranging/choose/"' in text
    missing = client.get(f"{BASE}/choose/", {"step": 2, "asked": 1, "existing_provider": "yes"})
    assert missing.status_code == 400
    body = missing.content.decode()
    assert "nhsuk-error-summary" in body
    assert "Answer: Because of the nature of the services, can only the existing provider" in body
    bad = client.get(f"{BASE}/choose/", {**RENEWAL, "step": 6, "existing_value": "lots"})
    assert bad.status_code == 400 and "in pounds, like 2,000,000" in bad.content.decode()


def test_direct_award_c_is_allowed_for_a_renewal_with_a_small_rise(client, officer):
    answer = client.get(f"{BASE}/choose/", {**RENEWAL, "step": 6})
    text = answer.content.decode()
    allowed = text.split('id="allowed"')[1].split("</ul>")[0]
    assert "Direct Award C" in allowed and "SI 2023/1348 reg 6(5) and reg 9" in allowed
    assert "£80,000.00 (4%)" in text and "Not met" in text
    assert 'value="direct_award_c"' in text  # it may be chosen


def test_direct_award_c_is_refused_when_the_considerable_change_figures_are_met(client, officer):
    answer = client.get(f"{BASE}/choose/", {**RENEWAL, "proposed_value": "2,600,000", "step": 6})
    text = answer.content.decode()
    refused = text.split('id="not-allowed"')[1].split("</ul>")[0]
    assert "Direct Award C" in refused
    assert "£600,000.00 (30%) more than the existing contract" in refused
    assert "considerable change test is met" in refused
    assert 'value="direct_award_c"' not in text  # not offered as a choice
    # The same answer, as the page's script fetches it: only the panel.
    fragment = client.get(
        f"{BASE}/choose/", {**RENEWAL, "proposed_value": "2,600,000", "fragment": 1}
    )
    panel = fragment.content.decode()
    assert "<html" not in panel and "considerable change test is met" in panel


def test_a_conflicted_decision_maker_is_shown_before_the_decision_is_saved(client, ws, officer):
    first = client.post(f"{BASE}/decide/", decision_post())
    assert first.status_code == 400
    text = first.content.decode()
    assert "Dr Conflicted Person" in text and "Shares in the trust&#39;s pathology" in text
    assert "Say how Dr Conflicted Person&#39;s conflict is managed" in text
    assert not SelectionDecision.objects.filter(reference="DEC-W1").exists()
    saved = client.post(f"{BASE}/decide/", decision_post(**{"handling-dr-conflicted": "recused"}))
    assert saved.status_code == 302, saved.content.decode()
    d = SelectionDecision.objects.get(reference="DEC-W1")
    assert d.decision_makers == ["Chair Person"]
    assert d.conflicts[0]["person"] == "Dr Conflicted Person"
    assert d.conflicts[0]["handling"] == "recused"
    assert d.assessments.count() == 5 and d.lifetime_value.pence == 208_000_000


def test_the_rules_refusal_of_the_record_appears_in_the_error_summary(client, ws, officer):
    answer = client.post(
        f"{BASE}/decide/",
        decision_post(existing_contract_expiring="no", makers=["chair"]),
    )
    assert answer.status_code == 400
    text = answer.content.decode()
    summary = text[text.index("nhsuk-error-summary") : text.index("<h1")]
    assert "Direct Award C cannot be used" in summary
    assert "there is no existing contract coming to an end" in summary
    assert "[procurement.process]" in summary
    assert not SelectionDecision.objects.exists()


def test_from_decision_to_award_notice_with_each_refusal_shown(client, ws, officer):
    assert client.post(f"{BASE}/decide/", decision_post(makers=["chair"])).status_code == 302
    page = f"{BASE}/decisions/DEC-W1"
    first = client.get(f"{page}/").content.decode()
    assert "Publish the notice of intention" in first and "8 working days" in first
    # The notice previewed as it will be published, with the standstill it starts.
    preview = client.get(f"{page}/intention/").content.decode()
    assert "Intention to award a contract by the Direct Award C" in preview
    published = client.post(f"{page}/intention/", _day("on", date(2025, 1, 20)))
    assert published.status_code == 302
    d = SelectionDecision.objects.get(reference="DEC-W1")
    assert d.status == "standstill" and d.standstill_ends == date(2025, 1, 31)
    notice = Notice.objects.get(reference="DEC-W1-INT1")
    assert notice.content == [list(x) for x in notice.content]  # as frozen when published
    assert [row[1] for row in notice.content if row[0] == "Standstill begins"] == [
        "21 January 2025"
    ]
    standstill = client.get(f"{page}/").content.decode()
    assert "midnight at the end of Friday 31 January 2025" in standstill
    # A representation, then the award is refused while it is under review.
    late = client.post(
        f"{page}/representations/",
        {**_day("on", date(2025, 2, 3)), "provider": "Scan Co", "summary": "Unfair"},
    )
    assert late.status_code == 400 and "(SI 2023/1348 reg 12)" in late.content.decode()
    assert (
        client.post(
            f"{page}/representations/",
            {
                **_day("on", date(2025, 1, 24)),
                "at": "16:45",
                "provider": "Scan Co",
                "summary": "We were not considered",
            },
        ).status_code
        == 302
    )
    shown = client.get(f"{page}/").content.decode()
    assert "received 24 January 2025 at 16:45" in shown
    refused = client.post(f"{page}/award/", _day("on", date(2025, 2, 10)))
    assert refused.status_code == 400
    assert "are under review; no contract" in refused.content.decode()
    # The review proceeds; the further wait of five working days is computed.
    assert (
        client.post(
            f"{page}/review/",
            {**_day("on", date(2025, 1, 27)), "outcome": "proceed", "reasons": "Considered."},
        ).status_code
        == 302
    )
    d.refresh_from_db()
    assert d.further_wait_ends == date(2025, 2, 3)
    early = client.post(f"{page}/award/", _day("on", date(2025, 2, 3)))
    assert early.status_code == 400 and "waits until the end of 3 February 2025" in (
        early.content.decode()
    )
    future = client.post(f"{page}/award/", _day("on", date(2025, 3, 3)))
    assert "cannot be later than today" in future.content.decode()
    assert client.post(f"{page}/award/", _day("on", date(2025, 2, 4))).status_code == 302
    d.refresh_from_db()
    assert d.status == "awarded" and d.award_notice_due == date(2025, 3, 6)
    # Past its day the award notice is overdue on the officer's dashboard.
    later(ws, client, officer, date(2025, 3, 10))
    dashboard = client.get(f"/workspace/{CODE}/").content.decode()
    assert "Notices overdue" in dashboard and "due by 6 March 2025" in dashboard
    notice_page = client.get(f"{page}/award-notice/").content.decode()
    assert "Contract awarded by the Direct Award C" in notice_page
    assert client.post(f"{page}/award-notice/", _day("on", date(2025, 3, 10))).status_code == 302
    assert "Notices overdue" not in client.get(f"/workspace/{CODE}/").content.decode()
    again = client.post(f"{page}/award-notice/", _day("on", date(2025, 3, 10)))
    assert again.status_code == 400 and "already published" in again.content.decode()
    # The public register shows it, awarded, with its notices.
    public = client.get("/arranging/decisions/DEC-W1/").content.decode()
    assert "DEC-W1-AWD" in public and "DEC-W1-INT1" in public


def test_a_modification_over_the_threshold_needs_a_notice_and_one_too_big_is_refused(
    client, ws, officer
):
    client.post(f"{BASE}/decide/", decision_post(makers=["chair"]))
    page = f"{BASE}/decisions/DEC-W1"
    client.post(f"{page}/intention/", _day("on", date(2025, 1, 20)))
    assert client.post(f"{page}/award/", _day("on", date(2025, 2, 3))).status_code == 302
    later(ws, client, officer, date(2025, 6, 2))
    form = client.get(f"{page}/modify/").content.decode()
    assert "£500,000.00 and 25% of the original (£520,000.00)" in form
    too_big = client.post(
        f"{page}/modify/",
        {
            **_day("on", date(2025, 6, 2)),
            "reference": "MOD-W1",
            "grounds": "authority_decision",
            "description": "Twice the home visits",
            "value_change": "600,000",
        },
    )
    assert too_big.status_code == 400
    assert "needs a new selection process" in too_big.content.decode()
    ok = client.post(
        f"{page}/modify/",
        {
            **_day("on", date(2025, 6, 2)),
            "reference": "MOD-W1",
            "grounds": "external_factors",
            "description": "A national pay award",
            "value_change": "510,000",
        },
    )
    assert ok.status_code == 302
    shown = client.get(f"{page}/").content.decode()
    assert "A modification notice is needed by 2 July 2025" in shown
    assert (
        client.post(
            f"{page}/modifications/MOD-W1/notice/", _day("on", date(2025, 6, 2))
        ).status_code
        == 302
    )
    assert Notice.objects.filter(reference="MOD-W1-MOD").exists()


def test_abandoning_after_the_intention_publishes_a_notice(client, ws, officer):
    client.post(f"{BASE}/decide/", decision_post(makers=["chair"]))
    page = f"{BASE}/decisions/DEC-W1"
    client.post(f"{page}/intention/", _day("on", date(2025, 1, 20)))
    empty = client.post(f"{page}/abandon/", _day("on", date(2025, 1, 22)))
    assert empty.status_code == 400 and "Say why the process is abandoned" in (
        empty.content.decode()
    )
    done = client.post(
        f"{page}/abandon/", {**_day("on", date(2025, 1, 22)), "reasons": "Service redesign"}
    )
    assert done.status_code == 302
    assert Notice.objects.filter(reference="DEC-W1-ABN").exists()
    again = client.post(f"{page}/abandon/", {**_day("on", date(2025, 1, 23)), "reasons": "Again"})
    assert again.status_code == 400 and "(SI 2023/1348 reg 15)" in again.content.decode()


def test_a_board_member_sees_no_arranging_links_and_the_public_no_workspace(client, ws, signed_in):
    signed_in(Role.BOARD_MEMBER, code=CODE)
    home = client.get(f"/workspace/{CODE}/").content.decode()
    assert "Choose the process" not in home
    client.logout()
    portal = client.get("/arranging/decisions/").content.decode()
    assert "/workspace/" not in portal


def test_the_standstill_names_the_bank_holidays_it_skips(client, ws, officer):
    client.post(f"{BASE}/decide/", decision_post(makers=["chair"]))
    later(ws, client, officer, date(2025, 5, 1))
    page = f"{BASE}/decisions/DEC-W1"
    assert client.post(f"{page}/intention/", _day("on", date(2025, 4, 16))).status_code == 302
    shown = client.get(f"{page}/").content.decode()
    assert "Fri 18 Apr (Good Friday)" in shown and "Mon 21 Apr (Easter Monday)" in shown
    # Eight working days from Thursday 17 April, not counting the two bank holidays.
    assert "midnight at the end of Thursday 1 May 2025" in shown
