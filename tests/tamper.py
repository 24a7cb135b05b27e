"""Changing the database as its superuser could, past the triggers that refuse it: what the
tests of the record's and the books' chains do to prove each change is caught."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection


@contextmanager
def as_superuser():
    """A cursor on which UPDATE and DELETE of the append-only tables are not refused: on
    PostgreSQL with `session_replication_role = replica` (which skips every trigger), on
    SQLite by dropping the triggers and putting them back after."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            try:
                yield cursor
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")
            return
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        triggers = cursor.fetchall()
        for name, _ in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            yield cursor
        finally:
            for _, sql in triggers:
                cursor.execute(sql)
