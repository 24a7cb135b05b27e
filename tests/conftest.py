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


@pytest.fixture(scope="session", autouse=True)
def checkpoint_key(tmp_path_factory):
    """Every test runs with a checkpoint key, as a deployment should (core.signing)."""
    import os

    from openics.core import signing

    path = tmp_path_factory.mktemp("keys") / "checkpoint.pem"
    signing.create_key(path)
    before = os.environ.get(signing.KEY_VARIABLE)
    os.environ[signing.KEY_VARIABLE] = str(path)
    yield path
    if before is None:
        os.environ.pop(signing.KEY_VARIABLE, None)
    else:
        os.environ[signing.KEY_VARIABLE] = before


def _flush_past_triggers():
    """Django empties SQLite tables with DELETE between transactional tests, which the
    append-only triggers refuse: set them aside for the flush and put them back after.
    (PostgreSQL's TRUNCATE fires no row trigger.)"""
    from django.conf import settings

    if "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
        return
    from django.db.backends.sqlite3 import base

    DatabaseOperations = base.DatabaseOperations  # noqa: N806
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            triggers = cursor.fetchall()
        drops = [f'DROP TRIGGER IF EXISTS "{name}"' for name, _ in triggers]
        return original(self, [*drops, *sql_list, *(sql for _, sql in triggers)])

    DatabaseOperations.execute_sql_flush = execute_sql_flush


@pytest.fixture(scope="session", autouse=True)
def flush_past_triggers():
    _flush_past_triggers()  # once Django is set up (importing its backends earlier is circular)
