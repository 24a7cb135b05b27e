"""ODS files: the legacy headerless CSVs (epraccur, etr) and the ePCN workbook."""

import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from openics.sources.base import SourceError
from openics.sources.ods import parse_epcn, parse_ods_csv


def legacy(code: str = "M87001", opened: str = "19740401", closed: str = "", **cells) -> str:
    """One line of a legacy 27-column ODS CSV, quoted as ODS publishes it."""
    values = [""] * 27
    values[:14] = [
        code,
        cells.get("name", "THE SURGERY"),
        "Y60",
        "QUA",
        "THE HEALTH CENTRE",
        "",
        "HIGH STREET",
        "DUDLEY",
        "",
        "dy1 1aa",
        opened,
        closed,
        "A",
        "B",
    ]
    values[14] = "D2P2L"
    values[17] = "01384 000000"
    values[21] = "0"
    values[25] = cells.get("setting", "4")
    return ",".join(f'"{value}"' for value in values)


def csv_bytes(*lines: str, ending: str = "\n") -> bytes:
    return (ending.join(lines) + ending).encode()


def test_a_legacy_file_is_read_by_position():
    parsed = parse_ods_csv(csv_bytes(legacy(), legacy("RNA", closed="20240331", setting="")))
    assert parsed.layout == "ods-legacy-27"
    assert parsed.errors == []
    practice, trust = parsed.rows
    assert (practice.line, practice.code, practice.name) == (1, "M87001", "THE SURGERY")
    assert (practice.region_code, practice.icb_code, practice.commissioner_code) == (
        "Y60",
        "QUA",
        "D2P2L",
    )
    assert practice.address == ("THE HEALTH CENTRE", "HIGH STREET", "DUDLEY")
    assert practice.postcode == "DY1 1AA"
    assert (practice.open_date, practice.close_date) == (date(1974, 4, 1), None)
    assert (practice.status, practice.sub_type, practice.setting) == ("A", "B", "4")
    assert (trust.line, trust.close_date, trust.setting) == (2, date(2024, 3, 31), "")


def test_windows_line_endings_and_a_trailing_blank_line_are_fine():
    parsed = parse_ods_csv(csv_bytes(legacy(), legacy("RNA"), "", ending="\r\n"))
    assert parsed.errors == [] and [r.code for r in parsed.rows] == ["M87001", "RNA"]


def test_a_file_with_a_header_row_is_refused_saying_what_was_expected():
    data = csv_bytes('"Organisation Code","Name","National Grouping"', legacy())
    with pytest.raises(SourceError) as caught:
        parse_ods_csv(data, "epraccur.csv")
    message = str(caught.value)
    assert message.startswith("epraccur.csv has a header row")
    assert "not an ODS layout OpenICS knows (ods-legacy-27: no header row, 27 columns)" in message


def test_a_code_and_name_header_is_recognised_as_a_header_too():
    with pytest.raises(SourceError, match="header row"):
        parse_ods_csv(csv_bytes("Code,Name," + "," * 24, legacy()))


def test_a_file_of_another_width_is_refused():
    short = ",".join(['"RNA"', '"A TRUST"', '"Y60"'])
    with pytest.raises(SourceError, match="has 3 columns on its first line.*27 columns"):
        parse_ods_csv(csv_bytes(short, legacy()))


def test_a_later_row_of_another_width_is_a_row_error():
    parsed = parse_ods_csv(csv_bytes(legacy("M87001"), legacy("M87002") + ',"extra"'))
    assert [(e.line, e.reason) for e in parsed.errors] == [
        (2, "has 28 fields; the ods-legacy-27 layout has 27")
    ]
    assert [r.code for r in parsed.rows] == ["M87001"]


def test_a_bad_date_is_reported_with_its_line():
    data = csv_bytes(
        legacy("M87001"),
        legacy("M87002"),
        legacy("M87003", opened="2000-04-01"),
        legacy("M87004", closed="20230231"),
    )
    parsed = parse_ods_csv(data)
    assert [(e.line, e.reason) for e in parsed.errors] == [
        (3, "open date '2000-04-01' is not a date in the form yyyymmdd"),
        (4, "close date '20230231' is not a real date"),
    ]
    assert [r.code for r in parsed.rows] == ["M87001", "M87002"]


