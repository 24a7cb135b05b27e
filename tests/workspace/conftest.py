"""A governance world with one account per role for its ICB (QXX), each named after a person
on the register where it is a board member's."""

import pytest

from openics.core.models import RoleAssignment
from openics.core.roles import Role
from tests.governance_world import build_governance_world

CODE = "QXX"


@pytest.fixture
def world(db):
    return build_governance_world()


@pytest.fixture
def account(db, django_user_model):
    def make(role: Role | None, username: str | None = None, code: str = CODE):
        name = username or f"test-{role.value if role else 'nobody'}"
        user = django_user_model.objects.create_user(username=name, password="not-used-1234")
        if role is not None:
            RoleAssignment.objects.create(user=user, role=role.value, organisation_code=code)
        return user

    return make


@pytest.fixture
def signed_in(client, account):
    def sign_in(role: Role | None, username: str | None = None, code: str = CODE):
        user = account(role, username, code)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return user

    return sign_in
