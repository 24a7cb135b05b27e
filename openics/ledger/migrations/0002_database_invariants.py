"""Invariants the database enforces itself, beneath the services.

On both databases a trigger refuses any UPDATE of a posting. On PostgreSQL, DELETE is
refused too, and a statement-level trigger refuses any INSERT whose postings for a
transaction do not add up to zero (every service writes a transaction's postings in one
statement). SQLite has no statement-level triggers with transition tables, so there
the services' own check is the guard; TRUNCATE (used by test teardown) is unaffected.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE TRIGGER ledger_posting_no_update BEFORE UPDATE ON ledger_posting
    BEGIN SELECT RAISE(ABORT, 'postings are immutable: correct them with a reversal'); END""",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS ledger_posting_no_update"]

POSTGRES_FORWARD = [
    """CREATE FUNCTION ledger_posting_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'postings are immutable: correct them with a reversal'
        USING ERRCODE = 'check_violation';
    END $$""",
    """CREATE TRIGGER ledger_posting_no_change BEFORE UPDATE OR DELETE ON ledger_posting
    FOR EACH ROW EXECUTE FUNCTION ledger_posting_immutable()""",
    """CREATE FUNCTION ledger_postings_balance() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE bad record;
    BEGIN
      SELECT transaction_id, SUM(amount_pence) AS total INTO bad
        FROM new_postings GROUP BY transaction_id HAVING SUM(amount_pence) <> 0 LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'the postings of transaction % add up to %p, not zero',
          bad.transaction_id, bad.total USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER ledger_postings_balance AFTER INSERT ON ledger_posting
    REFERENCING NEW TABLE AS new_postings
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_postings_balance()""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_postings_balance ON ledger_posting",
    "DROP FUNCTION IF EXISTS ledger_postings_balance()",
    "DROP TRIGGER IF EXISTS ledger_posting_no_change ON ledger_posting",
    "DROP FUNCTION IF EXISTS ledger_posting_immutable()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
