"""NHS England's place-based tool practice files: each year's headings, every bad row by line."""

from decimal import Decimal
from pathlib import Path

import pytest

from openics.sources.base import SourceError
from openics.sources.practice_file import parse_practice_file

# The header lines exactly as published. 2023/24 and 2024/25 kept the 2022/23 headings.
HEADER_2022_TO_2024 = (
    "Practice_Code,GP_Practice_Name,Practice_Postcode,Latitude,Longitude,CCG21,Former CCG,"
    "PCN_Code,PCN_Name,LOC22,LOC22name,ICS22,ICS22name,R22,Region22,LAD21,LTLA21,LA21,UTLA21,"
    "Patients,pop 2022/23,G&A WP,CS WP,MH WP,Mat WP,Health Ineq WP,Prescr WP,Final WP,"
    "Primary Medical Care WP,Final PMC WP"
)
HEADER_2025 = (
    "Practice_Code,GP_Practice_Name,Practice_Postcode,Latitude,Longitude,CCG,Former CCG,"
    "PCN_Code,PCN_Name,LOC,LOCname,ICB,ICBname,Rcode,Region,LAD,LTLA,LA,UTLA,Patients,"
    "Population,G&A WP,CS WP,MH WP,Mat WP,Health Ineq WP,Prescr WP,Final WP,"
    "Primary Medical Care WP,Final PMC WP"
)
WEIGHTS = "5.1,5.2,4.5,3.7,9.6,4.9,5.3,4.6,5.4"

# A first data row in the shape each year's real file has it.
YEAR_ROWS = {
    "2022_2023": (
        HEADER_2022_TO_2024,
        "A81001,The Densham Surgery,TS18 1HU,54.561687,-1.3189383,16C,Tees Valley,U89141,"
        "Stockton PCN,16C,NHS NENC ICB - 16C Tees Valley ,QHM,NHS North East and North Cumbria "
        "ICB,Y63,North East and Yorkshire,E06000004,Stockton-on-Tees,E06000004,Stockton-on-Tees,"
        f"4073,4086.310904,{WEIGHTS}",
    ),
    "2023_2024": (
        HEADER_2022_TO_2024,
        "F81001,Essex Surgery,SS14 1AA,51.57,0.46,07G,NHS Mid Essex CCG,,,,,QH8,NHS Mid and "
        "South Essex ICB,Y61,East of England,E07000066,Basildon,E10000012,Basildon,,"
        f"4058.9207827613,{WEIGHTS}",
    ),
    "2024_2025": (
        HEADER_2022_TO_2024,
        "F81001,Essex Surgery,SS14 1AA,51.57,0.46,07G,NHS Mid Essex CCG,,,,,QH8,NHS Mid and "
        f"South Essex ICB,Y61,East of England,E07000066,Basildon,E07000066,Basildon,,4068.906409,"
        f"{WEIGHTS}",
    ),
    "2025_2026": (
        "\ufeff" + HEADER_2025,
        "A81001,THE DENSHAM SURGERY,TS18 1HU,54.561625,-1.318986,,,,,,,QHM,NHS North East and "
        "North Cumbria ICB,Y63,NHS North East & Yorkshire,E06000004,Stockton-on-Tees,,,,"
        f"3928.020356,{WEIGHTS}",
    ),
}
LAYOUT_OF = {
    "2022_2023": "nhse-place-tool-2022/23-to-2024/25",
    "2023_2024": "nhse-place-tool-2022/23-to-2024/25",
    "2024_2025": "nhse-place-tool-2022/23-to-2024/25",
    "2025_2026": "nhse-place-tool-2025/26",
}
# The 2022/23 row again with its figures rounded and no area in the sub-ICB name.
ROW_2022_ROUNDED = (
    "A81001,The Densham Surgery,TS18 1HU,54.5,-1.3,16C,Tees Valley,U89141,Stockton PCN,16C,"
    "NHS NENC ICB - 16C,QHM,NHS North East and North Cumbria ICB,Y63,North East and Yorkshire,"
    "E06000004,Stockton-on-Tees,E06000004,Stockton-on-Tees,4073,4086.31,4866.26,5162.81,4503.67,"
    "3745.04,9609.73,4986.33,5314.58,4620.6,5368.97"
)

