"""Set-based writes (core.bulk, ADR 0028): values the database reads back as they were given,
writes in the background that are done in order, seen by the next statement and rolled
back with their transaction when one fails, and links and populations that name an
organisation the registry does not hold refused by the database."""

import uuid
from datetime import date

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from openics.core.bulk import Same, db_value, insert_columns, writes_in_background
from openics.organisations.models import Organisation, Relationship
from openics.population.models import WEIGHTED_FIELDS, PracticePopulation

pytestmark = pytest.mark.django_db

# What the database driver's own writing raises: Django's errors for statements, and on
# PostgreSQL the driver's for the rows a COPY sends (as before the writes in background).
FAILED = (IntegrityError, psycopg.IntegrityError)

AWKWARD = [
    "back\\slash",
    "a\ttab",
    "new\nline",
    "carriage\rreturn",
    "\\N",
    "Sainte-Hélène & “quotes”",
    "",
]


def _bodies(names: list[str], *, kind: str = "gp_practice", code: str = "A") -> dict:
    n = len(names)
    return {
        "kind": Same(kind),
        "code": [f"{code}{i:05}" for i in range(n)],
        "name": names,
        "ownership": Same("gp_partnership"),
        "postcode": [f"B{i} 1AA" for i in range(n)],
        "active_from": [date(2020, 4, 1) if i % 2 else None for i in range(n)],
        "dormant": [bool(i % 2) for i in range(n)],
        "staff_count": [i if i % 3 else None for i in range(n)],
    }


def test_awkward_values_are_read_back_as_they_were_written():
    written = insert_columns(Organisation, _bodies(AWKWARD), len(AWKWARD))
    held = {o.code: o for o in Organisation.objects.all()}
    for i, name in enumerate(AWKWARD):
        body = held[f"A{i:05}"]
        assert body.name == name
        assert body.postcode == f"B{i} 1AA"
        assert body.active_from == (date(2020, 4, 1) if i % 2 else None)
        assert body.dormant is bool(i % 2)
        assert body.staff_count == (i if i % 3 else None)
        assert str(body.pk) == written.ids[i]


def test_writes_in_background_are_done_in_order_and_seen_by_the_next_statement():
    with transaction.atomic(), writes_in_background():
        insert_columns(Organisation, _bodies(["one", "two"]), 2)
        insert_columns(Organisation, _bodies(["three"], kind="pcn", code="U"), 1)
        assert Organisation.objects.count() == 3
        pcn = Organisation.objects.get(kind="pcn")
        practice = Organisation.objects.get(code="A00000")
        links = {"child_id": [practice.pk], "parent_id": [pcn.pk], "kind": ["member"]}
        insert_columns(Relationship, links, 1)
    assert Relationship.objects.get().parent == pcn


def test_a_write_that_fails_in_background_rolls_its_transaction_back():
    before = Organisation.objects.count()
    with pytest.raises(FAILED), transaction.atomic(), writes_in_background():
        insert_columns(Organisation, _bodies(["one"]), 1)
        insert_columns(Organisation, _bodies(["one again, same code"]), 1)  # refused
        insert_columns(Organisation, _bodies(["never written"], code="Z"), 1)
    assert Organisation.objects.count() == before
    assert not Organisation.objects.filter(code="Z00000").exists()


def test_a_write_that_failed_in_background_stops_the_next_statement():
    with transaction.atomic():
        with pytest.raises(FAILED), writes_in_background():
            insert_columns(Organisation, _bodies(["one"]), 1)
            insert_columns(Organisation, _bodies(["same code"]), 1)
            Organisation.objects.count()  # raises the error before it runs
            pytest.fail("the statement ran after a failed write")  # pragma: no cover
        transaction.set_rollback(True)


def _refused(write) -> None:
    """The write is refused: as it is made, or (SQLite's constraints are deferred) when the
    transaction would commit."""
    with pytest.raises(FAILED), transaction.atomic():
        write()
        connection.check_constraints()  # what committing checks


def _delete(body: Organisation) -> None:
    """Deletes the body with plain SQL, as the ORM's PROTECT does not let it."""
    with connection.cursor() as cursor:
        held = db_value(Organisation._meta.pk)(body.pk)
        cursor.execute("DELETE FROM organisations_organisation WHERE id = %s", [held])


@pytest.fixture
def practice():
    return Organisation.objects.create(
        kind="gp_practice", code="A00001", name="A practice", ownership="gp_partnership"
    )


@pytest.fixture
def icb():
    return Organisation.objects.create(kind="icb", code="QHL", name="An ICB", ownership="nhs")


def test_a_link_naming_an_organisation_not_held_is_refused(practice, icb):
    _refused(
        lambda: Relationship.objects.create(child=practice, parent_id=uuid.uuid4(), kind="within")
    )
    link = Relationship.objects.create(child=practice, parent=icb, kind="within")
    _refused(lambda: Relationship.objects.filter(pk=link.pk).update(child_id=uuid.uuid4()))
    links = {"child_id": [practice.pk], "parent_id": [uuid.uuid4()], "kind": ["within"]}
    _refused(lambda: insert_columns(Relationship, links, 1))


# A population of nobody: every figure nought.
NOUGHT = {name: 0 for name in ("registered", "population", *WEIGHTED_FIELDS.values())}


def test_a_population_naming_an_organisation_not_held_is_refused(practice):
    _refused(
        lambda: PracticePopulation.objects.create(
            practice_id=uuid.uuid4(), financial_year="2025/26", **NOUGHT
        )
    )
    population = PracticePopulation.objects.create(
        practice=practice, financial_year="2025/26", **NOUGHT
    )
    _refused(
        lambda: PracticePopulation.objects.filter(pk=population.pk).update(practice_id=uuid.uuid4())
    )


def test_an_organisation_that_links_or_populations_name_is_not_deleted(practice, icb):
    Relationship.objects.create(child=practice, parent=icb, kind="within")
    with pytest.raises(ProtectedError):
        icb.delete()
    _refused(lambda: _delete(icb))
    _refused(lambda: _delete(practice))
    Relationship.objects.all().delete()
    PracticePopulation.objects.create(practice=practice, financial_year="2025/26", **NOUGHT)
    _refused(lambda: _delete(practice))
    with transaction.atomic():
        _delete(icb)  # nothing names it now
        connection.check_constraints()
    assert not Organisation.objects.filter(pk=icb.pk).exists()
