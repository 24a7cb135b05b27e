"""Reading ODS files: the legacy headerless CSVs and the ePCN workbook."""

import io
from datetime import date

import openpyxl
import pytest

from openics.sources.base import SourceError
from openics.sources.ods import parse_epcn, parse_ods_csv


def _line(
    code="RNA",
    name="THE DUDLEY GROUP NHS FOUNDATION TRUST",
    opened="20000401",
    closed="",
    setting="",
) -> str:
    cells = [
        code,
        name,
        "Y60",
        "QUA",
        "RUSSELLS HALL HOSPITAL",
        "",
        "",
        "DUDLEY",
        "",
        "DY1 2HQ",
        opened,
        closed,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "0",
        "",
        "",
        "",
        setting,
        "",
    ]
    return ",".join(f'"{c}"' for c in cells)


def test_a_legacy_file_is_read_by_column_position():
    parsed = parse_ods_csv((_line() + "\n" + _line("RXK", closed="20240331")).encode())
    assert parsed.layout == "ods-legacy-27" and parsed.errors == []
    first, second = parsed.rows
    assert (first.code, first.region_code, first.icb_code, first.postcode) == (
        "RNA",
        "Y60",
        "QUA",
        "DY1 2HQ",
    )
    assert first.address == ("RUSSELLS HALL HOSPITAL", "DUDLEY")
    assert first.open_date == date(2000, 4, 1) and first.close_date is None
    assert second.close_date == date(2024, 3, 31)


def test_a_file_with_a_header_is_refused():
    with pytest.raises(SourceError, match="header row"):
        parse_ods_csv(b'"Organisation Code","Name"\n"RNA","X"\n')


def test_a_file_of_another_width_is_refused():
    with pytest.raises(SourceError, match="27"):
        parse_ods_csv(b'"RNA","X","Y60"\n')


def test_bad_rows_are_reported_with_their_lines():
    data = "\n".join(
        [
            _line(),
            _line("RXK", opened="2000-04-01"),
            _line("RYW", opened="20200101", closed="20190101"),
            _line("RNA"),
        ]
    ).encode()
    parsed = parse_ods_csv(data)
    assert [e.line for e in parsed.errors] == [2, 3, 4]
    assert "yyyymmdd" in parsed.errors[0].reason
    assert "before open date" in parsed.errors[1].reason
    assert "already on line 1" in parsed.errors[2].reason


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PCN_HEADER = [
    "PCN Code",
    "PCN Name",
    "Current Sub ICB Loc Code",
    "Sub ICB Location",
    "Open Date",
    "Close Date",
    "Postcode",
]
PARTNER_HEADER = [
    "Partner\nOrganisation\nCode",
    "PCN Code",
    "Practice to PCN\nRelationship\nStart Date",
    "Practice to PCN\nRelationship\nEnd Date",
]


def test_the_epcn_workbook_gives_pcns_and_their_partners():
    data = _workbook(
        {
            "PCNDetails": [
                PCN_HEADER,
                ["U12345", "DUDLEY PCN", "D2P2L", "X", "20190701", "", "DY1"],
            ],
            "PCN Core Partner Details": [PARTNER_HEADER, ["M87001", "U12345", "20190701", None]],
        }
    )
    pcns, members = parse_epcn(data)
    assert [(p.code, p.open_date) for p in pcns.rows] == [("U12345", date(2019, 7, 1))]
    assert [(m.practice_code, m.pcn_code, m.end_date) for m in members.rows] == [
        ("M87001", "U12345", None)
    ]


def test_a_missing_sheet_or_column_is_refused():
    with pytest.raises(SourceError, match="PCN Core Partner Details"):
        parse_epcn(_workbook({"PCNDetails": [PCN_HEADER]}))
    with pytest.raises(SourceError, match="Close Date"):
        parse_epcn(
            _workbook(
                {"PCNDetails": [PCN_HEADER[:5]], "PCN Core Partner Details": [PARTNER_HEADER]}
            )
        )


def test_a_bad_pcn_code_is_reported_by_spreadsheet_row():
    data = _workbook(
        {
            "PCNDetails": [
                PCN_HEADER,
                ["U12345", "A", "", "", "", "", ""],
                ["X1", "B", "", "", "", "", ""],
            ],
            "PCN Core Partner Details": [PARTNER_HEADER],
        }
    )
    pcns, _ = parse_epcn(data)
    assert [e.line for e in pcns.errors] == [3]


def test_something_that_is_not_a_workbook_is_refused():
    with pytest.raises(SourceError, match="not an Excel workbook"):
        parse_epcn(b"PK\x03\x04 not really a zip")
