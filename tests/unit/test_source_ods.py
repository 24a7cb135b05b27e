"""ODS files: the legacy headerless CSVs (epraccur, etr) and the ePCN workbook."""

import dataclasses
import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from openics.sources.base import SourceError
from openics.sources.ods import parse_epcn, parse_ods_csv
from openics.sources.rows import OdsOrganisationRow

# --- legacy headerless CSVs ----------------------------------------------------------------


def legacy(
    code: str = "M87001",
    opened: str = "19740401",
    closed: str = "",
    *,
    name: str = "THE SURGERY",
    address: tuple[str, str, str, str, str] = (
        "THE HEALTH CENTRE",
        "",
        "HIGH STREET",
        "DUDLEY",
        "",
    ),
    postcode: str = "dy1 1aa",
    status: str = "A",
    sub_type: str = "B",
    commissioner: str = "D2P2L",
    setting: str = "4",
) -> str:
    """One line of a legacy 27-column ODS CSV, quoted as ODS publishes it."""
    values = [""] * 27
    values[0:4] = [code, name, "Y60", "QUA"]
    values[4:9] = address
    values[9:14] = [postcode, opened, closed, status, sub_type]
    values[14] = commissioner
    values[17] = "01384 000000"
    values[21] = "0"
    values[25] = setting
    return ",".join(f'"{value}"' for value in values)


def csv_bytes(*lines: str, ending: str = "\n") -> bytes:
    return (ending.join(lines) + ending).encode()


# A trust as etr.csv has it: no status, sub-type, commissioner or prescribing setting.
TRUST = {
    "name": "THE DUDLEY GROUP NHS FOUNDATION TRUST",
    "address": ("RUSSELLS HALL HOSPITAL", "", "", "DUDLEY", ""),
    "postcode": "DY1 2HQ",
    "status": "",
    "sub_type": "",
    "commissioner": "",
    "setting": "",
}
PRACTICE_ROW = OdsOrganisationRow(
    line=1,
    code="M87001",
    name="THE SURGERY",
    region_code="Y60",
    icb_code="QUA",
    address=("THE HEALTH CENTRE", "HIGH STREET", "DUDLEY"),
    postcode="DY1 1AA",
    open_date=date(1974, 4, 1),
    close_date=None,
    status="active",
    sub_type="B",
    commissioner_code="D2P2L",
    setting="4",
)
TRUST_ROW = OdsOrganisationRow(
    line=1,
    code="RNA",
    name="THE DUDLEY GROUP NHS FOUNDATION TRUST",
    region_code="Y60",
    icb_code="QUA",
    address=("RUSSELLS HALL HOSPITAL", "DUDLEY"),
    postcode="DY1 2HQ",
    open_date=date(2000, 4, 1),
    close_date=None,
    status="",
    sub_type="",
    commissioner_code="",
    setting="",
)


@pytest.mark.parametrize(
    "lines, layout, expected",
    [
        pytest.param(
            [legacy(), legacy("RNA", closed="20240331", setting="")],
            "ods-legacy-etr",  # half the codes are practices', not most
            [
                PRACTICE_ROW,
                dataclasses.replace(
                    PRACTICE_ROW, line=2, code="RNA", close_date=date(2024, 3, 31), setting=""
                ),
            ],
            id="a practice and a closed trust",
        ),
        pytest.param(
            [legacy("RNA", "20000401", **TRUST), legacy("RXK", "20000401", "20240331", **TRUST)],
            "ods-legacy-etr",
            [
                TRUST_ROW,
                dataclasses.replace(TRUST_ROW, line=2, code="RXK", close_date=date(2024, 3, 31)),
            ],
            id="trusts with blank optional columns and address lines",
        ),
    ],
)
def test_a_legacy_file_is_read_by_position(lines, layout, expected):
    parsed = parse_ods_csv(csv_bytes(*lines))
    assert parsed.layout == layout
    assert parsed.errors == []
    assert parsed.rows == expected


def test_windows_line_endings_and_a_trailing_blank_line_are_fine():
    parsed = parse_ods_csv(csv_bytes(legacy(), legacy("RNA"), "", ending="\r\n"))
    assert parsed.errors == [] and [r.code for r in parsed.rows] == ["M87001", "RNA"]


