"""Database triggers that refuse UPDATE and DELETE of append-only tables, on SQLite and
PostgreSQL, for the migrations that install them.

They stop the application, an administrator's slip and anyone with an ordinary database
login. They do not stop a database superuser, who can drop or disable a trigger (or set
`session_replication_role = replica` on PostgreSQL): that is what the published,
signed checkpoints are for (docs/public-record.md).
"""

from __future__ import annotations


def forward(table: str, message: str, *, update: bool = True, delete: bool = True) -> dict:
    """The statements per vendor that make `table` refuse the changes asked."""
    sqlite, postgres = [], []
    verbs = [v for v, on in (("UPDATE", update), ("DELETE", delete)) if on]
    for verb in verbs:
        sqlite.append(
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
    postgres.append(
        f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql "
        f"AS $$ BEGIN RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation'; END $$"
    )
    postgres.append(
        f"CREATE TRIGGER {table}_append_only BEFORE {' OR '.join(verbs)} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
    )
    return {"sqlite": sqlite, "postgresql": postgres}


def backward(table: str, *, update: bool = True, delete: bool = True) -> dict:
    verbs = [v for v, on in (("update", update), ("delete", delete)) if on]
    return {
        "sqlite": [f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for verb in verbs],
        "postgresql": [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP FUNCTION IF EXISTS {table}_append_only()",
        ],
    }


def run(statements_by_vendor: dict):
    """A RunPython function executing the statements for the database in use."""

    def execute(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return execute


def merged(*parts: dict) -> dict:
    out: dict = {}
    for part in parts:
        for vendor, statements in part.items():
            out.setdefault(vendor, []).extend(statements)
    return out