def test_every_bad_row_is_reported():
    data = csv_bytes(
        legacy("M87001"),
        legacy("M8-7002"),
        legacy("M87003", name=""),
        legacy("M87004", opened="20200101", closed="20190101"),
        legacy("M87001"),
    )
    parsed = parse_ods_csv(data)
    assert [(e.line, e.reason) for e in parsed.errors] == [
        (2, "code 'M8-7002' is not an ODS code"),
        (3, "name is empty"),
        (4, "close date 2019-01-01 is before open date 2020-01-01"),
        (5, "code M87001 is already on line 1"),
    ]


def test_non_utf8_bytes_are_refused():
    data = csv_bytes(legacy(), legacy("M87002", name="CAFÉ")).replace("É".encode(), b"\xc9")
    with pytest.raises(SourceError, match="not UTF-8 text.*line 2"):
        parse_ods_csv(data)


# --- ePCN.xlsx -----------------------------------------------------------------------------

# The headings as the real workbook has them: some broken over lines, one with a space after.
PCN_HEADER = [
    "PCN Code",
    "PCN Name",
    "Current Sub ICB Loc Code",
    "Sub ICB Location",
    "Open Date",
    "Close Date",
    "Address Line 1",
    "Address Line 2",
    "Address Line 3",
    "Address Line 4",
    "Address Line 5",
    "Postcode",
]
PARTNER_HEADER = [
    "Partner\nOrganisation\nCode",
    "Partner\nName",
    "Practice\nParent\nSub ICB Loc Code",
    "Practice\nParent\nSub ICB Loc Name",
    "PCN Code",
    "PCN Name",
    "PCN Parent\nSub ICB Loc Code",
    "PCN Parent\nSub ICB Loc Name",
    "Practice to PCN\nRelationship\nStart Date",
    "Practice to PCN\nRelationship\nEnd Date",
    "Practice Sub ICB Loc and PCN Sub ICB Loc Match ",
]


def pcn(code: str, opened="20190701", closed="", sub_icb="D2P2L", name=None) -> list:
    """The first six PCNDetails cells; workbook() adds the address and postcode."""
    return [code, name or f"PCN {code}", sub_icb, "NHS BLACK COUNTRY ICB - D2P2L", opened, closed]


def partner(practice: str, pcn_code: str, start="20190701", end=None) -> list:
    return [practice, "SURGERY", "D2P2L", "X", pcn_code, "PCN", "D2P2L", "X", start, end, True]


