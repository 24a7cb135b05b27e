"""A population's practice checked as a set on PostgreSQL, not by a foreign-key
constraint, as organisations 0007 does for links (core.fields.SetCheckedForeignKey,
ADR 0028); SQLite keeps its constraint. And no index of its own on the practice, which
the unique (practice, financial_year) serves as well.
"""

import django.db.models.deletion
from django.db import migrations

import openics.core.fields
from openics.core import immutable

POSTGRES_FORWARD = [
    """CREATE FUNCTION population_names_practices() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE missing uuid;
    BEGIN
      SELECT n.practice_id INTO missing FROM (SELECT DISTINCT practice_id FROM new_rows) n
        WHERE NOT EXISTS (SELECT 1 FROM organisations_organisation o WHERE o.id = n.practice_id)
        LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'a population names organisation %, which is not in the registry',
          missing USING ERRCODE = 'foreign_key_violation';
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER population_practicepopulation_inserted_names_practices
    AFTER INSERT ON population_practicepopulation REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION population_names_practices()""",
    """CREATE TRIGGER population_practicepopulation_updated_names_practices
    AFTER UPDATE ON population_practicepopulation REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION population_names_practices()""",
    """CREATE FUNCTION population_keeps_practices() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM population_practicepopulation WHERE practice_id = OLD.id) THEN
        RAISE EXCEPTION 'organisation % has populations: it cannot be deleted', OLD.id
          USING ERRCODE = 'foreign_key_violation';
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE CONSTRAINT TRIGGER population_keeps_practices
    AFTER DELETE ON organisations_organisation DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION population_keeps_practices()""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS population_keeps_practices ON organisations_organisation",
    "DROP FUNCTION IF EXISTS population_keeps_practices()",
    "DROP TRIGGER IF EXISTS population_practicepopulation_updated_names_practices"
    " ON population_practicepopulation",
    "DROP TRIGGER IF EXISTS population_practicepopulation_inserted_names_practices"
    " ON population_practicepopulation",
    "DROP FUNCTION IF EXISTS population_names_practices()",
]


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0007_links_checked_as_a_set"),
        ("population", "0002_resident_population"),
    ]

    operations = [
        migrations.AlterField(
            model_name="practicepopulation",
            name="practice",
            field=openics.core.fields.SetCheckedForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="populations",
                to="organisations.organisation",
            ),
        ),
        migrations.RunPython(
            immutable.run({"postgresql": POSTGRES_FORWARD}),
            immutable.run({"postgresql": POSTGRES_BACKWARD}),
        ),
    ]
