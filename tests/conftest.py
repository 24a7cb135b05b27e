"""Fixtures for every suite."""

import pytest

from openics.core.audit import Actor
from openics.core.models import RoleAssignment
from openics.core.roles import Role


@pytest.fixture
def make_user(db):
    from tests.factories import UserFactory

    def make(*roles: Role, organisation_code: str = "", **kwargs):
        user = UserFactory(**kwargs)
        for role in roles:
            # Direct insert: test set-up, not the behaviour under test.
            RoleAssignment.objects.create(
                user=user, role=role.value, organisation_code=organisation_code
            )
        return user

    return make


@pytest.fixture
def system_actor() -> Actor:
    return Actor.process("test-suite")
