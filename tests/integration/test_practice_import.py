"""Importing NHS England's practice file: all or nothing, idempotent, every change audited."""

from decimal import Decimal

import pytest

from openics.core.audit import Actor
from openics.core.imports import ImportRejected
from openics.core.models import AuditEntry, ImportRun
from openics.organisations import selectors
from openics.organisations.models import Organisation, Relationship
from openics.population import selectors as population_selectors
from openics.population.importers import import_practice_file
from openics.population.models import PracticePopulation
from openics.regimes.vocabulary import BodyKind
from tests.builders import many_practices, practice_file, practice_row

pytestmark = pytest.mark.django_db

ACTOR = Actor.process("test-import")


def _import(data: bytes, name: str = "2025_2026.csv"):
    return import_practice_file(data, source_name=name, actor=ACTOR, reason="test import")


def _database_state():
    return (
        Organisation.objects.count(),
        Relationship.objects.count(),
        PracticePopulation.objects.count(),
        AuditEntry.objects.count(),
    )


def test_a_file_creates_regions_icbs_authorities_practices_and_populations():
    rows = many_practices(3) + [
        practice_row("B00001", icb="QHL", lad="E08000025", patients="2500.5")
    ]
    report = _import(practice_file(rows))
    assert Organisation.objects.of_kind("icb").count() == 2
    assert Organisation.objects.of_kind("nhs_england_region").count() == 1
    assert Organisation.objects.of_kind("gp_practice").count() == 4
    assert Organisation.objects.of_kind("local_authority").count() == 2
    [group] = population_selectors.icb_directory("2025/26")
    totals = {s.icb.code: (s.practices, s.registered) for s in group.icbs}
    assert totals == {"QUA": (3, Decimal("3000")), "QHL": (1, Decimal("2500.5"))}
    assert report.created > 0 and report.changed == 0
    # every created record is in the audit log, attributed to the importing process
    assert AuditEntry.objects.filter(action="organisations.create").count() == 4 + 2 + 1 + 2
    assert set(AuditEntry.objects.values_list("actor_system", flat=True)) == {"test-import"}


def test_reimporting_the_same_file_changes_nothing():
    data = practice_file(many_practices(5))
    _import(data)
    before = _database_state()
    report = _import(data)
    assert (report.created, report.changed) == (0, 0)
    organisations, links, populations, audits = _database_state()
    assert (organisations, links, populations) == before[:3]
    # only the record of the import run itself is added
    assert audits == before[3] + 1
    assert ImportRun.objects.count() == 2


def test_a_newer_file_records_each_change_with_before_and_after():
    # The registry knows both ICBs from the first file: a later one does not establish ICBs.
    rows = many_practices(3) + [practice_row("B00001", icb="QHL", lad="E08000025")]
    _import(practice_file(rows))
    rows[0] = practice_row("M00001", patients="1234.5", name="Renamed Surgery")
    rows[1] = practice_row("M00002", icb="QHL", lad="E08000025")  # moved to another ICB
    report = _import(practice_file(rows))
    grown = AuditEntry.objects.get(action="population.update")
    assert Decimal(grown.before["registered"]) == Decimal("1000")
    assert Decimal(grown.after["registered"]) == Decimal("1234.5")
    # names are ODS's to change, not this file's
    assert Organisation.objects.get(code="M00001").name == "Practice M00001"
    moved = Organisation.objects.get(code="M00002")
    assert selectors.current_parent(moved, BodyKind.ICB).code == "QHL"
    ended = AuditEntry.objects.filter(action="relationships.end")
    assert ended.count() == 2  # its ICB link and its local authority link
    assert Relationship.objects.filter(child=moved, active_to__isnull=False).count() == 2
    assert report.changed == 3  # one population, two links ended


def test_a_bad_row_37_is_rejected_by_line_and_nothing_is_written():
    rows = many_practices(40)
    rows[35]["Patients"] = "-12"  # the 36th data row is line 37 (the header is line 1)
    with pytest.raises(ImportRejected) as caught:
        _import(practice_file(rows))
    assert [e.line for e in caught.value.errors] == [37]
    assert "negative" in caught.value.errors[0].reason
    assert "line 37" in caught.value.report()
    assert _database_state() == (0, 0, 0, 0)


def test_every_bad_row_is_reported():
    rows = many_practices(10)
    rows[2]["Practice_Code"] = "NOT-A-CODE"
    rows[5]["ICB"] = "X1"
    rows[8]["Practice_Code"] = rows[7]["Practice_Code"]  # duplicate
    with pytest.raises(ImportRejected) as caught:
        _import(practice_file(rows))
    assert [e.line for e in caught.value.errors] == [4, 7, 10]
    assert _database_state() == (0, 0, 0, 0)


def test_a_file_whose_icb_changes_name_midway_is_rejected():
    rows = many_practices(3)
    rows[2]["ICBname"] = "NHS Somewhere Else ICB"
    with pytest.raises(ImportRejected) as caught:
        _import(practice_file(rows))
    assert caught.value.errors[0].line == 4
    assert "line 2" in caught.value.errors[0].reason


