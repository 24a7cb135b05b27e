"""The audit of set-based imports says the same as one written row by row (ADR 0018): each
new body has its own entry with its snapshot; the links and populations a file creates are
listed, each with its snapshot, in one entry per kind that for_object still finds."""

import json
from datetime import date

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from openics.core.audit import Actor, snapshot
from openics.core.models import AuditEntry
from openics.organisations.models import Organisation, Relationship
from openics.population.importers import import_practice_file
from openics.population.models import PracticePopulation
from tests.builders import many_practices, practice_file, practice_row

pytestmark = pytest.mark.django_db

ACTOR = Actor.process("test-bulk-audit")


def _as_json(obj) -> dict:
    """What Auditor.created(obj) would have stored for the row as the database holds it."""
    return json.loads(json.dumps(snapshot(obj), cls=DjangoJSONEncoder))


@pytest.fixture
def imported():
    rows = many_practices(3) + [practice_row("B00001", icb="QHL", lad="E08000025")]
    rows[0]["PCN_Code"], rows[0]["PCN_Name"] = "U12345", "Dudley Central PCN"
    import_practice_file(
        practice_file(rows), source_name="2025_2026.csv", actor=ACTOR, reason="bulk audit"
    )


def test_each_new_body_has_its_own_entry_with_its_snapshot(imported):
    bodies = list(Organisation.objects.all())
    assert len(bodies) == 4 + 2 + 1 + 2 + 1  # practices, ICBs, region, councils, PCN
    for body in bodies:
        [entry] = AuditEntry.objects.for_object(body)
        assert (entry.action, entry.actor_system, entry.reason) == (
            "organisations.create",
            "test-bulk-audit",
            "bulk audit",
        )
        assert entry.before is None
        assert entry.after == _as_json(body)


@pytest.mark.parametrize(
    ("model", "action"),
    [(Relationship, "relationships.create"), (PracticePopulation, "population.create")],
)
def test_each_new_link_and_population_is_listed_with_its_snapshot(imported, model, action):
    records = list(model.objects.all())
    assert records
    entries = AuditEntry.objects.filter(action=action)
    listed = {oid: after for entry in entries for oid, _, after in entry.changes()}
    assert set(listed) == {str(r.pk) for r in records}
    for record in records:
        [entry] = AuditEntry.objects.for_object(record)  # who made it, and why
        assert (entry.action, entry.actor_system, entry.reason) == (
            action,
            "test-bulk-audit",
            "bulk audit",
        )
        assert listed[str(record.pk)] == _as_json(record)


def test_an_entry_about_one_record_reads_as_one_change():
    rows = many_practices(1)
    import_practice_file(
        practice_file(rows), source_name="2025_2026.csv", actor=ACTOR, reason="bulk audit"
    )
    practice = Organisation.objects.get(code="M00001")
    [entry] = AuditEntry.objects.for_object(practice)
    assert entry.changes() == [(str(practice.pk), None, entry.after)]


def test_a_snapshot_written_from_the_inserted_columns_is_the_text_the_encoder_gives():
    from openics.core.bulk import insert_objects, new_ids, new_instance

    bodies = [
        new_instance(
            Organisation,
            {"kind": "gp_practice", "code": f"M0000{i}", "name": f'"Quoted" Surgery é {i}'},
        )
        for i in range(3)
    ]
    bodies[1].active_from = date(2025, 4, 1)
    written = insert_objects(bodies)
    texts = written.snapshots()
    assert texts == [json.dumps(snapshot(body), cls=DjangoJSONEncoder) for body in bodies]
    assert written.ids == [str(body.pk) for body in bodies]
    ids = new_ids(50)
    assert ids == sorted(ids) and len(set(ids)) == 50
    assert all(i[12] == "4" and i[16] in "89ab" for i in ids)  # version 4, RFC variant


def test_the_entries_the_database_writes_for_new_rows_hold_their_snapshots():
    """Auditor.record_created: for bodies the database builds each snapshot from the row
    (core.bulk.snapshots_sql); for a model with a column it cannot write that way (fixed
    decimals) the text is made from the inserted columns. Both read back as snapshot()."""
    from decimal import Decimal

    from openics.core.audit import Auditor
    from openics.core.bulk import Same, insert_columns, insert_objects, new_instance

    bodies = [
        new_instance(
            Organisation,
            {"kind": "gp_practice", "code": f"M0000{i}", "name": f'"Quoted" Surgery é {i}'},
        )
        for i in range(3)
    ]
    bodies[1].active_from, bodies[2].dormant = date(2025, 4, 1), True
    auditor = Auditor(actor=ACTOR, reason="bulk audit", action="test.bulk")
    assert auditor.record_created(insert_objects(bodies), action="organisations.create") == 3
    practice = bodies[0]
    written = insert_columns(
        PracticePopulation,
        {
            "practice_id": Same(practice.pk),
            "financial_year": ["2024/25", "2025/26"],
            **{
                name: Same(Decimal("10.500000"))  # at the field's places, as importers give
                for name in ("registered", "population", "wp_core", "wp_general_and_acute")
            },
            **{
                f.attname: Same(Decimal("0.000000"))
                for f in PracticePopulation._meta.concrete_fields
                if f.attname.startswith("wp_")
                and f.attname not in ("wp_core", "wp_general_and_acute")
            },
        },
        2,
    )
    assert auditor.record_created(written, action="population.create") == 2
    assert len(auditor.entries) == 5
    entries = {e.object_id: e for e in AuditEntry.objects.filter(id__in=auditor.entries)}
    for record in [*bodies, *PracticePopulation.objects.all()]:
        record.refresh_from_db()
        entry = entries[str(record.pk)]
        assert (entry.before, entry.after) == (None, _as_json(record))
        assert (entry.actor_system, entry.reason) == ("test-bulk-audit", "bulk audit")
    assert entries[str(bodies[2].pk)].after["dormant"] is True
    assert entries[str(bodies[1].pk)].after["active_from"] == "2025-04-01"


def test_the_collector_is_held_off_inside_and_restored_after():
    import gc

    from openics.core.bulk import collector_paused

    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("an import refused halfway")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