def workbook(pcns: list[list] | None = None, partners: list[list] | None = None, **sheets) -> bytes:
    """An ePCN-shaped workbook in memory. A row of None leaves a blank spreadsheet row."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    if pcns is not None:
        sheets["PCNDetails"] = [PCN_HEADER] + [
            r if r is None else [*r, "1 HIGH STREET", "", "", "DUDLEY", "", "DY1 1AA"] for r in pcns
        ]
    if partners is not None:
        sheets["PCN Core Partner Details"] = [PARTNER_HEADER, *partners]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for r in rows:
            sheet.append(r or [])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_epcn_workbook_gives_pcns_and_their_core_partners():
    data = workbook(
        [pcn("U12345"), pcn("U54321", opened="20191001", closed="20240331")],
        [
            partner("M87001", "U12345"),
            partner("M87002", "U54321", end="20240331"),
            partner("M87002", "U12345", start="20240401"),
            partner("M87002", "U54321", start="20240601"),  # left and rejoined: allowed
        ],
    )
    pcns, members = parse_epcn(data)
    assert (pcns.layout, members.layout) == ("ods-epcn", "ods-epcn-partners")
    assert pcns.errors == [] and members.errors == []
    first, second = pcns.rows
    assert (first.line, first.code, first.name, first.sub_icb_code, first.postcode) == (
        2,
        "U12345",
        "PCN U12345",
        "D2P2L",
        "DY1 1AA",
    )
    assert (first.open_date, first.close_date) == (date(2019, 7, 1), None)
    assert second.close_date == date(2024, 3, 31)
    assert [
        (m.line, m.practice_code, m.pcn_code, m.start_date, m.end_date) for m in members.rows
    ] == [
        (2, "M87001", "U12345", date(2019, 7, 1), None),
        (3, "M87002", "U54321", date(2019, 7, 1), date(2024, 3, 31)),
        (4, "M87002", "U12345", date(2024, 4, 1), None),
        (5, "M87002", "U54321", date(2024, 6, 1), None),
    ]


def test_dates_stored_as_excel_dates_or_numbers_are_read_too():
    data = workbook(
        [pcn("U12345", opened=datetime(2019, 7, 1))],
        [partner("M87001", "U12345", start=20190701)],
    )
    pcns, members = parse_epcn(data)
    assert pcns.rows[0].open_date == date(2019, 7, 1)
    assert members.rows[0].start_date == date(2019, 7, 1)


def test_a_missing_sheet_is_refused_by_name():
    with pytest.raises(SourceError, match="has no sheet 'PCN Core Partner Details'"):
        parse_epcn(workbook([pcn("U12345")]), "ePCN.xlsx")


def test_a_missing_column_is_refused_by_name():
    data = workbook(PCNDetails=[PCN_HEADER[:5]], **{"PCN Core Partner Details": [PARTNER_HEADER]})
    with pytest.raises(SourceError, match="sheet 'PCNDetails', lacks the columns Close Date"):
        parse_epcn(data)


def test_bad_rows_are_reported_by_spreadsheet_row_on_both_sheets():
    data = workbook(
        [
            pcn("U12345"),
            None,  # a blank spreadsheet row: numbering must not slip
            pcn("X1"),
            pcn("U22222", opened="2019-07-01"),
            pcn("U33333", opened="20200101", closed="20190101"),
            pcn("U12345"),
            pcn("U44444", sub_icb="NOT A CODE"),
        ],
        [
            partner("M87001", "U12345"),
            partner("RNA", "U12345"),
            partner("M87002", "U99999"),
            partner("M87003", "U12345", start="20200101", end="20190101"),
            partner("M87001", "U12345"),
        ],
    )
    pcns, members = parse_epcn(data)
    assert [(e.line, e.reason) for e in pcns.errors] == [
        (4, "PCNDetails: PCN code 'X1' is not valid"),
        (5, "PCNDetails: open date '2019-07-01' is not a date in the form yyyymmdd"),
        (6, "PCNDetails: close date 2019-01-01 is before open date 2020-01-01"),
        (7, "PCNDetails: PCN U12345 is already on row 2"),
        (8, "PCNDetails: sub-ICB code 'NOT A CODE' is not valid"),
    ]
    assert [p.code for p in pcns.rows] == ["U12345"]
    assert [(e.line, e.reason.split(": ", 1)[1]) for e in members.errors] == [
        (3, "partner code 'RNA' is not a GP practice code"),
        (4, "PCN U99999 is not on the PCNDetails sheet"),
        (5, "end date 2019-01-01 is before start date 2020-01-01"),
        (6, "practice M87001 joining U12345 on 2019-07-01 is already on row 2"),
    ]
    assert [m.line for m in members.rows] == [2]


def test_partners_of_a_listed_but_bad_pcn_are_not_blamed_again():
    data = workbook(
        [pcn("U12345", opened="soon")],
        [partner("M87001", "U12345")],
    )
    pcns, members = parse_epcn(data)
    assert [e.line for e in pcns.errors] == [2]
    assert members.errors == [] and len(members.rows) == 1


def test_something_that_is_not_a_workbook_is_refused():
    with pytest.raises(SourceError, match="not an Excel workbook"):
        parse_epcn(b"PK\x03\x04 not really a zip", "ePCN.xlsx")


def _declare_size(data: bytes, size: str) -> bytes:
    """The same workbook, but with every sheet claiming to be only `size` big."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                content = re.sub(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{size}"'.encode(), content
                )
            target.writestr(item, content)
    return out.getvalue()


def test_a_workbook_that_understates_its_size_is_still_read_in_full():
    data = _declare_size(
        workbook([pcn("U12345"), pcn("U54321")], [partner("M87001", "U54321")]), "A1:B2"
    )
    pcns, members = parse_epcn(data)
    assert [(p.code, p.postcode) for p in pcns.rows] == [
        ("U12345", "DY1 1AA"),
        ("U54321", "DY1 1AA"),
    ]
    assert [(m.practice_code, m.start_date) for m in members.rows] == [("M87001", date(2019, 7, 1))]
