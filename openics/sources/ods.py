"""Readers for ODS files: the legacy headerless CSVs (epraccur, etr) and the ePCN workbook."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, datetime

from openics.sources.base import (
    ODS_PCN,
    ODS_PRACTICE,
    ODS_SUB_ICB,
    Parsed,
    RowError,
    SourceError,
    decode,
    keep_row,
    read_csv_rows,
)
from openics.sources.rows import OdsOrganisationRow, PcnMemberRow, PcnRow

LEGACY_LAYOUT = "ods-legacy-27"
LEGACY_COLUMNS = 27
# Positions (0-based) in the legacy layout, from the ODS data-file specification. Column 18
# (telephone) is read by nobody yet, so it is not listed.
_CODE, _NAME, _REGION, _ICB = 0, 1, 2, 3
_ADDRESS = slice(4, 9)  # five address lines
_POSTCODE, _OPENED, _CLOSED, _STATUS, _SUB_TYPE, _COMMISSIONER = 9, 10, 11, 12, 13, 14
_SETTING = 25
# ODS codes are letters and digits: three for a trust, six for a practice, five for some
# newer bodies (G6V2S). Ten is room to spare without letting a name through.
_ODS_CODE = re.compile(r"^[A-Z0-9]{3,10}$")

EPCN_LAYOUT = "ods-epcn"
EPCN_PARTNERS_LAYOUT = "ods-epcn-partners"
PCN_SHEET = "PCNDetails"
PARTNER_SHEET = "PCN Core Partner Details"
# Our name → the heading in the workbook (headings there are broken over lines; they are
# compared with their whitespace collapsed).
_PCN_COLUMNS = {
    "code": "PCN Code",
    "name": "PCN Name",
    "sub_icb": "Current Sub ICB Loc Code",
    "open": "Open Date",
    "close": "Close Date",
    "postcode": "Postcode",
}
_PARTNER_COLUMNS = {
    "practice": "Partner Organisation Code",
    "pcn": "PCN Code",
    "start": "Practice to PCN Relationship Start Date",
    "end": "Practice to PCN Relationship End Date",
}


def ods_date(value: object, what: str) -> date | None:
    """An ODS date: yyyymmdd text (or the same as a number, or an Excel date); blank is None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    if not re.fullmatch(r"\d{8}", text):
        raise ValueError(f"{what} {text!r} is not a date in the form yyyymmdd")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a real date") from None


