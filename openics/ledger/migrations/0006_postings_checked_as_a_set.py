"""Postings' transaction and account checked by triggers, not foreign-key constraints (ADR 0023).

A foreign-key constraint is checked row by row; on PostgreSQL each check is a query that
locks the row it finds, and for a bulk import of 500,000 payments those million-and-a-half
queries were most of its time. Instead, on PostgreSQL, the statement-level trigger that
already refuses postings that do not add up to zero also refuses, once per INSERT and as a
set, postings naming a transaction or an account that does not exist; on SQLite a row
trigger does the same. On both, a transaction or an account that has postings cannot be
deleted. Three indexes no query needs go — `ledger_posting.account_id` (posting_account_year
begins with it), and on transactions `financial_year` and PostgreSQL's LIKE index on
`number` — and a small partial index serves the import's "approved as a payable" check. SQLite rebuilds the table to drop the constraints, which drops its triggers: they
are made again here.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from openics.core import immutable

POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION ledger_postings_balance() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE bad record;
    BEGIN
      SELECT g.transaction_id, g.total, t.id IS NULL AS missing INTO bad
        FROM (SELECT transaction_id, SUM(amount_pence) AS total FROM new_postings
              GROUP BY transaction_id) g
        LEFT JOIN ledger_transaction t ON t.id = g.transaction_id
        WHERE g.total <> 0 OR t.id IS NULL LIMIT 1;
      IF FOUND AND bad.missing THEN
        RAISE EXCEPTION 'a posting names transaction %, which is not in the books',
          bad.transaction_id USING ERRCODE = 'foreign_key_violation';
      ELSIF FOUND THEN
        RAISE EXCEPTION 'the postings of transaction % add up to %p, not zero',
          bad.transaction_id, bad.total USING ERRCODE = 'check_violation';
      END IF;
      SELECT n.account_id INTO bad FROM (SELECT DISTINCT account_id FROM new_postings) n
        WHERE NOT EXISTS (SELECT 1 FROM ledger_account a WHERE a.id = n.account_id) LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'a posting names account %, which is not in the books',
          bad.account_id USING ERRCODE = 'foreign_key_violation';
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE FUNCTION ledger_keeps_postings() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM ledger_posting WHERE
                 (TG_TABLE_NAME = 'ledger_transaction' AND transaction_id = OLD.id)
                 OR (TG_TABLE_NAME = 'ledger_account' AND account_id = OLD.id)) THEN
        RAISE EXCEPTION '% % has postings: it cannot be deleted', TG_TABLE_NAME, OLD.id
          USING ERRCODE = 'foreign_key_violation';
      END IF;
      RETURN OLD;
    END $$""",
    """CREATE TRIGGER ledger_transaction_keeps_postings BEFORE DELETE ON ledger_transaction
    FOR EACH ROW EXECUTE FUNCTION ledger_keeps_postings()""",
    """CREATE TRIGGER ledger_account_keeps_postings BEFORE DELETE ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION ledger_keeps_postings()""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_account_keeps_postings ON ledger_account",
    "DROP TRIGGER IF EXISTS ledger_transaction_keeps_postings ON ledger_transaction",
    "DROP FUNCTION IF EXISTS ledger_keeps_postings()",
]
# The triggers 0002 and 0005 made, which SQLite's rebuild of the table drops.
SQLITE_AGAIN = [
    """CREATE TRIGGER IF NOT EXISTS ledger_posting_no_update BEFORE UPDATE ON ledger_posting
    BEGIN SELECT RAISE(ABORT, 'postings are immutable: correct them with a reversal'); END""",
    *immutable.forward(
        "ledger_posting", "postings are immutable: correct them with a reversal", update=False
    )["sqlite"],
]
SQLITE_FORWARD = [
    """CREATE TRIGGER IF NOT EXISTS ledger_posting_references BEFORE INSERT ON ledger_posting
    WHEN NOT EXISTS (SELECT 1 FROM ledger_transaction WHERE id = NEW.transaction_id)
      OR NOT EXISTS (SELECT 1 FROM ledger_account WHERE id = NEW.account_id)
    BEGIN SELECT RAISE(ABORT, 'a posting names a transaction or account not in the books'); END""",
    """CREATE TRIGGER IF NOT EXISTS ledger_transaction_keeps_postings
    BEFORE DELETE ON ledger_transaction
    WHEN EXISTS (SELECT 1 FROM ledger_posting WHERE transaction_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'a transaction with postings cannot be deleted'); END""",
    """CREATE TRIGGER IF NOT EXISTS ledger_account_keeps_postings BEFORE DELETE ON ledger_account
    WHEN EXISTS (SELECT 1 FROM ledger_posting WHERE account_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'an account with postings cannot be deleted'); END""",
]


def drop_number_pattern_index(apps, schema_editor):
    """PostgreSQL's second index on the transaction number, for LIKE, which no query uses."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'ledger_transaction' "
            "AND indexdef LIKE '%%(number varchar_pattern_ops)%%'"
        )
        for (name,) in cursor.fetchall():
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"', params=None)


SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_posting_references",
    "DROP TRIGGER IF EXISTS ledger_transaction_keeps_postings",
    "DROP TRIGGER IF EXISTS ledger_account_keeps_postings",
]


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0001_initial"),
        ("ledger", "0005_chain_over_the_postings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="posting",
            name="account",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="postings",
                to="ledger.account",
            ),
        ),
        migrations.AlterField(
            model_name="posting",
            name="transaction",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="postings",
                to="ledger.transaction",
            ),
        ),
        migrations.AlterField(
            model_name="transaction",
            name="financial_year",
            field=models.CharField(max_length=7),
        ),
        migrations.RunPython(drop_number_pattern_index, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="transaction",
            index=models.Index(
                condition=models.Q(("kind", "invoice_approval")),
                fields=["contract", "invoice_number"],
                name="invoice_approvals",
            ),
        ),
        migrations.RunPython(
            immutable.run(
                {"sqlite": SQLITE_AGAIN + SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}
            ),
            immutable.run(
                {"sqlite": SQLITE_AGAIN + SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}
            ),
        ),
    ]
