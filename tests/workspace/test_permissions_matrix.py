"""Every write action of the workspace, tried by a person holding each role for the ICB: the
action answers 403 exactly where the permissions table says it is refused, and the table in
docs/workspace-permissions.md is that same table."""

from datetime import date
from pathlib import Path

import pytest

from openics.core.roles import Role
from openics.governance import services as gov
from openics.plans.services import record_document
from openics.workspace import access
from tests.governance_world import WHO

NOWHERE = "00000000-0000-4000-8000-000000000000"
DOC = Path(__file__).resolve().parents[2] / "docs" / "workspace-permissions.md"


@pytest.fixture
def urls(world):
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
        # The books and uploads: the permission is checked before anything is looked up.
        "approve_run": f"{books}/runs/{NOWHERE}/approve/",
        "delegate_run": f"{books}/runs/{NOWHERE}/delegate/",
        "transfer_budget": f"{books}/transfer/",
        "commit": f"{books}/commit/",
        "approve_invoice": f"{books}/invoices/approve/",
        "pay": f"{books}/pay/",
        "pay_month": f"{books}/pay-month/",
        "reverse": f"{books}/transactions/T0/reverse/",
        "upload_payments": "/workspace/QXX/uploads/new/?kind=payments",
        "upload_registry": "/workspace/QXX/uploads/new/?kind=ods",
        "add_aim": "/workspace/QXX/plans/QXX-ICS/aims/new/",
        "record_regard": "/workspace/QXX/plans/regard/",
        "plan_scheme": "/workspace/QXX/capital/schemes/new/",
        "transfer_staff": "/workspace/QXX/people/transfers/new/",
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