def _text(value: object) -> str:
    """A cell as stripped text; a whole number Excel stored as a float loses its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _dates(
    problems: list[str], opened: object, closed: object, names: tuple[str, str]
) -> tuple[date | None, date | None]:
    """Two dates that bound a period; a bad one or a period ending before it starts is noted."""
    results: list[date | None] = []
    for value, what in zip((opened, closed), names, strict=True):
        try:
            results.append(ods_date(value, what))
        except ValueError as exc:
            problems.append(str(exc))
            results.append(None)
    start, end = results
    if start and end and end < start:
        problems.append(f"{names[1]} {end} is before {names[0]} {start}")
    return start, end


# --- legacy headerless CSVs: epraccur.csv, etr.csv ------------------------------------------


def _looks_like_header(cells: list[str]) -> bool:
    first = [cell.strip().lower() for cell in cells[:2]]
    joined = " ".join(cell.lower() for cell in cells)
    return "organisation code" in joined or (
        len(first) == 2 and "code" in first[0] and "name" in first[1]
    )


def _check_legacy_layout(cells: list[str], source: str) -> None:
    """Refuses a file whose first row shows it is not the headerless 27-column layout."""
    expected = f"{LEGACY_LAYOUT}: no header row, {LEGACY_COLUMNS} columns"
    if _looks_like_header(cells):
        raise SourceError(
            f"{source} has a header row ({', '.join(cells[:4])}, …), so it is not an ODS "
            f"layout OpenICS knows ({expected})"
        )
    if len(cells) != LEGACY_COLUMNS:
        raise SourceError(
            f"{source} has {len(cells)} columns on its first line, so it is not an ODS "
            f"layout OpenICS knows ({expected})"
        )


def _legacy_row(line: int, cells: list[str]) -> tuple[OdsOrganisationRow | None, list[str]]:
    cell = [c.strip() for c in cells]
    problems: list[str] = []
    code = cell[_CODE].upper()
    if not _ODS_CODE.match(code):
        problems.append(f"code {code!r} is not an ODS code")
    if not cell[_NAME]:
        problems.append("name is empty")
    opened, closed = _dates(problems, cell[_OPENED], cell[_CLOSED], ("open date", "close date"))
    if problems:
        return None, problems
    row = OdsOrganisationRow(
        line=line,
        code=code,
        name=cell[_NAME],
        region_code=cell[_REGION].upper(),
        icb_code=cell[_ICB].upper(),
        address=tuple(part for part in cell[_ADDRESS] if part),
        postcode=cell[_POSTCODE].upper(),
        open_date=opened,
        close_date=closed,
        status=cell[_STATUS].upper(),
        sub_type=cell[_SUB_TYPE].upper(),
        commissioner_code=cell[_COMMISSIONER].upper(),
        setting=cell[_SETTING],
    )
    return row, problems


def parse_ods_csv(data: bytes, source: str = "ODS file") -> Parsed[OdsOrganisationRow]:
    """A legacy ODS CSV: no header row, 27 columns, meanings fixed by position."""
    parsed: Parsed[OdsOrganisationRow] = Parsed(LEGACY_LAYOUT)
    first_seen: dict[str, int] = {}
    for number, (line, cells) in enumerate(read_csv_rows(decode(data, source), source)):
        if number == 0:
            _check_legacy_layout(cells, source)
        if len(cells) != LEGACY_COLUMNS:
            reason = f"has {len(cells)} fields; the {LEGACY_LAYOUT} layout has {LEGACY_COLUMNS}"
            parsed.errors.append(RowError(line, reason))
            continue
        row, problems = _legacy_row(line, cells)
        code = cells[_CODE].strip().upper()
        if code in first_seen:
            problems.append(f"code {code} is already on line {first_seen[code]}")
        elif code:
            first_seen[code] = line
        keep_row(parsed, line, row, problems)
    return parsed


# --- ePCN.xlsx: primary care networks and their core partner practices ---------------------


def _heading(value: object) -> str:
    return " ".join(_text(value).split())


def _sheet_rows(
    workbook, sheet: str, wanted: dict[str, str], source: str
) -> Iterator[tuple[int, dict[str, object]]]:
    """Each non-empty row below the header, by spreadsheet row number, as {our name: value}."""
    if sheet not in workbook.sheetnames:
        raise SourceError(f"{source} has no sheet {sheet!r} (it has {workbook.sheetnames})")
    worksheet = workbook[sheet]
    # Read-only mode trusts the size the writing program declared; some declare it wrongly
    # and rows would go unread.
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise SourceError(f"{source}, sheet {sheet!r}, is empty")
    present = {_heading(value): i for i, value in enumerate(header)}
    missing = [heading for heading in wanted.values() if heading not in present]
    if missing:
        raise SourceError(f"{source}, sheet {sheet!r}, lacks the columns {', '.join(missing)}")
    columns = {key: present[heading] for key, heading in wanted.items()}
    # Read-only mode yields an empty row for each row it skips, so counting gives row numbers.
    for number, row in enumerate(rows, start=2):
        if not any(_text(value) for value in row):
            continue
        yield number, {key: row[i] if i < len(row) else None for key, i in columns.items()}


def _pcn_row(line: int, v: dict[str, object]) -> tuple[PcnRow | None, list[str]]:
    problems: list[str] = []
    code, name, sub_icb = _text(v["code"]).upper(), _text(v["name"]), _text(v["sub_icb"]).upper()
    if not ODS_PCN.match(code):
        problems.append(f"PCN code {code!r} is not valid")
    if not name:
        problems.append("PCN name is empty")
    if sub_icb and not ODS_SUB_ICB.match(sub_icb):
        problems.append(f"sub-ICB code {sub_icb!r} is not valid")
    opened, closed = _dates(problems, v["open"], v["close"], ("open date", "close date"))
    if problems:
        return None, problems
    return PcnRow(line, code, name, sub_icb, opened, closed, _text(v["postcode"]).upper()), []


def _member_row(line: int, v: dict[str, object]) -> tuple[PcnMemberRow | None, list[str]]:
    problems: list[str] = []
    practice, pcn = _text(v["practice"]).upper(), _text(v["pcn"]).upper()
    # Every core partner in the published file is a GP practice (A12345); anything else is
    # a shifted or mistyped cell.
    if not ODS_PRACTICE.match(practice):
        problems.append(f"partner code {practice!r} is not a GP practice code")
    if not ODS_PCN.match(pcn):
        problems.append(f"PCN code {pcn!r} is not valid")
    start, end = _dates(problems, v["start"], v["end"], ("start date", "end date"))
    if problems:
        return None, problems
    return PcnMemberRow(line, practice, pcn, start, end), []


def _read_pcns(workbook, source: str) -> tuple[Parsed[PcnRow], set[str]]:
    """The PCNs, and every code the sheet lists (bad rows included)."""
    pcns: Parsed[PcnRow] = Parsed(EPCN_LAYOUT)
    first_seen: dict[str, int] = {}
    for line, values in _sheet_rows(workbook, PCN_SHEET, _PCN_COLUMNS, source):
        row, problems = _pcn_row(line, values)
        code = _text(values["code"]).upper()
        if code in first_seen:
            problems.append(f"PCN {code} is already on row {first_seen[code]}")
        elif code:
            first_seen[code] = line
        keep_row(pcns, line, row, problems, f"{PCN_SHEET}: ")
    return pcns, set(first_seen)


def _read_members(workbook, source: str, pcn_codes: set[str]) -> Parsed[PcnMemberRow]:
    members: Parsed[PcnMemberRow] = Parsed(EPCN_PARTNERS_LAYOUT)
    # A practice may leave a PCN and rejoin it later (37 do in the 2025 file), so only the
    # same practice, PCN and start date twice is a duplicate.
    first_seen: dict[tuple, int] = {}
    for line, values in _sheet_rows(workbook, PARTNER_SHEET, _PARTNER_COLUMNS, source):
        row, problems = _member_row(line, values)
        if row is not None and row.pcn_code not in pcn_codes:
            problems.append(f"PCN {row.pcn_code} is not on the {PCN_SHEET} sheet")
        key = (row.practice_code, row.pcn_code, row.start_date) if row else None
        if key in first_seen:
            problems.append(
                f"practice {key[0]} joining {key[1]} on {key[2]} is already on row "
                f"{first_seen[key]}"
            )
        elif key:
            first_seen[key] = line
        keep_row(members, line, row, problems, f"{PARTNER_SHEET}: ")
    return members


def parse_epcn(
    data: bytes, source: str = "ePCN.xlsx"
) -> tuple[Parsed[PcnRow], Parsed[PcnMemberRow]]:
    """The ODS ePCN workbook: PCNs, and which practices are core partners of each."""
    import openpyxl  # only this reader needs it; the CSV readers stay light to import

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SourceError(f"{source} is not an Excel workbook OpenICS can read: {exc}") from None
    try:
        pcns, listed = _read_pcns(workbook, source)
        # Partners are checked against every code the PCN sheet lists, bad rows included,
        # so one bad PCN row is reported once rather than again for each of its practices.
        members = _read_members(workbook, source, listed)
    finally:
        workbook.close()
    return pcns, members
