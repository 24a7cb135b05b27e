"""Importers refuse what the registry cannot hold, by line, on both databases: a value longer
than its column, and (in the practice file) an ICB the registry does not hold."""

import pytest

from openics.core.audit import Actor
from openics.core.imports import ImportRejected
from openics.core.models import AuditEntry
from openics.organisations.models import Organisation
from openics.organisations.ods_import import import_ods_file
from openics.population.importers import import_practice_file
from openics.population.models import PracticePopulation
from tests.builders import many_practices, practice_file, practice_row

pytestmark = pytest.mark.django_db

ACTOR = Actor.process("test-limits")
NAME_HOLDS = Organisation._meta.get_field("name").max_length  # 200


def _practices(rows, name="2025_2026.csv"):
    return import_practice_file(
        practice_file(rows), source_name=name, actor=ACTOR, reason="test limits"
    )


def _state():
    return (
        Organisation.objects.count(),
        PracticePopulation.objects.count(),
        AuditEntry.objects.count(),
    )


def _dse_line(code: str, name: str, icb: str = "QUA") -> str:
    """One DSE epraccur line (27 quoted columns, no header): an active GP practice."""
    cells = [""] * 27
    cells[0:4] = [code, name, "Y60", icb]
    cells[4], cells[7], cells[9] = "1 HIGH ST", "DUDLEY", "DY1 2HQ"
    cells[10:15] = ["20000401", "", "ACTIVE", "B", "D2P2L"]
    cells[21], cells[23], cells[25] = "1", "D2P2L", "RO76"
    return ",".join(f'"{c}"' for c in cells)


def _ods(lines):
    return import_ods_file(
        "\n".join(lines).encode(), source_name="epraccur.csv", actor=ACTOR, reason="test limits"
    )


def test_a_300_character_practice_name_is_refused_with_its_line_column_and_length():
    rows = many_practices(3)
    rows[1]["GP_Practice_Name"] = "A" * 300  # line 3 (the header is line 1)
    with pytest.raises(ImportRejected) as caught:
        _practices(rows)
    [error] = caught.value.errors
    assert error.line == 3
    assert "GP_Practice_Name is 300 characters long" in error.reason
    assert f"at most {NAME_HOLDS}" in error.reason
    assert _state() == (0, 0, 0)


def test_a_name_that_fits_exactly_is_stored_whole():
    rows = many_practices(2)
    rows[0]["GP_Practice_Name"] = "B" * NAME_HOLDS
    _practices(rows)
    assert Organisation.objects.get(code="M00001").name == "B" * NAME_HOLDS


def test_an_icb_name_too_long_for_its_systems_name_is_refused():
    rows = many_practices(2)
    # Fits as a name, but not with " Integrated Care System" after it.
    rows[0]["ICBname"] = "NHS " + "C" * (NAME_HOLDS - 8) + " ICB"
    rows[1]["ICBname"] = rows[0]["ICBname"]
    with pytest.raises(ImportRejected) as caught:
        _practices(rows)
    assert [e.line for e in caught.value.errors] == [2, 3]
    assert all("integrated care system's name" in e.reason for e in caught.value.errors)
    assert _state() == (0, 0, 0)


def test_the_first_national_file_establishes_the_icbs_and_says_so():
    report = _practices(many_practices(2) + [practice_row("B00001", icb="QHL", lad="E08000025")])
    assert Organisation.objects.of_kind("icb").count() == 2
    assert any("the 2 ICBs this file names were established" in n for n in report.notes)


def test_an_unknown_icb_code_in_a_later_practice_file_is_refused_with_its_line_and_value():
    _practices(many_practices(2))
    before = _state()
    rows = many_practices(2) + [practice_row("B00001", icb="QHL", lad="E08000025")]
    with pytest.raises(ImportRejected) as caught:
        _practices(rows)
    [error] = caught.value.errors
    assert error.line == 4
    assert "unknown ICB code QHL" in error.reason
    assert _state() == before  # nothing written: no 43rd ICB, no practice, no population
    assert not Organisation.objects.filter(kind="icb", code="QHL").exists()


def test_a_sub_icb_code_in_the_practice_file_creates_no_body():
    rows = many_practices(2)
    rows[0]["LOC"], rows[0]["LOCname"] = "Z9Z9Z", "A sub-ICB location no one has heard of"
    _practices(rows)
    assert not Organisation.objects.filter(code="Z9Z9Z").exists()
    assert not Organisation.objects.of_kind("sub_icb_location").exists()


def test_a_300_character_name_in_an_ods_file_is_refused_and_changes_nothing():
    _practices(many_practices(2))
    before = _state()
    with pytest.raises(ImportRejected) as caught:
        _ods([_dse_line("M00001", "SURGERY"), _dse_line("M00002", "D" * 300)])
    [error] = caught.value.errors
    assert error.line == 2
    assert "column 2 (name) is 300 characters long" in error.reason
    assert f"at most {NAME_HOLDS}" in error.reason
    assert _state() == before
    assert Organisation.objects.get(code="M00002").name == "Practice M00002"  # not cut short


def test_a_new_practice_with_a_too_long_name_in_an_ods_file_is_refused():
    _practices(many_practices(1))
    with pytest.raises(ImportRejected, match="1 bad row"):
        _ods([_dse_line("M00009", "E" * (NAME_HOLDS + 1))])
    assert not Organisation.objects.filter(code="M00009").exists()


def test_a_too_long_pcn_name_in_the_practice_map_is_refused_with_its_line():
    from openics.organisations.ods_import import import_practice_map

    _practices(many_practices(1))
    header = (
        "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,"
        "PCN_NAME,ONS_SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,"
        "ONS_ICB_CODE,ICB_CODE,ICB_NAME,ONS_COMM_REGION_CODE,COMM_REGION_CODE,"
        "COMM_REGION_NAME,SUPPLIER_NAME"
    )
    line = (
        f"GP_PRAC_PAT_LIST,01Jan2026,M00001,PRACTICE M00001,DY1 1AA,U11111,{'P' * 300},"
        "E38000258,D2P2L,NHS BLACK COUNTRY ICB - D2P2L,E54000062,QUA,NHS BLACK COUNTRY ICB,"
        "E40000008,Y60,MIDLANDS,EMIS"
    )
    before = _state()
    with pytest.raises(ImportRejected) as caught:
        import_practice_map(
            f"{header}\n{line}\n".encode(), source_name="map.csv", actor=ACTOR, reason="test"
        )
    [error] = caught.value.errors
    assert error.line == 2 and "PCN_NAME is 300 characters long" in error.reason
    assert _state() == before
