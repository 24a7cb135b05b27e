"""Readers for the GP registration map and counts, LSOA lookups, ICB places and IMD summaries."""

from datetime import date
from decimal import Decimal

import pytest

from openics.sources.base import SourceError
from openics.sources.deprivation import parse_imd_summary
from openics.sources.geography import (
    IcbLadShareRow,
    parse_lsoa_lookup,
    parse_places_derived,
    whole_number,
)
from openics.sources.practice_map import (
    RegisteredCountRow,
    extract_date,
    parse_practice_map,
    parse_registered_patients,
)


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    lines = [",".join(header)] + [",".join(cells) for cells in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def lines_of(parsed) -> list[int]:
    return [error.line for error in parsed.errors]


# --- Practice map ----------------------------------------------------------------------------

MAP_HEADER = [
    "PUBLICATION",
    "EXTRACT_DATE",
    "PRACTICE_CODE",
    "PRACTICE_NAME",
    "PRACTICE_POSTCODE",
    "PCN_CODE",
    "PCN_NAME",
    "ONS_SUB_ICB_LOCATION_CODE",
    "SUB_ICB_LOCATION_CODE",
    "SUB_ICB_LOCATION_NAME",
    "ONS_ICB_CODE",
    "ICB_CODE",
    "ICB_NAME",
    "ONS_COMM_REGION_CODE",
    "COMM_REGION_CODE",
    "COMM_REGION_NAME",
    "SUPPLIER_NAME",
]


def map_row(code: str = "A81001", **over: str) -> list[str]:
    cells = {
        "PUBLICATION": "GP_PRAC_PAT_LIST",
        "EXTRACT_DATE": "01Jan2026",
        "PRACTICE_CODE": code,
        "PRACTICE_NAME": "THE DENSHAM SURGERY",
        "PRACTICE_POSTCODE": "ts18 1hu",
        "PCN_CODE": "U89141",
        "PCN_NAME": "STOCKTON PCN",
        "ONS_SUB_ICB_LOCATION_CODE": "E38000247",
        "SUB_ICB_LOCATION_CODE": "16C",
        "SUB_ICB_LOCATION_NAME": "NHS North East and North Cumbria ICB - 16C",
        "ONS_ICB_CODE": "E54000050",
        "ICB_CODE": "QHM",
        "ICB_NAME": "NHS North East and North Cumbria Integrated Care Board",
        "ONS_COMM_REGION_CODE": "E40000012",
        "COMM_REGION_CODE": "Y63",
        "COMM_REGION_NAME": "North East and Yorkshire",
        "SUPPLIER_NAME": "TPP",
    } | over
    return [cells[h] for h in MAP_HEADER]


def practice(n: int) -> str:
    return f"A{81000 + n:05d}"


class TestPracticeMap:
    def test_reads_a_practice_with_its_whole_chain(self):
        parsed = parse_practice_map(csv_bytes(MAP_HEADER, [map_row()]))
        assert parsed.ok
        assert parsed.layout == "nhsd-gp-reg-pat-prac-map"
        (row,) = parsed.rows
        assert row.line == 2
        assert row.extract_date == date(2026, 1, 1)
        assert (row.practice_code, row.pcn_code, row.sub_icb_code) == ("A81001", "U89141", "16C")
        assert (row.icb_code, row.icb_ons_code, row.region_code) == ("QHM", "E54000050", "Y63")
        assert row.postcode == "TS18 1HU"
        assert row.region_name == "North East and Yorkshire"

    def test_reads_a_byte_order_mark_and_crlf(self):
        data = b"\xef\xbb\xbf" + csv_bytes(MAP_HEADER, [map_row()]).replace(b"\n", b"\r\n")
        assert [r.practice_code for r in parse_practice_map(data).rows] == ["A81001"]

    def test_bare_u_means_no_pcn(self):
        parsed = parse_practice_map(
            csv_bytes(MAP_HEADER, [map_row(PCN_CODE="U", PCN_NAME="Unallocated")])
        )
        assert parsed.ok
        assert (parsed.rows[0].pcn_code, parsed.rows[0].pcn_name) == ("", "")

    def test_accepts_merged_five_character_sub_icb_codes(self):
        parsed = parse_practice_map(csv_bytes(MAP_HEADER, [map_row(SUB_ICB_LOCATION_CODE="X2C4Y")]))
        assert parsed.ok
        assert parsed.rows[0].sub_icb_code == "X2C4Y"

    def test_error_on_line_37_of_a_long_file_and_every_error_collected(self):
        rows = [map_row(practice(n)) for n in range(60)]
        rows[35] = map_row(practice(35), ICB_CODE="XYZ")  # line 37: header is line 1
        rows[50] = map_row(practice(50), EXTRACT_DATE="31Feb2026")  # line 52
        parsed = parse_practice_map(csv_bytes(MAP_HEADER, rows))
        assert lines_of(parsed) == [37, 52]
        assert "ICB code 'XYZ'" in parsed.errors[0].reason
        assert "not a real date" in parsed.errors[1].reason
        assert len(parsed.rows) == 58
        assert practice(35) not in {r.practice_code for r in parsed.rows}

    def test_one_row_reports_all_its_problems(self):
        row = map_row("12345", PCN_CODE="X1", ONS_ICB_CODE="E5400", COMM_REGION_CODE="R1")
        (error,) = parse_practice_map(csv_bytes(MAP_HEADER, [row])).errors
        for what in ("practice code", "PCN code", "ICB ONS code", "region code"):
            assert what in error.reason

    def test_duplicate_practice_names_the_earlier_line(self):
        rows = [map_row("A81001"), map_row("A81002"), map_row("A81001")]
        parsed = parse_practice_map(csv_bytes(MAP_HEADER, rows))
        assert [str(e) for e in parsed.errors] == ["line 4: practice A81001 is already on line 2"]
        assert [r.line for r in parsed.rows] == [2, 3]

    def test_wrong_number_of_fields(self):
        rows = [map_row(), map_row("A81002")[:-2]]
        parsed = parse_practice_map(csv_bytes(MAP_HEADER, rows))
        assert [str(e) for e in parsed.errors] == ["line 3: has 15 fields; the header has 17"]

    def test_quoted_multiline_field_keeps_later_line_numbers_true(self):
        data = (
            csv_bytes(MAP_HEADER, [map_row()])
            + (
                b'GP_PRAC_PAT_LIST,01Jan2026,A81002,"TWO\nLINES",TS1 1AA,U89141,P,E38000247,16C,S,'
                b"E54000050,QHM,I,E40000012,Y63,R,TPP\n"
            )
            + b",".join(c.encode() for c in map_row("BAD"))
            + b"\n"
        )
        parsed = parse_practice_map(data)
        assert [r.line for r in parsed.rows] == [2, 3]
        assert lines_of(parsed) == [5]

    def test_unknown_header_names_missing_columns(self):
        header = [h for h in MAP_HEADER if h != "ICB_CODE"]
        with pytest.raises(SourceError, match="lacks the columns ICB_CODE"):
            parse_practice_map(csv_bytes(header, []), "map.csv")

    def test_not_utf8(self):
        data = csv_bytes(MAP_HEADER, [map_row()]) + "CAFÉ".encode("cp1252")
        with pytest.raises(SourceError, match="not UTF-8.*line 3"):
            parse_practice_map(data)

    def test_empty_file(self):
        with pytest.raises(SourceError, match="empty"):
            parse_practice_map(b"")


class TestExtractDate:
    @pytest.mark.parametrize(
        "text, expected",
        [("01Jan2026", date(2026, 1, 1)), ("1jul2023", date(2023, 7, 1))],
    )
    def test_reads(self, text, expected):
        assert extract_date(text) == expected

    @pytest.mark.parametrize("text", ["2026-01-01", "01Foo2026", "", "32Jan2026"])
    def test_refuses(self, text):
        with pytest.raises(ValueError, match="extract date"):
            extract_date(text)


# --- Registered patients ---------------------------------------------------------------------

COUNT_HEADER = [
    "PUBLICATION",
    "EXTRACT_DATE",
    "TYPE",
    "SUB_ICB_LOCATION_CODE",
    "ONS_SUB_ICB_LOCATION_CODE",
    "CODE",
    "POSTCODE",
    "SEX",
    "AGE",
    "NUMBER_OF_PATIENTS",
]


def count_row(code: str = "A84002", patients: str = "6077", sex="ALL", age="ALL", type_="GP"):
    return [
        "GP_PRAC_PAT_LIST",
        "01Jul2023",
        type_,
        "00L",
        "E38000130",
        code,
        "NE65 7UW",
        sex,
        age,
        patients,
    ]


class TestRegisteredPatients:
    def test_reads_totals_as_int(self):
        parsed = parse_registered_patients(
            csv_bytes(COUNT_HEADER, [count_row(), count_row("A84005", "12297")])
        )
        assert parsed.ok
        assert parsed.rows[1] == RegisteredCountRow(
            line=3,
            extract_date=date(2023, 7, 1),
            practice_code="A84005",
            sex="ALL",
            age_band="ALL",
            patients=12297,
        )
        assert all(type(r.patients) is int for r in parsed.rows)

    def test_same_practice_different_sex_and_age_is_not_a_duplicate(self):
        rows = [
            count_row(sex="MALE", age="0_4"),
            count_row(sex="FEMALE", age="0_4"),
            count_row(sex="MALE", age="95+"),
            count_row(),
        ]
        assert parse_registered_patients(csv_bytes(COUNT_HEADER, rows)).ok

    def test_duplicate_names_the_earlier_line(self):
        rows = [count_row(), count_row("A84005"), count_row(patients="1")]
        parsed = parse_registered_patients(csv_bytes(COUNT_HEADER, rows))
        assert [str(e) for e in parsed.errors] == [
            "line 4: practice A84002 SEX ALL AGE ALL is already on line 2"
        ]
        assert [r.patients for r in parsed.rows] == [6077, 6077]

    @pytest.mark.parametrize(
        "patients, reason",
        [("-5", "negative"), ("12.5", "not a whole number"), ("", "empty"), ("many", "number")],
    )
    def test_refuses_bad_counts(self, patients, reason):
        parsed = parse_registered_patients(csv_bytes(COUNT_HEADER, [count_row(patients=patients)]))
        assert parsed.rows == []
        assert lines_of(parsed) == [2]
        assert reason in parsed.errors[0].reason

    def test_zero_patients_is_allowed(self):
        parsed = parse_registered_patients(csv_bytes(COUNT_HEADER, [count_row(patients="0")]))
        assert parsed.rows[0].patients == 0

    def test_bad_type_sex_and_age_on_their_lines(self):
        rows = [count_row(practice(n)) for n in range(40)]
        rows[35] = count_row(practice(35), type_="ICB")  # line 37
        rows[36] = count_row(practice(36), sex="X", age="old")  # line 38
        parsed = parse_registered_patients(csv_bytes(COUNT_HEADER, rows))
        assert lines_of(parsed) == [37, 38]
        assert "TYPE 'ICB'" in parsed.errors[0].reason
        assert "SEX 'X'" in parsed.errors[1].reason and "AGE 'old'" in parsed.errors[1].reason
        assert len(parsed.rows) == 38

    def test_unknown_header(self):
        header = [h if h != "NUMBER_OF_PATIENTS" else "PATIENTS" for h in COUNT_HEADER]
        with pytest.raises(SourceError, match="NUMBER_OF_PATIENTS"):
            parse_registered_patients(csv_bytes(header, [count_row()]))

    def test_not_utf8(self):
        with pytest.raises(SourceError, match="not UTF-8"):
            parse_registered_patients(b"\xff\xfeP\x00")


# --- LSOA lookup -----------------------------------------------------------------------------

LSOA_HEADER = [
    "lsoa11_name",
    "lsoa11_code",
    "sicbl22_name",
    "sicbl22_code",
    "sicbl22_code_h",
    "icb22_name",
    "icb22_code",
    "icb22_code_h",
    "ltla22_name",
    "ltla22_code",
]


def lsoa_row(
    code: str = "E01012367", sub_icb="01F", icb="QYG", icb_ons="E54000008", lad="E06000006"
) -> list[str]:
    return [
        "Halton 007A",
        code,
        "NHS Cheshire and Merseyside ICB - 01F",
        "E38000068",
        sub_icb,
        "NHS Cheshire and Merseyside Integrated Care Board",
        icb_ons,
        icb,
        "Halton",
        lad,
    ]


def lsoa(n: int) -> str:
    return f"E01{12000 + n:06d}"


class TestLsoaLookup:
    def test_reads_nhs_and_ons_codes_from_the_right_columns(self):
        parsed = parse_lsoa_lookup(csv_bytes(LSOA_HEADER, [lsoa_row()]))
        assert parsed.ok
        assert parsed.layout == "geographr-lsoa11-sicbl22-icb22-ltla22"
        (row,) = parsed.rows
        assert (row.lsoa_code, row.lsoa_name) == ("E01012367", "Halton 007A")
        assert (row.sub_icb_code, row.icb_code, row.icb_ons_code) == ("01F", "QYG", "E54000008")
        assert (row.lad_code, row.lad_name) == ("E06000006", "Halton")

    def test_merged_sub_icb(self):
        assert parse_lsoa_lookup(csv_bytes(LSOA_HEADER, [lsoa_row(sub_icb="W2U3Z")])).ok

    def test_errors_on_their_lines(self):
        rows = [lsoa_row(lsoa(n)) for n in range(50)]
        rows[35] = lsoa_row(lsoa(35), lad="W06000001")  # line 37: a Welsh authority
        rows[40] = lsoa_row("E02000001")  # line 42: an MSOA, not an LSOA
        rows[45] = lsoa_row(lsoa(46), icb="E54000008", icb_ons="QYG")  # line 47: swapped
        parsed = parse_lsoa_lookup(csv_bytes(LSOA_HEADER, rows))
        assert lines_of(parsed) == [37, 42, 47]
        assert "local authority code 'W06000001'" in parsed.errors[0].reason
        assert "LSOA code 'E02000001'" in parsed.errors[1].reason
        assert "ICB code" in parsed.errors[2].reason and "ICB ONS code" in parsed.errors[2].reason
        assert len(parsed.rows) == 47

    def test_duplicate_lsoa(self):
        rows = [lsoa_row(lsoa(1)), lsoa_row(lsoa(2)), lsoa_row(lsoa(3)), lsoa_row(lsoa(2))]
        parsed = parse_lsoa_lookup(csv_bytes(LSOA_HEADER, rows))
        assert [str(e) for e in parsed.errors] == [f"line 5: LSOA {lsoa(2)} is already on line 3"]

    def test_blank_lines_are_skipped_but_counted(self):
        data = csv_bytes(LSOA_HEADER, [lsoa_row(lsoa(1)), [], lsoa_row("bad")])
        parsed = parse_lsoa_lookup(data)
        assert [r.line for r in parsed.rows] == [2]
        assert lines_of(parsed) == [4]

    def test_too_many_fields(self):
        parsed = parse_lsoa_lookup(csv_bytes(LSOA_HEADER, [lsoa_row() + ["extra"]]))
        assert [str(e) for e in parsed.errors] == ["line 2: has 11 fields; the header has 10"]

    def test_unknown_header(self):
        with pytest.raises(SourceError, match="lacks the columns.*icb22_code_h"):
            parse_lsoa_lookup(csv_bytes(LSOA_HEADER[:7], []))

    def test_not_utf8(self):
        with pytest.raises(SourceError, match="not UTF-8"):
            parse_lsoa_lookup(csv_bytes(LSOA_HEADER, [lsoa_row()]).replace(b"Halton", b"H\xe9lton"))


# --- ICB places (derived shares) ---------------------------------------------------------------

PLACES_HEADER = [
    "icb22_code_h",
    "icb22_code",
    "icb22_name",
    "ltla22_code",
    "ltla22_name",
    "lsoa11_count_in_icb",
    "lsoa11_count_in_ltla",
    "share_of_ltla_lsoas_in_icb",
]


def places_row(icb="QE1", lad="E06000008", in_icb="91", in_lad="91", share="1.0"):
    return [icb, "E54000048", "NHS Lancashire ICB", lad, "Blackburn", in_icb, in_lad, share]


class TestPlaces:
    def test_reads_counts_as_int_and_share_as_decimal(self):
        rows = [
            places_row(),
            places_row("QE1", "E07000163", "6", "49", "0.1224"),
            places_row("QOQ", "E07000163", "43", "49", "0.8776"),
        ]
        parsed = parse_places_derived(csv_bytes(PLACES_HEADER, rows))
        assert parsed.ok
        assert parsed.rows[1] == IcbLadShareRow(
            line=3,
            icb_code="QE1",
            icb_name="NHS Lancashire ICB",
            lad_code="E07000163",
            lad_name="Blackburn",
            lsoas_in_icb=6,
            lsoas_in_lad=49,
            share=Decimal("0.1224"),
        )
        assert isinstance(parsed.rows[0].share, Decimal)

    @pytest.mark.parametrize(
        "in_icb, in_lad, share, reason",
        [
            ("-1", "91", "1.0", "at least 1"),
            ("92", "91", "1.0", "exceed"),
            ("45", "91", "0.9", "does not equal 45 / 91"),
            ("91", "91", "1.5", "more than 1"),
            ("91", "91", "-1", "negative"),
            ("9.5", "91", "0.1", "not a whole number"),
        ],
    )
    def test_refuses_inconsistent_numbers(self, in_icb, in_lad, share, reason):
        parsed = parse_places_derived(
            csv_bytes(PLACES_HEADER, [places_row(in_icb=in_icb, in_lad=in_lad, share=share)])
        )
        assert parsed.rows == []
        assert reason in parsed.errors[0].reason

    def test_duplicate_pair_names_earlier_line(self):
        rows = [places_row(), places_row("QOQ", "E06000009"), places_row()]
        parsed = parse_places_derived(csv_bytes(PLACES_HEADER, rows))
        assert [str(e) for e in parsed.errors] == [
            "line 4: ICB QE1 with E06000008 is already on line 2"
        ]

    def test_local_authority_total_must_agree_across_rows(self):
        rows = [
            places_row("QE1", "E07000163", "6", "49", "0.1224"),
            places_row(lad="E06000009"),
            places_row("QOQ", "E07000163", "43", "50", "0.86"),
        ]
        parsed = parse_places_derived(csv_bytes(PLACES_HEADER, rows))
        assert [str(e) for e in parsed.errors] == [
            "line 4: E07000163 has 50 LSOAs here but 49 on line 2"
        ]
        assert [r.line for r in parsed.rows] == [2, 3]

    def test_unknown_header(self):
        with pytest.raises(SourceError, match="share_of_ltla_lsoas_in_icb"):
            parse_places_derived(csv_bytes(PLACES_HEADER[:-1], []))


# --- IMD 2025 summaries ------------------------------------------------------------------------

TEN = "proportion_of_lso_as_in_most_deprived_10_percent_nationally"


def imd_header(code: str, extent: str) -> list[str]:
    return [
        f"{code}_code",
        f"{code}_name",
        "imd_average_rank",
        "imd_rank_of_average_rank",
        "imd_average_score",
        "imd_rank_of_average_score",
        f"imd_{TEN}",
        f"imd_rank_of_{TEN}",
        f"{extent}_extent",
        f"{extent}_rank_of_extent",
        f"{extent}_local_concentration",
        f"{extent}_rank_of_local_concentration",
        "income_average_score",
        "employment_average_score",
        "health_deprivation_and_disability_average_score",
        "crime_average_score",
    ]


LTLA_HEADER = imd_header("ltla24", "imd25")
ICB_HEADER = imd_header("icb24", "imd_2025")


def imd_row(code="E06000001", name="Hartlepool", score="37.58", rank="6.0", health="1.199"):
    return [
        code,
        name,
        "23075.98",
        "30.0",
        score,
        rank,
        "0.4211",
        "3.0",
        "0.5259",
        "8.0",
        "33623.27",
        "3.0",
        "0.357",
        "0.247",
        health,
        "0.638",
    ]


def la(n: int) -> str:
    return f"E07{n:06d}"


class TestImdSummary:
    def test_local_authority_file(self):
        parsed = parse_imd_summary(csv_bytes(LTLA_HEADER, [imd_row()]))
        assert parsed.ok
        assert parsed.layout == "imd2025-ltla24"
        (row,) = parsed.rows
        assert (row.area_code, row.area_name) == ("E06000001", "Hartlepool")
        assert row.imd_score == Decimal("37.58")
        assert row.imd_rank == 6 and type(row.imd_rank) is int
        assert row.extra["most_deprived_10pc"] == Decimal("0.4211")
        assert row.extra["extent"] == Decimal("0.5259")
        assert row.extra["rank_of_extent"] == 8
        assert row.extra["health_score"] == Decimal("1.199")
        assert all(isinstance(v, Decimal) for v in row.extra.values())

    def test_icb_file_uses_icb_codes(self):
        rows = [imd_row("E54000008", "NHS Cheshire and Merseyside ICB", health="-0.232")]
        parsed = parse_imd_summary(csv_bytes(ICB_HEADER, rows))
        assert parsed.ok
        assert parsed.layout == "imd2025-icb24"
        assert parsed.rows[0].extra["health_score"] == Decimal("-0.232")
        assert parsed.rows[0].extra["extent"] == Decimal("0.5259")

    def test_icb_file_refuses_a_local_authority_code(self):
        parsed = parse_imd_summary(csv_bytes(ICB_HEADER, [imd_row("E06000001")]))
        assert "area code 'E06000001'" in parsed.errors[0].reason

    def test_na_score_and_rank_are_missing_not_errors(self):
        parsed = parse_imd_summary(csv_bytes(LTLA_HEADER, [imd_row(score="NA", rank="")]))
        assert parsed.ok
        assert (parsed.rows[0].imd_score, parsed.rows[0].imd_rank) == (None, None)

    def test_bad_ranks_and_scores_on_their_lines(self):
        rows = [imd_row(la(n)) for n in range(45)]
        rows[35] = imd_row(la(35), rank="6.5")  # line 37
        rows[40] = imd_row(la(40), score="-3", rank="0")  # line 42
        parsed = parse_imd_summary(csv_bytes(LTLA_HEADER, rows))
        assert lines_of(parsed) == [37, 42]
        assert "'6.5' is not a whole number" in parsed.errors[0].reason
        assert "negative" in parsed.errors[1].reason
        assert "at least 1" in parsed.errors[1].reason
        assert len(parsed.rows) == 43

    def test_duplicate_area(self):
        rows = [imd_row(la(1)), imd_row(la(1))]
        parsed = parse_imd_summary(csv_bytes(LTLA_HEADER, rows))
        assert [str(e) for e in parsed.errors] == [f"line 3: area {la(1)} is already on line 2"]

    def test_unknown_header_names_what_was_expected(self):
        header = ["lad19_code", "lad19_name", "Score", "Rank"]
        with pytest.raises(SourceError, match="expected imd2025-ltla24 or imd2025-icb24"):
            parse_imd_summary(csv_bytes(header, [["E06000001", "Hartlepool", "1", "2"]]))

    def test_mixed_extent_headings_are_refused_with_the_missing_column(self):
        header = [h.replace("imd25_extent", "imd_2025_extent") for h in LTLA_HEADER]
        with pytest.raises(SourceError, match="imd25_extent"):
            parse_imd_summary(csv_bytes(header, []))

    def test_not_utf8(self):
        data = csv_bytes(LTLA_HEADER, [imd_row(name="Br\xf6nt")]).replace(b"\xc3\xb6", b"\xf6")
        with pytest.raises(SourceError, match="not UTF-8 text: byte .* on line 2"):
            parse_imd_summary(data)


class TestWholeNumber:
    @pytest.mark.parametrize("text, value", [("6.0", 6), ("12,297", 12297), (" 0 ", 0)])
    def test_reads(self, text, value):
        assert whole_number(text, "n") == value

    @pytest.mark.parametrize("text", ["6.5", "-1", "abc", "nan", ""])
    def test_refuses(self, text):
        with pytest.raises(ValueError):
            whole_number(text, "n")
