"""Roles carry permissions; roles scoped to one organisation do not reach another."""

import pytest
from django.contrib.auth.models import AnonymousUser

from openics.core.audit import Actor
from openics.core.roles import ROLE_DEFINITIONS, Permission, Role
from openics.core.services import NotPermittedError, assign_role, revoke_role

pytestmark = pytest.mark.django_db


def test_the_public_may_read_the_public_record_and_nothing_more():
    public = AnonymousUser()
    assert public.has_perm("openics.view_public_record")
    assert not public.has_perm("openics.view_audit_log")
    assert not public.has_perm("openics.post_ledger")


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        (Role.OFFICER, "arrange_services", "post_ledger"),
        (Role.FINANCE, "post_ledger", "approve_allocation"),
        (Role.BOARD_MEMBER, "vote", "manage_board"),
        (Role.BOARD_SECRETARY, "manage_board", "vote"),
        (Role.AUDITOR, "view_audit_log", "post_ledger"),
        (Role.NHS_ENGLAND, "set_national_allocations", "vote"),
        (Role.ADMINISTRATOR, "administer_users", "post_ledger"),
    ],
)
def test_each_role_grants_its_own_permissions(make_user, role, allowed, refused):
    user = make_user(role)
    assert user.has_perm(f"openics.{allowed}")
    assert not user.has_perm(f"openics.{refused}")


def test_every_role_is_defined_and_includes_the_public_record():
    assert set(ROLE_DEFINITIONS) == set(Role)
    for definition in ROLE_DEFINITIONS.values():
        assert Permission.VIEW_PUBLIC_RECORD in definition.permissions


def test_a_role_for_one_organisation_does_not_reach_another(make_user):
    finance = make_user(Role.FINANCE, organisation_code="QUA")
    assert finance.has_perm("openics.post_ledger", "QUA")
    assert not finance.has_perm("openics.post_ledger", "QHL")


def test_a_national_role_reaches_every_organisation(make_user):
    england = make_user(Role.NHS_ENGLAND)
    assert england.has_perm("openics.set_national_allocations", "QUA")
    assert england.has_perm("openics.set_national_allocations", "QHL")


def test_an_inactive_user_has_only_public_permissions(make_user):
    user = make_user(Role.FINANCE, is_active=False)
    assert not user.has_perm("openics.post_ledger")


def test_only_an_administrator_may_give_roles(make_user):
    officer = make_user(Role.OFFICER)
    other = make_user()
    with pytest.raises(NotPermittedError):
        assign_role(user=other, role=Role.FINANCE, actor=Actor.person(officer), reason="try")
    assert not other.has_perm("openics.post_ledger")


def test_giving_and_taking_a_role_changes_permissions_at_once(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    person = make_user()
    assert not person.has_perm("openics.post_ledger")
    assignment = assign_role(
        user=person, role=Role.FINANCE, actor=Actor.person(admin), reason="joined finance"
    )
    assert person.has_perm("openics.post_ledger")
    revoke_role(assignment=assignment, actor=Actor.person(admin), reason="left finance")
    assert not person.has_perm("openics.post_ledger")
