"""Reading NHS England's practice files: layouts by heading, every bad row by its line."""

from decimal import Decimal

import pytest

from openics.sources.base import SourceError
from openics.sources.practice_file import parse_practice_file
from tests.builders import PRACTICE_HEADER, many_practices, practice_file, practice_row

HEADER_2022 = (
    "Practice_Code,GP_Practice_Name,Practice_Postcode,Latitude,Longitude,CCG21,Former CCG,"
    "PCN_Code,PCN_Name,LOC22,LOC22name,ICS22,ICS22name,R22,Region22,LAD21,LTLA21,LA21,UTLA21,"
    "Patients,pop 2022/23,G&A WP,CS WP,MH WP,Mat WP,Health Ineq WP,Prescr WP,Final WP,"
    "Primary Medical Care WP,Final PMC WP"
)
ROW_2022 = (
    "A81001,The Densham Surgery,TS18 1HU,54.5,-1.3,16C,Tees Valley,U89141,Stockton PCN,16C,"
    "NHS NENC ICB - 16C,QHM,NHS North East and North Cumbria ICB,Y63,North East and Yorkshire,"
    "E06000004,Stockton-on-Tees,E06000004,Stockton-on-Tees,4073,4086.31,4866.26,5162.81,4503.67,"
    "3745.04,9609.73,4986.33,5314.58,4620.6,5368.97"
)


def test_the_2025_26_layout_is_recognised_and_read_exactly():
    parsed = parse_practice_file(practice_file([practice_row("M87001", patients="1234.567")]))
    assert parsed.layout == "nhse-place-tool-2025/26"
    assert parsed.errors == []
    [row] = parsed.rows
    assert row.practice_code == "M87001" and row.icb_code == "QUA" and row.line == 2
    assert row.registered_patients == Decimal("1234.567")
    assert isinstance(row.weighted["core"], Decimal)
    assert set(row.weighted) == {
        "general_and_acute",
        "community",
        "mental_health",
        "maternity",
        "health_inequalities",
        "prescribing",
        "core",
        "primary_medical_care",
        "primary_medical_care_final",
    }


def test_the_2022_23_headings_are_recognised_with_pcn_and_upper_tier():
    parsed = parse_practice_file(f"{HEADER_2022}\n{ROW_2022}\n".encode())
    assert parsed.layout == "nhse-place-tool-2022/23-to-2024/25"
    [row] = parsed.rows
    assert (row.pcn_code, row.utla_code, row.registered_patients) == (
        "U89141",
        "E06000004",
        Decimal("4073"),
    )
    assert row.population == Decimal("4086.31")


def test_a_blank_patients_column_falls_back_to_population_as_published_from_2023():
    row = practice_row("M87001", Patients="", Population="2000.5")
    [parsed] = parse_practice_file(practice_file([row])).rows
    assert parsed.registered_patients == Decimal("2000.5")


def test_a_bare_u_pcn_means_no_pcn():
    row = practice_row("M87001", PCN_Code="U", PCN_Name="Unallocated")
    assert parse_practice_file(practice_file([row])).rows[0].pcn_code == ""


def test_an_unknown_layout_names_the_missing_columns():
    with pytest.raises(SourceError, match="Final PMC WP"):
        parse_practice_file(",".join(PRACTICE_HEADER[:-1]).encode() + b"\n")


def test_an_error_on_line_37_is_reported_as_line_37():
    rows = many_practices(50)
    rows[35]["Population"] = "lots"
    parsed = parse_practice_file(practice_file(rows))
    assert [(e.line, "not a number" in e.reason) for e in parsed.errors] == [(37, True)]
    assert len(parsed.rows) == 49


def test_every_bad_row_is_reported_not_just_the_first():
    rows = many_practices(6)
    rows[0]["Practice_Code"] = "12345"
    rows[2]["Rcode"] = "Z1"
    rows[4]["MH WP"] = "-3"
    rows[5]["GP_Practice_Name"] = ""
    parsed = parse_practice_file(practice_file(rows))
    assert [e.line for e in parsed.errors] == [2, 4, 6, 7]
    assert "negative" in parsed.errors[2].reason
    assert "practice name is empty" in parsed.errors[3].reason


def test_a_duplicate_practice_names_the_first_line():
    rows = many_practices(3)
    rows[2]["Practice_Code"] = rows[0]["Practice_Code"]
    [error] = parse_practice_file(practice_file(rows)).errors
    assert error.line == 4 and "already on line 2" in error.reason


def test_a_row_with_the_wrong_number_of_fields():
    data = practice_file(many_practices(2)) + b"M99999,too,short\n"
    [error] = parse_practice_file(data).errors
    assert error.line == 4 and "fields" in error.reason


def test_a_quoted_name_over_two_lines_keeps_line_numbers_right():
    rows = many_practices(3)
    rows[0]["GP_Practice_Name"] = "The Surgery\nAnnexe"
    rows[2]["Practice_Code"] = "bad"
    parsed = parse_practice_file(practice_file(rows))
    assert [e.line for e in parsed.errors] == [5]  # row 1 spans lines 2–3


def test_text_that_is_not_utf8_is_refused_clearly():
    with pytest.raises(SourceError, match="not UTF-8"):
        parse_practice_file("Practice_Code\nA81001,Café\n".encode("cp1252"))


def test_blank_weighted_components_count_as_zero_and_are_noted():
    row = practice_row("M87001", **{"Mat WP": ""})
    parsed = parse_practice_file(practice_file([row]))
    assert parsed.rows[0].weighted["maternity"] == Decimal(0)
    assert parsed.notes == ["line 2: maternity weighted population blank, taken as 0"]
