"""Every write action of the workspace, tried by a person holding each role for the ICB: the
action answers 403 exactly where the permissions table says it is refused, and the table in
docs/workspace-permissions.md is that same table."""

from datetime import date
from pathlib import Path

import pytest

from openics.allocation.models import PlaceAllocationRun
from openics.arranging import services as arranging
from openics.contracts import services as contracts
from openics.core.roles import Role
from openics.governance import services as gov
from openics.kernel.money import Money
from openics.ledger import services as ledger
from openics.plans.services import record_document
from openics.workspace import access
from tests.factories import OrganisationFactory
from tests.governance_world import WHO
from tests.psr_world import FIVE_CRITERIA

DOC = Path(__file__).resolve().parents[2] / "docs" / "workspace-permissions.md"


def awarded_and_modified(world) -> str:
    """A competitive award by the ICB with a modification, for the arranging actions."""
    who = {"actor": WHO["actor"], "reason": "test"}
    service = contracts.register_service(
        code="SVC-T",
        name="Community therapy",
        description="Therapy in Testshire clinics",
        cpv_code="85142100-7",
        sector="community",
        commissioner=world.icb,
        **who,
    )
    decision = arranging.record_decision(
        reference="DEC-T",
        title="Community therapy 2026-30",
        commissioner=world.icb,
        provider=world.trust,
        services=[service],
        process="competitive",
        decided_on=date(2026, 3, 2),
        proposed_start=date(2026, 4, 1),
        proposed_end=date(2030, 3, 31),
        annual_value=Money.parse("300000"),
        payment_mechanism="block",
        reasons="Won the competition",
        provider_address="1 Hospital Road, Testshire",
        decision_makers=["ICB board"],
        decision_process="Decided by the board",
        assessments=FIVE_CRITERIA,
        basic_selection="Assessed",
        exclusions={"subcontracting_asked": True},
        **who,
    )
    arranging.publish_intention(decision, published_on=date(2026, 3, 2), **who)
    contract = arranging.award_contract(decision, awarded_on=date(2026, 3, 16), **who)
    arranging.modify_contract(
        contract,
        reference="MOD-T",
        decided_on=date(2026, 4, 2),
        grounds="external_factors",
        description="A pay award",
        value_change=Money.parse("600000"),
        **who,
    )
    return f"/workspace/QXX/arranging/decisions/{decision.reference}"


@pytest.fixture
def urls(world):
    decision = awarded_and_modified(world)
    meeting = world.meeting(day=date(2026, 3, 10))
    gov.add_item(meeting=meeting, number="1", title="A decision", kind="decision", **WHO)
    base = f"/workspace/QXX/meetings/{meeting.reference}"
    board = "/workspace/QXX/boards/qxx-board"
    gp = world.members["gp"]
    books = "/workspace/QXX/books"
    record_document(
        reference="QXX-ICS",
        kind="integrated_care_strategy",
        title="Testshire strategy",
        icb=world.icb,
        authors=[world.icb],
        **WHO,
    )
    # A real run and a real transaction, so that an allowed role reaches the form, not a 404.
    run = PlaceAllocationRun.objects.create(
        icb=world.icb, financial_year="2025/26", line="core", component="general_and_acute",
        budget=Money.parse("3000"), inputs_sha256="0" * 64, run_by="test", results=[],
    )  # fmt: skip
    OrganisationFactory(kind="nhs_england", code="X24", name="NHS England")
    received = ledger.receive_allocation(
        icb=world.icb, amount=Money.parse("3000"), on=date(2025, 4, 1), description="test", **WHO
    )
    return {
        "declare_interest": "/workspace/QXX/interests/declare/",
        "nil_return": "/workspace/QXX/interests/nil-return/",
        "record_gift": "/workspace/QXX/interests/gift/",
        "appoint": f"{board}/appoint/",
        "end_term": f"{board}/end-term/{gp.pk}/",
        "schedule_meeting": f"{board}/meetings/new/",
        "add_item": f"{base}/items/new/",
        "record_attendance": f"{base}/attendance/",
        "decide_item": f"{base}/items/1/",
        "record_not_taken": f"{base}/items/1/not-taken/",
        "publish_minutes": f"{base}/publish/",
        "record_intervention": f"{base}/items/1/call-in/",
        "approve_run": f"{books}/runs/{run.pk}/approve/",
        "delegate_run": f"{books}/runs/{run.pk}/delegate/",
        "transfer_budget": f"{books}/transfer/",
        "commit": f"{books}/commit/",
        "approve_invoice": f"{books}/invoices/approve/",
        "pay": f"{books}/pay/",
        "pay_month": f"{books}/pay-month/",
        "reverse": f"{books}/transactions/{received.number}/reverse/",
        "upload_payments": "/workspace/QXX/uploads/new/?kind=payments",
        "upload_registry": "/workspace/QXX/uploads/new/?kind=ods",
        "add_aim": "/workspace/QXX/plans/QXX-ICS/aims/new/",
        "record_regard": "/workspace/QXX/plans/regard/",
        "plan_scheme": "/workspace/QXX/capital/schemes/new/",
        "transfer_staff": "/workspace/QXX/people/transfers/new/",
        "record_decision": "/workspace/QXX/arranging/decide/",
        "publish_intention": f"{decision}/intention/",
        "receive_representation": f"{decision}/representations/",
        "review_representations": f"{decision}/review/",
        "award_contract": f"{decision}/award/",
        "publish_award_notice": f"{decision}/award-notice/",
        "abandon": f"{decision}/abandon/",
        "modify_contract": f"{decision}/modify/",
        "publish_modification_notice": f"{decision}/modifications/MOD-T/notice/",
    }


def test_every_action_has_a_url_in_the_matrix(urls):
    assert set(urls) == {a.name for a in access.ACTIONS}


@pytest.mark.parametrize("role", access.STAFF_ROLES, ids=lambda r: r.value)
def test_each_role_is_allowed_or_refused_as_the_table_says(client, urls, signed_in, role):
    signed_in(role, username="gp")  # the account is a board member on the register
    for action in access.ACTIONS:
        response = client.post(urls[action.name], {})
        refused = response.status_code == 403
        assert refused is not access.expected(role, action), (
            f"{role.value} {action.name}: {response.status_code}"
        )
        assert response.status_code != 404, f"{action.name}: {urls[action.name]} is not found"


def test_a_role_for_another_organisation_does_not_count(client, urls, signed_in):
    signed_in(Role.BOARD_SECRETARY, code="QAA")
    for name in ("appoint", "schedule_meeting", "decide_item", "publish_minutes"):
        assert client.post(urls[name], {}).status_code == 403, name


def test_signed_out_every_action_goes_to_the_sign_in_page(client, urls):
    for url in urls.values():
        response = client.post(url, {})
        assert response.status_code == 302 and response.url.startswith("/sign-in/?next=")


def test_the_table_allows_the_secretary_and_refuses_the_member_the_meeting():
    secretary = {a.name for a in access.ACTIONS if access.expected(Role.BOARD_SECRETARY, a)}
    member = {a.name for a in access.ACTIONS if access.expected(Role.BOARD_MEMBER, a)}
    assert {"schedule_meeting", "decide_item", "publish_minutes"} <= secretary
    assert member == {"declare_interest", "nil_return", "record_gift"}


def test_the_doc_holds_the_table():
    assert access.permissions_table() in DOC.read_text(), (
        "docs/workspace-permissions.md is out of date: paste in "
        "openics.workspace.access.permissions_table()"
    )
