"""The audit lighter to write (ADR 0028): its before and after compressed with lz4 on
PostgreSQL, not pglz, and no index on the action, which no query reads by.

An import's shared entries (ADR 0018) hold every link or population it created in one
`after` of megabytes, which PostgreSQL compresses as it stores it; with its default
method (pglz) that compression was a quarter of the server's work in the national
practice import. lz4 compresses several times faster and decompresses faster too. Only
values written from now on are compressed with lz4; those already stored stay as they
are and read back the same. A server built without lz4 keeps pglz; SQLite compresses
nothing.

The action's index (and on PostgreSQL its second index, for LIKE) served no query: the
entries are found by their object (audit_entry_object), and the one query by action asks
for those ending in ".refused" among one object's, which neither index can serve. Each
index costs every entry written, and an import writes thousands.
"""

from django.db import migrations, models


def _lz4(apps, schema_editor, method="lz4"):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT %s = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'",
            [method],
        )
        row = cursor.fetchone()
    if not (row and row[0]):
        return
    for column in ("before", "after"):
        schema_editor.execute(
            f'ALTER TABLE core_auditentry ALTER COLUMN "{column}" SET COMPRESSION {method}',
            params=None,
        )


def _pglz(apps, schema_editor):
    _lz4(apps, schema_editor, method="pglz")


class Migration(migrations.Migration):
    dependencies = [("core", "0006_uploads")]

    operations = [
        migrations.RunPython(_lz4, _pglz),
        migrations.AlterField(
            model_name="auditentry", name="action", field=models.CharField(max_length=100)
        ),
    ]