@pytest.mark.parametrize(
    "header",
    [
        pytest.param('"Organisation Code","Name","National Grouping"', id="organisation code"),
        pytest.param("Code,Name," + "," * 24, id="code and name, 27 columns wide"),
    ],
)
def test_a_file_with_a_header_row_is_refused_saying_what_was_expected(header):
    with pytest.raises(SourceError) as caught:
        parse_ods_csv(csv_bytes(header, legacy()), "epraccur.csv")
    message = str(caught.value)
    assert message.startswith("epraccur.csv has a header row")
    assert "not an ODS layout OpenICS knows (ods-legacy-epraccur, ods-legacy-etr" in message
    assert "ods-dse-epraccur: no header row, 27 columns" in message


def test_a_file_of_another_width_is_refused():
    short = ",".join(['"RNA"', '"A TRUST"', '"Y60"'])
    with pytest.raises(SourceError, match="has 3 columns on its first line.*27 columns"):
        parse_ods_csv(csv_bytes(short, legacy()))


def test_a_later_row_of_another_width_is_a_row_error():
    parsed = parse_ods_csv(csv_bytes(legacy("M87001"), legacy("M87002") + ',"extra"'))
    assert [(e.line, e.reason) for e in parsed.errors] == [
        (2, "has 28 fields; the ods-legacy-epraccur layout has 27")
    ]
    assert [r.code for r in parsed.rows] == ["M87001"]


@pytest.mark.parametrize(
    "lines, errors, kept",
    [
        pytest.param(
            [
                legacy("M87001"),
                legacy("M87002"),
                legacy("M87003", opened="2000-04-01"),
                legacy("M87004", closed="20230231"),
            ],
            [
                (3, "open date '2000-04-01' is not a date in the form yyyymmdd"),
                (4, "close date '20230231' is not a real date"),
            ],
            ["M87001", "M87002"],
            id="a date not in the form, a date not real",
        ),
        pytest.param(
            [
                legacy("M87001"),
                legacy("M8-7002"),
                legacy("M87003", name=""),
                legacy("M87004", opened="20200101", closed="20190101"),
                legacy("M87001"),
            ],
            [
                (2, "code 'M8-7002' is not an ODS code"),
                (3, "name is empty"),
                (4, "close date 2019-01-01 is before open date 2020-01-01"),
                (5, "code M87001 is already on line 1"),
            ],
            ["M87001"],
            id="a bad code, no name, dates reversed, a repeat",
        ),
        pytest.param(
            [
                legacy("RNA"),
                legacy("RXK", opened="2000-04-01"),
                legacy("RYW", opened="20200101", closed="20190101"),
                legacy("RNA"),
            ],
            [
                (2, "open date '2000-04-01' is not a date in the form yyyymmdd"),
                (3, "close date 2019-01-01 is before open date 2020-01-01"),
                (4, "code RNA is already on line 1"),
            ],
            ["RNA"],
            id="trusts: a date not in the form, dates reversed, a repeat",
        ),
    ],
)
def test_every_bad_row_is_reported_with_its_line_and_only_good_rows_are_kept(lines, errors, kept):
    parsed = parse_ods_csv(csv_bytes(*lines))
    assert [(e.line, e.reason) for e in parsed.errors] == errors
    assert [r.code for r in parsed.rows] == kept


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
PUBLISHED = (PCN_HEADER, PARTNER_HEADER)
# Only some of those columns, so most sit elsewhere: the reader finds them by heading.
FEWER_COLUMNS = (
    [
        "PCN Code",
        "PCN Name",
        "Current Sub ICB Loc Code",
        "Sub ICB Location",
        "Open Date",
        "Close Date",
        "Postcode",
    ],
    [
        "Partner\nOrganisation\nCode",
        "PCN Code",
        "Practice to PCN\nRelationship\nStart Date",
        "Practice to PCN\nRelationship\nEnd Date",
    ],
)
HEADINGS = {"published headings": PUBLISHED, "fewer columns, elsewhere": FEWER_COLUMNS}


def pcn(
    code: str, opened="20190701", closed="", sub_icb="D2P2L", name=None, postcode="DY1 1AA"
) -> dict[str, object]:
    """A PCNDetails row, by heading."""
    values = [code, name or f"PCN {code}", sub_icb, "NHS BLACK COUNTRY ICB - D2P2L", opened, closed]
    values += ["1 HIGH STREET", "", "", "DUDLEY", "", postcode]
    return dict(zip(PCN_HEADER, values, strict=True))


def partner(practice: str, pcn_code: str, start="20190701", end=None) -> dict[str, object]:
    """A PCN Core Partner Details row, by heading."""
    values = [practice, "SURGERY", "D2P2L", "X", pcn_code, "PCN", "D2P2L", "X", start, end, True]
    return dict(zip(PARTNER_HEADER, values, strict=True))


