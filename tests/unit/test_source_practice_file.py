"""NHS England's place-based tool practice files: each year's headings, every bad row by line."""

from decimal import Decimal

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

COLUMNS = HEADER_2025.split(",")


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


def test_the_2022_23_file_gives_pcn_sub_icb_and_registered_list():
    header, first = YEAR_ROWS["2022_2023"]
    [practice] = parse_practice_file(f"{header}\n{first}\n".encode()).rows
    assert (practice.pcn_code, practice.sub_icb_code, practice.icb_code) == (
        "U89141",
        "16C",
        "QHM",
    )
    assert practice.sub_icb_name == "NHS NENC ICB - 16C Tees Valley"  # trailing space gone
    assert practice.registered_patients == Decimal("4073")
    assert practice.population == Decimal("4086.310904")
    assert (practice.utla_code, practice.utla_name) == ("E06000004", "Stockton-on-Tees")


def test_the_2025_26_file_with_a_byte_order_mark_reads_its_first_column():
    header, first = YEAR_ROWS["2025_2026"]
    [practice] = parse_practice_file(f"{header}\n{first}\n".encode()).rows
    assert practice.practice_code == "A81001"
    assert (practice.region_code, practice.lad_code) == ("Y63", "E06000004")
    assert (practice.pcn_code, practice.utla_code) == ("", "")


def test_an_unknown_header_names_the_missing_columns():
    header = HEADER_2025.replace(",Final PMC WP", "").replace("Rcode", "RegionCode")
    with pytest.raises(SourceError) as caught:
        parse_practice_file(f"{header}\n".encode())
    message = str(caught.value)
    assert "not have the columns of a practice file layout OpenICS knows" in message
    assert "compared with nhse-place-tool-2025/26" in message
    assert "lacks the columns Final PMC WP, Rcode" in message
    assert "does not know: RegionCode" in message


def test_a_new_column_is_not_silently_accepted():
    with pytest.raises(SourceError, match="does not know: Deprivation WP"):
        parse_practice_file(f"{HEADER_2025},Deprivation WP\n".encode())


def test_an_empty_file_is_refused():
    with pytest.raises(SourceError, match="empty"):
        parse_practice_file(b"\n\n")


def test_a_bad_row_at_line_37_is_reported_as_line_37():
    rows = practices(60)
    rows[35]["ICB"] = "QQQQ"  # data row 36 is file line 37
    parsed = parse_practice_file(csv_file(rows))
    [error] = parsed.errors
    assert error.line == 37
    assert error.reason == "ICB code 'QQQQ' is not a valid code"
    assert str(error) == "line 37: ICB code 'QQQQ' is not a valid code"
    assert len(parsed.rows) == 59
    assert "M00036" not in {p.practice_code for p in parsed.rows}


def test_every_bad_row_and_every_problem_in_it_is_reported():
    rows = practices(8)
    rows[0]["Practice_Code"] = "12345"
    rows[2].update(Rcode="Z1", LAD="W06000001")
    rows[3]["GP_Practice_Name"] = ""
    rows[4]["PCN_Code"] = "P12345"
    rows[5]["Patients"] = "about 900"
    rows[7]["Latitude"] = "95"
    parsed = parse_practice_file(csv_file(rows))
    assert [(e.line, e.reason) for e in parsed.errors] == [
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
    ]
    assert [p.line for p in parsed.rows] == [3, 8]


def test_a_repeated_practice_is_an_error_on_the_second_line_naming_the_first():
    rows = practices(4)
    rows[3]["Practice_Code"] = "m00002 "  # same code once stripped and upper-cased
    parsed = parse_practice_file(csv_file(rows))
    assert [(e.line, e.reason) for e in parsed.errors] == [
        (5, "practice M00002 is already on line 3")
    ]
    assert [p.practice_code for p in parsed.rows] == ["M00001", "M00002", "M00003"]


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


def test_a_quoted_field_over_several_lines_keeps_later_lines_right():
    rows = practices(4)
    rows[0]["GP_Practice_Name"] = "The Surgery\nAnnexe\nBranch"  # lines 2 to 4
    rows[2]["Rcode"] = "bad"  # so this row starts on line 6
    parsed = parse_practice_file(csv_file(rows))
    assert [e.line for e in parsed.errors] == [6]
    assert [p.line for p in parsed.rows] == [2, 5, 7]
    assert parsed.rows[0].practice_name == "The Surgery\nAnnexe\nBranch"


def test_blank_lines_at_the_end_are_ignored():
    parsed = parse_practice_file(csv_file(practices(2)) + b"\n\r\n\n")
    assert parsed.errors == [] and len(parsed.rows) == 2


def test_bytes_that_are_not_utf8_are_refused_naming_the_line():
    data = csv_file(practices(2)).replace(b"Surgery M00002", "Café M00002".encode("cp1252"))
    with pytest.raises(SourceError, match="not UTF-8 text: byte .* on line 3"):
        parse_practice_file(data)


def test_an_unreadable_csv_record_is_refused_with_its_line():
    rows = practices(3)
    rows[1]["GP_Practice_Name"] = "x" * 200_000  # beyond the csv module's field limit
    with pytest.raises(SourceError, match="line 3 is not readable CSV"):
        parse_practice_file(csv_file(rows))


def test_numbers_are_exact_decimals_never_floats():
    rows = [row("M00001", Population="0.1", Latitude="52.123456789", **{"CS WP": "1,234.5"})]
    [practice] = parse_practice_file(csv_file(rows)).rows
    values = [
        practice.population,
        practice.registered_patients,
        practice.latitude,
        *practice.weighted.values(),
    ]
    assert all(type(value) is Decimal for value in values)
    assert practice.population + Decimal("0.2") == Decimal("0.3")  # a float would not be
    assert practice.latitude == Decimal("52.123456789")
    assert practice.weighted["community"] == Decimal("1234.5")


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


def test_a_bare_u_pcn_means_no_pcn_and_is_said_once():
    rows = [row(f"M0000{i}", PCN_Code="U", PCN_Name="Unallocated") for i in (1, 2)]
    parsed = parse_practice_file(csv_file(rows))
    assert [(p.pcn_code, p.pcn_name) for p in parsed.rows] == [("", ""), ("", "")]
    assert parsed.notes == [
        "2 rows (first on line 2): PCN code is a bare 'U' (unallocated), read as no PCN"
    ]


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


def test_a_blank_weight_counts_as_zero_and_is_noted_with_its_line():
    parsed = parse_practice_file(csv_file([row("M00001"), row("M00002", **{"Mat WP": ""})]))
    assert parsed.rows[1].weighted["maternity"] == Decimal(0)
    assert parsed.notes == ["line 3: maternity weighted population blank, taken as 0"]


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
