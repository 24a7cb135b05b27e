"""Links' child and parent checked as a set on PostgreSQL, not by foreign-key constraints
(core.fields.SetCheckedForeignKey, ADR 0028).

A foreign-key constraint is checked row by row at commit; on PostgreSQL each check is a
query that locks the organisation it finds, and the national practice file's 12,700
links (two checks each) and 6,300 populations made those checks the largest single cost
of the database's work in its import. Instead, on PostgreSQL, a statement-level trigger
refuses, once per INSERT or UPDATE and as a set, links naming an organisation that does
not exist, and a deferred trigger refuses to commit the deletion of an organisation that
links still name, as the constraint did. SQLite keeps its constraints (its check costs
less than a trigger would); the field changes class, so SQLite rebuilds the table as it is.

PostgreSQL's second index on an organisation's code, kind and ONS code, for LIKE, goes
too: no query matches them by pattern, and each import writes thousands of bodies.
"""

import django.db.models.deletion
from django.db import migrations

import openics.core.fields
from openics.core import immutable

POSTGRES_FORWARD = [
    """CREATE FUNCTION organisations_links_name_bodies() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE missing uuid;
    BEGIN
      SELECT n.id INTO missing
        FROM (SELECT child_id AS id FROM new_links UNION SELECT parent_id FROM new_links) n
        WHERE NOT EXISTS (SELECT 1 FROM organisations_organisation o WHERE o.id = n.id)
        LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'a link names organisation %, which is not in the registry', missing
          USING ERRCODE = 'foreign_key_violation';
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER organisations_relationship_inserted_names_bodies
    AFTER INSERT ON organisations_relationship REFERENCING NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION organisations_links_name_bodies()""",
    """CREATE TRIGGER organisations_relationship_updated_names_bodies
    AFTER UPDATE ON organisations_relationship REFERENCING NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION organisations_links_name_bodies()""",
    """CREATE FUNCTION organisations_keeps_links() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM organisations_relationship
                 WHERE child_id = OLD.id OR parent_id = OLD.id) THEN
        RAISE EXCEPTION 'organisation % is named by links: it cannot be deleted', OLD.id
          USING ERRCODE = 'foreign_key_violation';
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE CONSTRAINT TRIGGER organisations_keeps_links
    AFTER DELETE ON organisations_organisation DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION organisations_keeps_links()""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS organisations_keeps_links ON organisations_organisation",
    "DROP FUNCTION IF EXISTS organisations_keeps_links()",
    "DROP TRIGGER IF EXISTS organisations_relationship_updated_names_bodies"
    " ON organisations_relationship",
    "DROP TRIGGER IF EXISTS organisations_relationship_inserted_names_bodies"
    " ON organisations_relationship",
    "DROP FUNCTION IF EXISTS organisations_links_name_bodies()",
]


def drop_pattern_indexes(apps, schema_editor):
    """PostgreSQL's indexes for LIKE on the code, kind and ONS code, which no query uses."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'organisations_organisation' "
            "AND indexdef LIKE '%%varchar_pattern_ops%%' AND ("
            "indexdef LIKE '%%(code %%' OR indexdef LIKE '%%(kind %%' "
            "OR indexdef LIKE '%%(ons_code %%')"
        )
        for (name,) in cursor.fetchall():
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"', params=None)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0006_staff_figures_and_transfers")]

    operations = [
        migrations.AlterField(
            model_name="relationship",
            name="child",
            field=openics.core.fields.SetCheckedForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="parent_links",
                to="organisations.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="relationship",
            name="parent",
            field=openics.core.fields.SetCheckedForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="child_links",
                to="organisations.organisation",
            ),
        ),
        migrations.RunPython(drop_pattern_indexes, migrations.RunPython.noop),
        migrations.RunPython(
            immutable.run({"postgresql": POSTGRES_FORWARD}),
            immutable.run({"postgresql": POSTGRES_BACKWARD}),
        ),
    ]
