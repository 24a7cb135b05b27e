"""Links' child and parent checked by triggers, not by foreign-key constraints (ADR 0028).

A foreign-key constraint is checked row by row at commit; on PostgreSQL each check is a
query that locks the organisation it finds, and the national practice file's 12,700
links (two checks each) with its 6,300 populations made those checks the largest single
cost of its import. Instead, on PostgreSQL, a statement-level trigger refuses, once per
INSERT or UPDATE and as a set, links naming an organisation that does not exist, and a
deferred trigger refuses to commit the deletion of an organisation that links still name
(as the constraint did, at commit). On SQLite row triggers refuse the same links, as they
are written; the deletion of an organisation is refused by the ORM (PROTECT), as before,
not by the database: SQLite has no deferred triggers, and an immediate one would refuse
`flush`, which empties the tables in no set order.
"""

import django.db.models.deletion
from django.db import migrations, models

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
_NAMES_NO_BODY = """WHEN NOT EXISTS (SELECT 1 FROM organisations_organisation WHERE id = NEW.child_id)
      OR NOT EXISTS (SELECT 1 FROM organisations_organisation WHERE id = NEW.parent_id)
    BEGIN SELECT RAISE(ABORT, 'a link names an organisation not in the registry'); END"""
SQLITE_FORWARD = [
    "CREATE TRIGGER IF NOT EXISTS organisations_relationship_inserted_names_bodies "
    f"BEFORE INSERT ON organisations_relationship {_NAMES_NO_BODY}",
    "CREATE TRIGGER IF NOT EXISTS organisations_relationship_updated_names_bodies "
    f"BEFORE UPDATE OF child_id, parent_id ON organisations_relationship {_NAMES_NO_BODY}",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS organisations_relationship_inserted_names_bodies",
    "DROP TRIGGER IF EXISTS organisations_relationship_updated_names_bodies",
]


class Migration(migrations.Migration):
    dependencies = [("organisations", "0006_staff_figures_and_transfers")]

    operations = [
        migrations.AlterField(
            model_name="relationship",
            name="child",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="parent_links",
                to="organisations.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="relationship",
            name="parent",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="child_links",
                to="organisations.organisation",
            ),
        ),
        migrations.RunPython(
            immutable.run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            immutable.run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