def test_wrong_encoding_and_missing_columns_are_clear_errors():
    with pytest.raises(ImportRejected, match="UTF-8"):
        _import("Practice_Code,GP_Practice_Name\nA1,Caf\xe9\n".encode("latin-1"))
    with pytest.raises(ImportRejected, match="rejected"):
        _import(b"Practice_Code,Name\nA81001,X\n")
    assert _database_state() == (0, 0, 0, 0)


def test_the_year_comes_from_the_file_name_or_must_be_given():
    data = practice_file(many_practices(1))
    with pytest.raises(ImportRejected, match="financial year"):
        _import(data, name="practices.csv")
    import_practice_file(
        data, source_name="practices.csv", financial_year="2024/25", actor=ACTOR, reason="test"
    )
    assert PracticePopulation.objects.get().financial_year == "2024/25"


def test_an_import_without_an_actor_is_refused_and_writes_nothing():
    from openics.core.audit import MissingActorError

    with pytest.raises(MissingActorError):
        import_practice_file(
            practice_file(many_practices(2)), source_name="2025_2026.csv", actor=None, reason="x"
        )
    assert _database_state() == (0, 0, 0, 0)


def test_an_older_year_loaded_after_a_newer_one_adds_populations_but_moves_nothing():
    newer = many_practices(2) + [practice_row("B00001", icb="QHL", lad="E08000025")]
    _import(practice_file(newer), name="2025_2026.csv")
    older = many_practices(2)
    older[1] = practice_row("M00002", icb="QHL", lad="E08000025", patients="900")
    older.append(practice_row("M00003", patients="50"))  # a practice since closed or merged
    report = _import(practice_file(older), name="2024_2025.csv")
    moved = Organisation.objects.get(code="M00002")
    assert selectors.current_parent(moved, BodyKind.ICB).code == "QUA"  # still where 2025 says
    assert (
        PracticePopulation.objects.get(practice=moved, financial_year="2024/25").registered == 900
    )
    assert (
        selectors.current_parent(Organisation.objects.get(code="M00003"), BodyKind.ICB).code
        == "QUA"
    )
    assert any("2025/26 is already loaded" in note for note in report.notes)
    assert not AuditEntry.objects.filter(action="relationships.end").exists()


def _with_slip(rows):
    # As in the real 2023/24 file: one line calls E08000027 (Dudley) by another name.
    rows[3]["LTLA"] = "Sandwell"
    return practice_file(rows)


def test_a_local_authority_named_two_ways_imports_under_one_name_with_a_warning():
    report = _import(_with_slip(many_practices(5)))
    authority = Organisation.objects.get(kind=BodyKind.LOCAL_AUTHORITY.value, ons_code="E08000027")
    assert authority.name == "Dudley"  # the first name given, the registry holding none
    warnings = [note for note in report.notes if "warning" in note]
    assert len(warnings) == 1 and warnings[0].startswith("line 5: warning: local authority")
    assert "'Sandwell'" in warnings[0] and "'Dudley'" in warnings[0]
    assert PracticePopulation.objects.count() == 5


def test_the_registry_s_name_for_an_authority_wins_over_the_file_s_first():
    _import(practice_file(many_practices(1)))
    rows = many_practices(5)
    rows[0]["LTLA"] = "Sandwell"  # the first line slips too: the first name seen is wrong
    report = _import(_with_slip(rows), name="2024_2025.csv")
    authority = Organisation.objects.get(kind=BodyKind.LOCAL_AUTHORITY.value, ons_code="E08000027")
    assert authority.name == "Dudley"
    warnings = [note for note in report.notes if "warning" in note]
    assert [w.split(":")[0] for w in warnings] == ["line 2", "line 5"]
    assert all("the registry's name" in w for w in warnings)


def test_strict_refuses_a_local_authority_named_two_ways():
    with pytest.raises(ImportRejected) as caught:
        import_practice_file(
            _with_slip(many_practices(5)),
            source_name="2025_2026.csv",
            strict=True,
            actor=ACTOR,
            reason="test import",
        )
    assert [e.line for e in caught.value.errors] == [5]
    assert "called 'Sandwell' here but 'Dudley' on line 2" in caught.value.errors[0].reason
    assert _database_state() == (0, 0, 0, 0)


def test_a_workbook_imports_the_sheet_of_its_year_and_refuses_a_bad_row_by_sheet_and_row():
    from tests.builders import practice_workbook

    data = practice_workbook({"2024-25": many_practices(2), "2025-26": many_practices(4)})
    with pytest.raises(ImportRejected, match="--year"):
        _import(data, name="weighted-populations.xlsx")
    report = import_practice_file(
        data,
        source_name="weighted-populations.xlsx",
        financial_year="2025-26",
        actor=ACTOR,
        reason="test import",
    )
    assert report.rows == 4
    assert PracticePopulation.objects.filter(financial_year="2025/26").count() == 4
    assert any("read the sheet '2025-26'" in note for note in report.notes)
    rows = many_practices(4)
    rows[2]["Patients"] = "lots"
    with pytest.raises(ImportRejected) as caught:
        _import(practice_workbook({"2025-26": rows}), name="wp_2025_2026.xlsx")
    assert str(caught.value.errors[0]).startswith("sheet '2025-26', row 8: ")