def workbook(
    pcns: list[dict | None] | None = None,
    partners: list[dict] | None = None,
    headings: tuple[list[str], list[str]] = PUBLISHED,
    **sheets,
) -> bytes:
    """An ePCN-shaped workbook in memory, with only the columns `headings` names.

    A row of None leaves a blank spreadsheet row.
    """
    pcn_header, partner_header = headings
    if pcns is not None:
        sheets["PCNDetails"] = [pcn_header] + [r and [r[h] for h in pcn_header] for r in pcns]
    if partners is not None:
        sheets["PCN Core Partner Details"] = [partner_header] + [
            [r[h] for h in partner_header] for r in partners
        ]
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for r in rows:
            sheet.append(r or [])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("headings", HEADINGS.values(), ids=list(HEADINGS))
def test_the_epcn_workbook_gives_pcns_and_their_core_partners(headings):
    data = workbook(
        [pcn("U12345"), pcn("U54321", opened="20191001", closed="20240331")],
        [
            partner("M87001", "U12345"),
            partner("M87002", "U54321", end="20240331"),
            partner("M87002", "U12345", start="20240401"),
            partner("M87002", "U54321", start="20240601"),  # left and rejoined: allowed
        ],
        headings,
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


@pytest.mark.parametrize("headings", HEADINGS.values(), ids=list(HEADINGS))
def test_a_missing_sheet_is_refused_by_name(headings):
    with pytest.raises(SourceError, match="has no sheet 'PCN Core Partner Details'"):
        parse_epcn(workbook([pcn("U12345")], headings=headings), "ePCN.xlsx")


@pytest.mark.parametrize("headings", HEADINGS.values(), ids=list(HEADINGS))
def test_a_missing_column_is_refused_by_name(headings):
    pcn_header, partner_header = headings
    data = workbook(PCNDetails=[pcn_header[:5]], **{"PCN Core Partner Details": [partner_header]})
    with pytest.raises(SourceError, match="sheet 'PCNDetails', lacks the columns Close Date"):
        parse_epcn(data)


@pytest.mark.parametrize(
    "headings, pcn_rows, partner_rows, expected",
    [
        pytest.param(
            PUBLISHED,
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
            {
                "PCN errors": [
                    (4, "PCNDetails: PCN code 'X1' is not valid"),
                    (5, "PCNDetails: open date '2019-07-01' is not a date in the form yyyymmdd"),
                    (6, "PCNDetails: close date 2019-01-01 is before open date 2020-01-01"),
                    (7, "PCNDetails: PCN U12345 is already on row 2"),
                    (8, "PCNDetails: sub-ICB code 'NOT A CODE' is not valid"),
                ],
                "PCNs": ["U12345"],
                "partner errors": [
                    (3, "partner code 'RNA' is not a GP practice code"),
                    (4, "PCN U99999 is not on the PCNDetails sheet"),
                    (5, "end date 2019-01-01 is before start date 2020-01-01"),
                    (6, "practice M87001 joining U12345 on 2019-07-01 is already on row 2"),
                ],
                "partner rows": [2],
            },
            id="every kind of bad row on both sheets",
        ),
        pytest.param(
            FEWER_COLUMNS,
            [
                pcn("U12345", name="A", sub_icb="", opened="", postcode=""),
                pcn("X1", name="B", sub_icb="", opened="", postcode=""),
            ],
            [],
            {
                "PCN errors": [(3, "PCNDetails: PCN code 'X1' is not valid")],
                "PCNs": ["U12345"],  # a blank sub-ICB code, open date or postcode is allowed
                "partner errors": [],
                "partner rows": [],
            },
            id="a bad PCN code among blank cells, fewer columns",
        ),
    ],
)
def test_bad_rows_are_reported_by_spreadsheet_row_on_both_sheets(
    headings, pcn_rows, partner_rows, expected
):
    pcns, members = parse_epcn(workbook(pcn_rows, partner_rows, headings))
    assert {
        "PCN errors": [(e.line, e.reason) for e in pcns.errors],
        "PCNs": [p.code for p in pcns.rows],
        "partner errors": [(e.line, e.reason.split(": ", 1)[1]) for e in members.errors],
        "partner rows": [m.line for m in members.rows],
    } == expected
    assert all(e.reason.startswith("PCN Core Partner Details: ") for e in members.errors)


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