COLUMNS = HEADER_2025.split(",")
WEIGHTED_NAMES = {
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


def row(code: str, **cells: str) -> dict[str, str]:
    """A 2025/26 data row for practice `code`, with any cells overridden by heading."""
    values = {
        "Practice_Code": code,
        "GP_Practice_Name": f"Surgery {code}",
        "Practice_Postcode": "DY1 1AA",
        "Latitude": "52.5",
        "Longitude": "-2.08",
        "ICB": "QUA",
        "ICBname": "NHS Black Country ICB",
        "Rcode": "Y60",
        "Region": "NHS Midlands",
        "LAD": "E08000027",
        "LTLA": "Dudley",
        "Patients": "998",
        "Population": "1000.5",
    }
    values.update({heading: "10.25" for heading in COLUMNS[21:]})
    values.update(cells)
    return values


def csv_file(rows: list[dict[str, str]], header: str = HEADER_2025) -> bytes:
    def quoted(text: str) -> str:
        return f'"{text}"' if any(ch in text for ch in ',"\n') else text

    lines = [header]
    lines += [",".join(quoted(r.get(heading, "")) for heading in header.split(",")) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def practices(n: int) -> list[dict[str, str]]:
    return [row(f"M{i:05d}") for i in range(1, n + 1)]


@pytest.mark.parametrize("year", list(YEAR_ROWS))
def test_each_published_year_is_recognised_by_its_headings(year):
    header, first = YEAR_ROWS[year]
    parsed = parse_practice_file(f"{header}\n{first}\n".encode())
    assert parsed.layout == LAYOUT_OF[year]
    assert parsed.errors == []
    [practice] = parsed.rows
    assert practice.line == 2
    assert practice.weighted["core"] == Decimal("5.3")
    assert practice.weighted["primary_medical_care_final"] == Decimal("5.4")


READ_FROM_2022 = {
    "pcn_code": "U89141",
    "sub_icb_code": "16C",
    "icb_code": "QHM",
    "sub_icb_name": "NHS NENC ICB - 16C Tees Valley",  # trailing space gone
    "registered_patients": Decimal("4073"),
    "population": Decimal("4086.310904"),
    "utla_code": "E06000004",
    "utla_name": "Stockton-on-Tees",
}


@pytest.mark.parametrize(
    "line, expected",
    [
        pytest.param(YEAR_ROWS["2022_2023"][1], READ_FROM_2022, id="as published"),
        pytest.param(
            ROW_2022_ROUNDED,
            READ_FROM_2022
            | {"sub_icb_name": "NHS NENC ICB - 16C", "population": Decimal("4086.31")},
            id="figures rounded",
        ),
    ],
)
def test_the_2022_23_file_gives_pcn_sub_icb_upper_tier_and_registered_list(line, expected):
    parsed = parse_practice_file(f"{HEADER_2022_TO_2024}\n{line}\n".encode())
    assert parsed.layout == "nhse-place-tool-2022/23-to-2024/25"
    [practice] = parsed.rows
    assert {field: getattr(practice, field) for field in expected} == expected


def test_the_2025_26_file_with_a_byte_order_mark_reads_its_first_column():
    header, first = YEAR_ROWS["2025_2026"]
    [practice] = parse_practice_file(f"{header}\n{first}\n".encode()).rows
    assert practice.practice_code == "A81001"
    assert (practice.region_code, practice.lad_code) == ("Y63", "E06000004")
    assert (practice.pcn_code, practice.utla_code) == ("", "")


@pytest.mark.parametrize(
    "header, differences",
    [
        pytest.param(
            HEADER_2025.replace(",Final PMC WP", ""),
            ["it lacks the columns Final PMC WP"],
            id="a column missing",
        ),
        pytest.param(
            HEADER_2025.replace(",Final PMC WP", "").replace("Rcode", "RegionCode"),
            ["lacks the columns Final PMC WP, Rcode", "does not know: RegionCode"],
            id="a column missing and one renamed",
        ),
        pytest.param(
            f"{HEADER_2025},Deprivation WP",
            ["does not know: Deprivation WP"],
            id="a new column",
        ),
    ],
)
def test_a_header_of_no_known_layout_is_refused_naming_the_differences(header, differences):
    with pytest.raises(SourceError) as caught:
        parse_practice_file(f"{header}\n".encode())
    message = str(caught.value)
    assert "not have the columns of a practice file layout OpenICS knows" in message
    assert "compared with nhse-place-tool-2025/26" in message
    for difference in differences:
        assert difference in message


def test_an_empty_file_is_refused():
    with pytest.raises(SourceError, match="empty"):
        parse_practice_file(b"\n\n")


@pytest.mark.parametrize(
    "count, heading, value, reason",
    [
        pytest.param(60, "ICB", "QQQQ", "ICB code 'QQQQ' is not a valid code", id="a bad code"),
        pytest.param(
            50, "Population", "lots", "Population 'lots' is not a number", id="a bad number"
        ),
        pytest.param(
            50,
            "Population",
            "1e30",
            "Population '1e30' is too large to be a figure of this file",
            id="a number no file holds",
        ),
    ],
)
def test_a_bad_row_at_line_37_is_reported_as_line_37(count, heading, value, reason):
    rows = practices(count)
    rows[35][heading] = value  # data row 36 is file line 37
    parsed = parse_practice_file(csv_file(rows))
    [error] = parsed.errors
    assert error.line == 37
    assert error.reason == reason
    assert str(error) == f"line 37: {reason}"
    assert len(parsed.rows) == count - 1
    assert "M00036" not in {p.practice_code for p in parsed.rows}


@pytest.mark.parametrize(
    "count, changes, errors, kept",
    [
        pytest.param(
            8,
            {
                0: {"Practice_Code": "12345"},
                2: {"Rcode": "Z1", "LAD": "W06000001"},
                3: {"GP_Practice_Name": ""},
                4: {"PCN_Code": "P12345"},
                5: {"Patients": "about 900"},
                7: {"Latitude": "95"},
            },
            [
                (2, "practice code '12345' is not a valid code"),
                (
                    4,
                    "region code 'Z1' is not a valid code; "
                    "local authority code 'W06000001' is not a valid code",
                ),
                (5, "practice name is empty"),
                (6, "PCN code 'P12345' is not a valid code"),
                (7, "Patients 'about 900' is not a number"),
                (9, "latitude 95 is not between -90 and 90"),
            ],
            [3, 8],
            id="codes, a name, a number and a latitude",
        ),
        pytest.param(
            6,
            {
                0: {"Practice_Code": "12345"},
                2: {"Rcode": "Z1"},
                4: {"MH WP": "-3"},
                5: {"GP_Practice_Name": ""},
            },
            [
                (2, "practice code '12345' is not a valid code"),
                (4, "region code 'Z1' is not a valid code"),
                (6, "weighted population mental health is negative (-3)"),
                (7, "practice name is empty"),
            ],
            [3, 5],
            id="codes, a negative weight and a name",
        ),
    ],
)
def test_every_bad_row_and_every_problem_in_it_is_reported(count, changes, errors, kept):
    rows = practices(count)
    for index, cells in changes.items():
        rows[index].update(cells)
    parsed = parse_practice_file(csv_file(rows))
    assert [(e.line, e.reason) for e in parsed.errors] == errors
    assert [p.line for p in parsed.rows] == kept


@pytest.mark.parametrize(
    "count, repeat, errors, kept",
    [
        pytest.param(
            4,
            "m00002 ",
            [(5, "practice M00002 is already on line 3")],
            ["M00001", "M00002", "M00003"],
            id="the same code once stripped and upper-cased",
        ),
        pytest.param(
            3,
            "M00001",
            [(4, "practice M00001 is already on line 2")],
            ["M00001", "M00002"],
            id="the same code as written",
        ),
    ],
)
def test_a_repeated_practice_is_an_error_on_the_second_line_naming_the_first(
    count, repeat, errors, kept
):
    rows = practices(count)
    rows[-1]["Practice_Code"] = repeat
    parsed = parse_practice_file(csv_file(rows))
    assert [(e.line, e.reason) for e in parsed.errors] == errors
    assert [p.practice_code for p in parsed.rows] == kept


def test_a_repeat_of_a_bad_row_is_still_called_a_repeat():
    rows = [row("M00001", ICB="bad"), row("M00001")]
    errors = parse_practice_file(csv_file(rows)).errors
    assert [(e.line, e.reason) for e in errors] == [
        (2, "ICB code 'BAD' is not a valid code"),
        (3, "practice M00001 is already on line 2"),
    ]


def test_negative_population_and_weights_are_refused():
    rows = practices(2)
    rows[0]["Population"] = "-12.5"
    rows[1]["MH WP"] = "-0.01"
    errors = parse_practice_file(csv_file(rows)).errors
    assert [(e.line, e.reason) for e in errors] == [
        (2, "Population is negative (-12.5)"),
        (3, "weighted population mental health is negative (-0.01)"),
    ]


def test_a_row_with_the_wrong_number_of_fields_is_reported():
    data = csv_file(practices(2)) + b"M00009,Short Row,DY1 1AA\n"
    parsed = parse_practice_file(data)
    assert [(e.line, e.reason) for e in parsed.errors] == [(4, "has 3 fields; the header has 30")]
    assert len(parsed.rows) == 2


@pytest.mark.parametrize(
    "count, name, bad, errors, kept",
    [
        pytest.param(
            4,
            "The Surgery\nAnnexe\nBranch",  # lines 2 to 4
            {"Rcode": "bad"},  # so this row starts on line 6
            [6],
            [2, 5, 7],
            id="a name over three lines",
        ),
        pytest.param(
            3,
            "The Surgery\nAnnexe",  # lines 2 and 3
            {"Practice_Code": "bad"},  # so this row starts on line 5
            [5],
            [2, 4],
            id="a name over two lines",
        ),
    ],
)
def test_a_quoted_field_over_several_lines_keeps_later_lines_right(count, name, bad, errors, kept):
    rows = practices(count)
    rows[0]["GP_Practice_Name"] = name
    rows[2].update(bad)
    parsed = parse_practice_file(csv_file(rows))
    assert [e.line for e in parsed.errors] == errors
    assert [p.line for p in parsed.rows] == kept
    assert parsed.rows[0].practice_name == name


def test_blank_lines_at_the_end_are_ignored():
    parsed = parse_practice_file(csv_file(practices(2)) + b"\n\r\n\n")
    assert parsed.errors == [] and len(parsed.rows) == 2


@pytest.mark.parametrize(
    "data, line",
    [
        pytest.param(
            csv_file(practices(2)).replace(b"Surgery M00002", "Café M00002".encode("cp1252")),
            3,
            id="in a data row",
        ),
        pytest.param(
            "Practice_Code\nA81001,Café\n".encode("cp1252"), 2, id="before the header is checked"
        ),
    ],
)
def test_bytes_that_are_not_utf8_are_refused_naming_the_line(data, line):
    with pytest.raises(SourceError, match=f"not UTF-8 text: byte .* on line {line}"):
        parse_practice_file(data)


def test_an_unreadable_csv_record_is_refused_with_its_line():
    rows = practices(3)
    rows[1]["GP_Practice_Name"] = "x" * 200_000  # beyond the csv module's field limit
    with pytest.raises(SourceError, match="line 3 is not readable CSV"):
        parse_practice_file(csv_file(rows))


@pytest.mark.parametrize(
    "cells, expected",
    [
        pytest.param(
            {heading: "1234.567" for heading in COLUMNS[19:]},  # Patients onwards
            {"registered_patients": Decimal("1234.567"), "core": Decimal("1234.567")},
            id="every figure to three places",
        ),
        pytest.param(
            {"Population": "0.1", "Latitude": "52.123456789", "CS WP": "1,234.5"},
            {
                "population": Decimal("0.1"),
                "population + 0.2": Decimal("0.3"),  # a float would not be
                "latitude": Decimal("52.123456789"),
                "community": Decimal("1234.5"),
            },
            id="a tenth, a long latitude and a thousands comma",
        ),
    ],
)
def test_a_2025_26_row_is_read_in_exact_decimals_never_floats(cells, expected):
    parsed = parse_practice_file(csv_file([row("M87001", **cells)]))
    assert parsed.layout == "nhse-place-tool-2025/26"
    assert parsed.errors == []
    [practice] = parsed.rows
    assert (practice.line, practice.practice_code, practice.icb_code) == (2, "M87001", "QUA")
    assert set(practice.weighted) == WEIGHTED_NAMES
    values = [
        practice.population,
        practice.registered_patients,
        practice.latitude,
        *practice.weighted.values(),
    ]
    assert all(type(value) is Decimal for value in values)
    read = {
        "registered_patients": practice.registered_patients,
        "population": practice.population,
        "population + 0.2": practice.population + Decimal("0.2"),
        "latitude": practice.latitude,
        **practice.weighted,
    }
    assert {key: read[key] for key in expected} == expected


def test_blank_coordinates_are_none():
    [practice] = parse_practice_file(csv_file([row("M00001", Latitude="", Longitude="")])).rows
    assert (practice.latitude, practice.longitude) == (None, None)


def test_codes_are_stripped_and_upper_cased():
    rows = [row(" m00001 ", ICB=" qua", Rcode="y60 ", LAD="e08000027", PCN_Code="u12345")]
    [practice] = parse_practice_file(csv_file(rows)).rows
    assert (practice.practice_code, practice.icb_code, practice.region_code) == (
        "M00001",
        "QUA",
        "Y60",
    )
    assert (practice.lad_code, practice.pcn_code) == ("E08000027", "U12345")


@pytest.mark.parametrize(
    "count, note",
    [
        pytest.param(
            2,
            "2 rows (first on line 2): PCN code is a bare 'U' (unallocated), read as no PCN",
            id="two practices",
        ),
        pytest.param(
            1,
            "1 row (first on line 2): PCN code is a bare 'U' (unallocated), read as no PCN",
            id="one practice",
        ),
    ],
)
def test_a_bare_u_pcn_means_no_pcn_and_is_said_once(count, note):
    rows = [row(f"M0000{i}", PCN_Code="U", PCN_Name="Unallocated") for i in range(1, count + 1)]
    parsed = parse_practice_file(csv_file(rows))
    assert [(p.pcn_code, p.pcn_name) for p in parsed.rows] == [("", "")] * count
    assert parsed.notes == [note]


def test_a_blank_patients_column_takes_the_population_and_says_so():
    parsed = parse_practice_file(csv_file([row("M00001", Patients="", Population="2000.5")]))
    assert parsed.rows[0].registered_patients == Decimal("2000.5")
    assert parsed.notes == [
        "1 row (first on line 2): Patients is blank, so the registered list is taken from "
        "the Population column"
    ]


def test_patients_and_population_both_blank_is_an_error():
    errors = parse_practice_file(csv_file([row("M00001", Patients="", Population="")])).errors
    assert [e.reason for e in errors] == ["Patients is empty; Population is empty"]


@pytest.mark.parametrize(
    "rows, index, note",
    [
        pytest.param(
            [row("M00001"), row("M00002", **{"Mat WP": ""})],
            1,
            "line 3: maternity weighted population blank, taken as 0",
            id="on a later line",
        ),
        pytest.param(
            [row("M87001", **{"Mat WP": ""})],
            0,
            "line 2: maternity weighted population blank, taken as 0",
            id="on the only line",
        ),
    ],
)
def test_a_blank_weight_counts_as_zero_and_is_noted_with_its_line(rows, index, note):
    parsed = parse_practice_file(csv_file(rows))
    assert parsed.rows[index].weighted["maternity"] == Decimal(0)
    assert parsed.notes == [note]


def test_a_district_given_as_an_upper_tier_is_dropped_as_in_2024_25():
    header, first = YEAR_ROWS["2024_2025"]
    parsed = parse_practice_file(f"{header}\n{first}\n".encode())
    [practice] = parsed.rows
    assert (practice.lad_code, practice.utla_code, practice.utla_name) == ("E07000066", "", "")
    assert any("district (E07) code" in note for note in parsed.notes)


def test_a_county_named_after_its_district_is_dropped_as_in_2023_24():
    header, first = YEAR_ROWS["2023_2024"]
    parsed = parse_practice_file(f"{header}\n{first}\n".encode())
    [practice] = parsed.rows
    assert (practice.utla_code, practice.utla_name) == ("", "")
    assert any("repeats the lower-tier name" in note for note in parsed.notes)


def test_a_proper_county_is_kept():
    header = HEADER_2022_TO_2024
    line = YEAR_ROWS["2023_2024"][1].replace("E10000012,Basildon", "E10000012,Essex")
    [practice] = parse_practice_file(f"{header}\n{line}\n".encode()).rows
    assert (practice.utla_code, practice.utla_name) == ("E10000012", "Essex")


def test_an_upper_tier_code_of_the_wrong_shape_is_an_error():
    errors = parse_practice_file(csv_file([row("M00001", LA="E12000005", UTLA="X")])).errors
    assert [e.reason for e in errors] == [
        "upper-tier local authority code 'E12000005' is not valid"
    ]


# --- the workbook NHS England publishes: one sheet per year ---


def _workbook(**sheets):
    from tests.builders import many_practices, practice_workbook

    return practice_workbook(sheets or {"2024-25": many_practices(2), "2025-26": many_practices(3)})


def test_a_workbook_is_read_from_the_sheet_of_the_year_past_its_notes_and_spaced_headings():
    parsed = parse_practice_file(_workbook(), "weighted.xlsx", year="2025/26")
    assert parsed.ok, parsed.errors
    assert parsed.layout == "nhse-place-tool-2025/26"
    assert len(parsed.rows) == 3
    assert (parsed.sheet, parsed.year) == ("2025-26", "2025/26")
    # title, two notes and a blank row come before the header on row 5: data from row 6
    assert [row.line for row in parsed.rows] == [6, 7, 8]
    assert parsed.rows[0].registered_patients == Decimal(1000)
    assert "read the sheet '2025-26'" in parsed.notes[0] and "'2024-25'" in parsed.notes[0]
    older = parse_practice_file(_workbook(), "weighted.xlsx", year="2024/25")
    assert len(older.rows) == 2


def test_a_workbook_of_several_years_without_a_year_names_its_sheets():
    with pytest.raises(SourceError, match="'Notes', '2024-25', '2025-26'.*--year"):
        parse_practice_file(_workbook(), "weighted.xlsx")
    with pytest.raises(SourceError, match="no sheet for 2023/24"):
        parse_practice_file(_workbook(), "weighted.xlsx", year="2023/24")


def test_a_workbook_with_one_year_sheet_gives_its_year():
    from tests.builders import many_practices

    parsed = parse_practice_file(_workbook(**{"2025_2026": many_practices(1)}), "wp.xlsx")
    assert (parsed.year, len(parsed.rows)) == ("2025/26", 1)


def test_a_bad_workbook_row_is_named_by_sheet_and_row_as_a_csv_line_would_be():
    from tests.builders import many_practices

    rows = many_practices(3)
    rows[1]["ICB"] = "X1"
    rows[2]["Practice_Code"] = rows[0]["Practice_Code"]
    parsed = parse_practice_file(_workbook(**{"2025-26": rows}), "wp.xlsx", year="2025/26")
    assert [(e.sheet, e.line) for e in parsed.errors] == [("2025-26", 7), ("2025-26", 8)]
    assert str(parsed.errors[0]).startswith("sheet '2025-26', row 7: ICB code 'X1'")
    assert "already on sheet '2025-26', row 6" in parsed.errors[1].reason


def test_a_workbook_sheet_without_the_table_or_a_file_that_is_not_one_is_refused():
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "2025-26"
    workbook.active.append(["only notes here"])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(SourceError, match="no row with the heading Practice_Code"):
        parse_practice_file(out.getvalue(), "wp.xlsx", year="2025/26")
    with pytest.raises(SourceError, match="not an Excel workbook"):
        parse_practice_file(b"PK\x03\x04 not really a zip", "wp.xlsx")


# -- the quick way of reading a line says exactly what the full reading says ---------------

REAL_2025 = Path(__file__).resolve().parents[2] / "data" / "nhse-place-based-tool" / "2025_2026.csv"
ODD_CELLS = {  # heading → values a quick reading must hand over to the full one, or match
    "Practice_Code": ["X1", "a81001", ""],
    "Patients": ["", "-5", "NaN", "1_000", " 7 ", "1e3", "12,345.5", "Infinity"],
    "Population": ["", "sNaN", "-Infinity", "-0", "1e13", "0x10"],
    "G&A WP": ["", "NaN", "abc", "999999999999.5"],
    "Latitude": ["95", "-90", "", "north"],
    "PCN_Code": ["U", "U12345", "u12345", "X12"],
    "UTLA": ["Stockton-on-Tees"],
    "LA": ["E07000001", "E10000001", "E06000004", "bad"],
    "ICB": ["qhm ", "Q1", ""],
    "GP_Practice_Name": [""],
}


def _damaged_copy() -> bytes:
    lines = REAL_2025.read_bytes().decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    out = [lines[0]]
    line = 1
    for heading, values in ODD_CELLS.items():
        for value in values:
            cells = lines[line].split(",")
            cells[header.index(heading)] = value
            out.append(",".join(f'"{c}"' if "," in c else c for c in cells))
            line += 1
    out += lines[line : line + 200]
    out.append(lines[line])  # a practice already read
    return ("\n".join(out) + "\n").encode()


@pytest.mark.parametrize("damaged", [False, True])
def test_the_quick_reading_gives_the_rows_errors_and_notes_of_the_full_one(monkeypatch, damaged):
    import openics.sources.practice_file as reader

    data = _damaged_copy() if damaged else REAL_2025.read_bytes()
    quick = parse_practice_file(data)
    monkeypatch.setattr(reader, "_quick_row", lambda *args: (None, False))
    full = parse_practice_file(data)
    assert (quick.layout, quick.rows, quick.errors, quick.notes) == (
        full.layout,
        full.rows,
        full.errors,
        full.notes,
    )
    assert quick.rows and (quick.errors if damaged else not quick.errors)
