"""Who may do what in the workspace: every write action, the permission it needs, and the
matrix of roles that follows. The views check `require` before anything else; the tests
and docs/workspace-permissions.md are made from the same table, so they cannot drift."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from openics.core.roles import ROLE_DEFINITIONS, Permission, Role


@dataclass(frozen=True)
class Action:
    name: str
    title: str
    permission: Permission
    service: str  # the service the action calls


ACTIONS: tuple[Action, ...] = (
    Action(
        "declare_interest",
        "Declare an interest",
        Permission.DECLARE_INTEREST,
        "governance.declare_interest",
    ),
    Action(
        "nil_return", "Make a nil return", Permission.DECLARE_INTEREST, "governance.make_return"
    ),
    Action(
        "record_gift",
        "Record a gift or hospitality",
        Permission.DECLARE_INTEREST,
        "governance.record_gift",
    ),
    Action("appoint", "Appoint a member to a seat", Permission.MANAGE_BOARD, "governance.appoint"),
    Action("end_term", "End a member's term", Permission.MANAGE_BOARD, "governance.end_membership"),
    Action(
        "schedule_meeting",
        "Set up a meeting",
        Permission.MANAGE_BOARD,
        "governance.schedule_meeting",
    ),
    Action(
        "add_item",
        "Add an agenda item",
        Permission.MANAGE_BOARD,
        "governance.add_item or commissioning.take_to_board",
    ),
    Action(
        "record_attendance",
        "Record attendance",
        Permission.MANAGE_BOARD,
        "governance.record_attendance",
    ),
    Action(
        "decide_item",
        "Record the votes and resolution on an item",
        Permission.MANAGE_BOARD,
        "governance.decide_item",
    ),
    Action(
        "record_not_taken",
        "Minute an item that could not be taken",
        Permission.MANAGE_BOARD,
        "governance.record_not_taken",
    ),
    Action(
        "publish_minutes",
        "Publish the minutes to the public record",
        Permission.MANAGE_BOARD,
        "governance.publish_minutes",
    ),
    Action(
        "record_intervention",
        "Record a call-in or direction",
        Permission.ISSUE_DIRECTION,
        "governance.record_intervention",
    ),
    # Arranging services under the provider selection regime (views/arranging.py).
    *(
        Action(name, title, Permission.ARRANGE_SERVICES, f"commissioning.{name}")
        for name, title in (
            ("record_decision", "Record a provider selection decision"),
            ("publish_intention", "Publish a notice of intention to award"),
            ("receive_representation", "Record representations received in a standstill"),
            ("review_representations", "Record the further decision on representations"),
            ("award_contract", "Award the contract"),
            ("publish_award_notice", "Publish the contract award notice"),
            ("abandon", "Abandon a selection process"),
            ("modify_contract", "Modify a contract"),
            ("publish_modification_notice", "Publish a contract modification notice"),
        )
    ),
)
ACTIONS += (
    Action("add_aim", "Enter an aim of a plan", Permission.MANAGE_PLANS, "plans.add_aim"),
    Action(
        "record_regard",
        "Record a decision's regard to the strategy",
        Permission.MANAGE_PLANS,
        "plans.cite_aim",
    ),
    Action("plan_scheme", "Add a capital scheme", Permission.PLAN_CAPITAL, "capital.plan_scheme"),
    Action(
        "transfer_staff",
        "Record a staff transfer",
        Permission.EDIT_REGISTRY,
        "organisations.transfer_staff",
    ),
)
# The books and uploads (issue 17): (name, title, permission, service), kept compact.
_BOOKS = (
    ("approve_run", "Approve a place allocation run", "APPROVE_ALLOCATION",
     "allocation.approve_place_shares"),
    ("delegate_run", "Put an approved run in the books", "POST_LEDGER",
     "ledger.delegate_to_places"),
    ("transfer_budget", "Move budget (virement)", "POST_LEDGER", "ledger.transfer_budget"),
    ("commit", "Commit budget to a contract", "POST_LEDGER", "ledger.commit"),
    ("approve_invoice", "Record and approve an invoice", "POST_LEDGER",
     "ledger.approve_invoice"),
    ("pay", "Pay an invoice", "POST_LEDGER", "ledger.pay"),
    ("pay_month", "Pay a month's blended payment", "POST_LEDGER", "ledger.pay_month"),
    ("reverse", "Reverse a transaction", "POST_LEDGER", "ledger.reverse"),
    ("upload_payments", "Upload a payments file", "POST_LEDGER", "ledger.import_payments"),
    ("upload_registry", "Upload a practice, ODS or successions file", "IMPORT_DATA",
     "organisations.import_practice_file, import_ods or apply_successions"),
)  # fmt: skip
ACTIONS += tuple(Action(n, t, Permission[p], s) for n, t, p, s in _BOOKS)
BY_NAME = {action.name: action for action in ACTIONS}
# Everyone who signs in holds one of these; the public role needs no account.
STAFF_ROLES = tuple(role for role in Role if role is not Role.PUBLIC)


def allowed(user, action: str, organisation_code: str) -> bool:
    """The `rules` predicate for the action's permission, for this organisation."""
    permission = BY_NAME[action].permission
    return user.has_perm(f"openics.{permission.value}", organisation_code)


def require(request, action: str, organisation_code: str) -> None:
    """Answers 403 (PermissionDenied) unless the signed-in person may take the action here."""
    if not allowed(request.user, action, organisation_code):
        raise PermissionDenied(
            f"{BY_NAME[action].title}: your roles for {organisation_code} do not allow this"
        )


def expected(role: Role, action: Action) -> bool:
    """What the table says a person holding only `role` for the organisation may do."""
    return action.permission in ROLE_DEFINITIONS[role].permissions


def permissions_table() -> str:
    """The matrix as a Markdown table (written into docs/workspace-permissions.md)."""
    head = "| action | permission | " + " | ".join(r.label for r in STAFF_ROLES) + " |"
    rule = "|---|---|" + "---|" * len(STAFF_ROLES)
    lines = [head, rule]
    for action in ACTIONS:
        cells = ["allowed" if expected(r, action) else "403" for r in STAFF_ROLES]
        lines.append(
            f"| {action.title} | `{action.permission.value}` | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines) + "\n"
