"""Roles and the permissions each one carries.

A permission is something a person may do; a role is a named bundle of permissions that
an organisation gives someone. The public role is what everybody has, signed in or not.
"""

from dataclasses import dataclass
from enum import StrEnum


class Permission(StrEnum):
    VIEW_PUBLIC_RECORD = "view_public_record"
    VIEW_AUDIT_LOG = "view_audit_log"
    VIEW_DRAFTS = "view_drafts"
    EDIT_REGISTRY = "edit_registry"
    IMPORT_DATA = "import_data"
    RUN_ALLOCATION = "run_allocation"
    APPROVE_ALLOCATION = "approve_allocation"
    POST_LEDGER = "post_ledger"
    ARRANGE_SERVICES = "arrange_services"
    MANAGE_PLANS = "manage_plans"
    PLAN_CAPITAL = "plan_capital"
    DECLARE_INTEREST = "declare_interest"
    VOTE = "vote"
    MANAGE_BOARD = "manage_board"
    SET_NATIONAL_ALLOCATIONS = "set_national_allocations"
    ISSUE_DIRECTION = "issue_direction"
    ADMINISTER_USERS = "administer_users"


class Role(StrEnum):
    PUBLIC = "public"
    OFFICER = "officer"
    FINANCE = "finance"
    BOARD_MEMBER = "board_member"
    BOARD_SECRETARY = "board_secretary"
    AUDITOR = "auditor"
    NHS_ENGLAND = "nhs_england"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return ROLE_DEFINITIONS[self].title


@dataclass(frozen=True)
class RoleDefinition:
    title: str
    description: str
    permissions: frozenset[Permission]


_PUBLIC = frozenset({Permission.VIEW_PUBLIC_RECORD})

ROLE_DEFINITIONS: dict[Role, RoleDefinition] = {
    Role.PUBLIC: RoleDefinition(
        "Public", "Anyone: residents, journalists, researchers, councillors.", _PUBLIC
    ),
    Role.OFFICER: RoleDefinition(
        "Officer",
        "ICB commissioning staff who keep the registry, arrange services and keep the plans.",
        _PUBLIC
        | {
            Permission.VIEW_DRAFTS,
            Permission.EDIT_REGISTRY,
            Permission.ARRANGE_SERVICES,
            Permission.MANAGE_PLANS,
        },
    ),
    Role.FINANCE: RoleDefinition(
        "Finance",
        "ICB finance staff who run allocations, keep the books and the capital plan.",
        _PUBLIC
        | {
            Permission.VIEW_DRAFTS,
            Permission.IMPORT_DATA,
            Permission.RUN_ALLOCATION,
            Permission.POST_LEDGER,
            Permission.PLAN_CAPITAL,
        },
    ),
    Role.BOARD_MEMBER: RoleDefinition(
        "Board member",
        "A member of an ICB or partnership board or committee.",
        _PUBLIC | {Permission.VIEW_DRAFTS, Permission.DECLARE_INTEREST, Permission.VOTE},
    ),
    Role.BOARD_SECRETARY: RoleDefinition(
        "Board secretary",
        "Runs meetings, papers, minutes and the register of interests.",
        _PUBLIC | {Permission.VIEW_DRAFTS, Permission.MANAGE_BOARD, Permission.APPROVE_ALLOCATION},
    ),
    Role.AUDITOR: RoleDefinition(
        "Auditor",
        "Internal or external audit: reads everything, including the audit log, changes nothing.",
        _PUBLIC | {Permission.VIEW_DRAFTS, Permission.VIEW_AUDIT_LOG},
    ),
    Role.NHS_ENGLAND: RoleDefinition(
        "NHS England",
        "Sets allocations and financial objectives, sees every system, records directions.",
        _PUBLIC
        | {
            Permission.VIEW_DRAFTS,
            Permission.VIEW_AUDIT_LOG,
            Permission.SET_NATIONAL_ALLOCATIONS,
            Permission.ISSUE_DIRECTION,
            Permission.IMPORT_DATA,
        },
    ),
    Role.ADMINISTRATOR: RoleDefinition(
        "Administrator",
        "Manages user accounts and roles; sees the audit log.",
        _PUBLIC | {Permission.VIEW_AUDIT_LOG, Permission.ADMINISTER_USERS, Permission.IMPORT_DATA},
    ),
}


def permissions_of(roles) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_DEFINITIONS[Role(role)].permissions
    return frozenset(granted)
