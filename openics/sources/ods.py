"""Readers for ODS files: the headerless CSVs (epraccur, etr, eccg) in the legacy and the Data
Search and Export (DSE) layouts, the DSE PCN membership CSV, and the ePCN workbook."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
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

LEGACY_COLUMNS = 27
# Positions (0-based) in the 27-column layouts (legacy and DSE alike), from the ODS data-file
# specification. Column 18 (telephone) is read by nobody yet, so it is not listed.
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


# --- headerless CSVs: epraccur, etr, eccg (legacy or DSE), epcncorepartnerdetails (DSE) ---


@dataclass(frozen=True)
class OdsCsvLayout:
    """One known headerless ODS CSV layout, told apart by what its cells mean."""

    name: str  # said in reports, e.g. "ods-dse-epraccur"
    holds: str  # "practices", "trusts" or "sub_icb_locations"
    # The status column's words and what each means; None where the column is not read.
    statuses: dict[str, str] | None = None
    role_column: int | None = None  # 0-based; the codes there may be joined by "|"
    roles: dict[str, str] | None = None  # the layout's documented role codes → meaning


# ODS role codes as the ODS Organisation Reference Data API names them. The DSE epraccur
# of 2 March 2026 uses exactly these in column 26; the four named "not yet confirmed" are
# used there but absent from the published list we could read.
_PRACTICE_FILE_ROLES = {
    "RO72": "other prescribing cost centre",
    "RO76": "GP practice",
    "RO80": "out of hours cost centre",
    "RO82": "prison prescribing cost centre",
    "RO87": "walk in centre",
    "RO246": "care home/nursing home prescribing cost centre",
    "RO247": "community health service prescribing cost centre",
    "RO248": "prescribing cost centre (name not yet confirmed)",
    "RO249": "hospice prescribing cost centre",
    "RO250": "hospital service prescribing cost centre",
    "RO251": "immigration removal centre prescribing cost centre",
    "RO252": "optometry service prescribing cost centre",
    "RO253": "prescribing cost centre (name not yet confirmed)",
    "RO255": "public health service prescribing cost centre",
    "RO256": "secure children's home prescribing cost centre",
    "RO257": "secure training centre prescribing cost centre",
    "RO258": "sexual assault referral centre prescribing cost centre",
    "RO259": "urgent and emergency care prescribing cost centre",
    "RO260": "young offender institution prescribing cost centre",
    "RO268": "medicine supplier",
    "RO321": "primary care network prescribing cost centre (name not yet confirmed)",
    "RO323": "prescribing cost centre (name not yet confirmed)",
}
GP_PRACTICE_ROLE = "RO76"
GP_PRACTICE_SETTING = "4"  # the legacy layout's prescribing setting for a GP practice
SUB_ICB_LOCATION_ROLE = "RO319"
_SUB_ICB_FILE_ROLES = {
    "RO319": "sub-ICB location",
    "RO326": "commissioning role held beside RO319 by some sub-ICB locations",
    "RO327": "sub-ICB reporting entity",
    "RO218": "commissioning hub",
}

_LEGACY_STATUSES = {"A": "active", "C": "closed", "D": "dormant", "P": "proposed"}
LEGACY_EPRACCUR = OdsCsvLayout("ods-legacy-epraccur", "practices", statuses=_LEGACY_STATUSES)
# etr leaves column 13 empty; a legacy status letter there is read, anything else refused.
LEGACY_ETR = OdsCsvLayout("ods-legacy-etr", "trusts", statuses=_LEGACY_STATUSES)
LEGACY_ECCG = OdsCsvLayout(
    "ods-legacy-eccg", "sub_icb_locations", role_column=13, roles=_SUB_ICB_FILE_ROLES
)
DSE_EPRACCUR = OdsCsvLayout(
    "ods-dse-epraccur",
    "practices",
    statuses={"ACTIVE": "active", "INACTIVE": "closed", "DORMANT": "dormant"},
    role_column=25,
    roles=_PRACTICE_FILE_ROLES,
)
DSE_PCN_PARTNERS_LAYOUT = "ods-dse-epcncorepartnerdetails"
DSE_PCN_PARTNER_COLUMNS = 11
_ROLE_CODES = re.compile(r"^RO\d+(\|RO\d+)*$")
_KNOWN = (
    f"{LEGACY_EPRACCUR.name}, {LEGACY_ETR.name}, {LEGACY_ECCG.name} and {DSE_EPRACCUR.name}: "
    f"no header row, {LEGACY_COLUMNS} columns; {DSE_PCN_PARTNERS_LAYOUT}: no header row, "
    f"{DSE_PCN_PARTNER_COLUMNS} columns"
)


def _looks_like_header(cells: list[str]) -> bool:
    first = [cell.strip().lower() for cell in cells[:2]]
    joined = " ".join(cell.lower() for cell in cells)
    return "organisation code" in joined or (
        len(first) == 2 and "code" in first[0] and "name" in first[1]
    )


def _check_known_width(cells: list[str], source: str) -> None:
    """Refuses a file whose first row shows it is none of the headerless ODS layouts."""
    if _looks_like_header(cells):
        raise SourceError(
            f"{source} has a header row ({', '.join(cells[:4])}, …), so it is not an ODS "
            f"layout OpenICS knows ({_KNOWN})"
        )
    if len(cells) not in (LEGACY_COLUMNS, DSE_PCN_PARTNER_COLUMNS):
        raise SourceError(
            f"{source} has {len(cells)} columns on its first line, so it is not an ODS "
            f"layout OpenICS knows ({_KNOWN})"
        )


def detect_ods_csv_layout(records: list[tuple[int, list[str]]]) -> OdsCsvLayout:
    """Which 27-column layout the file is in, from what its cells hold (never its name).

    A status written as a word (ACTIVE) or role codes in column 26, on most rows, are the
    DSE practice file; role codes in column 14 are the sub-ICB location file (eccg); otherwise it is
    the legacy layout, of practices when most codes are practice codes, else of trusts.
    Every row is then held to the layout's vocabulary, so a stray value is a bad row.
    """
    rows = [cells for _, cells in records if len(cells) == LEGACY_COLUMNS]
    in_words = sum(
        1
        for c in rows
        if re.fullmatch(r"[A-Z]{2,}", c[_STATUS].strip().upper())
        or _ROLE_CODES.match(c[_SETTING].strip().upper())
    )
    if in_words > len(rows) / 2:
        return DSE_EPRACCUR
    if any(_ROLE_CODES.match(c[LEGACY_ECCG.role_column].strip().upper()) for c in rows):
        return LEGACY_ECCG
    practice_like = sum(1 for c in rows if ODS_PRACTICE.match(c[_CODE].strip().upper()))
    return LEGACY_EPRACCUR if practice_like > len(rows) / 2 else LEGACY_ETR


def _roles(layout: OdsCsvLayout, cell: list[str], problems: list[str]) -> tuple[str, ...]:
    if layout.role_column is None:
        return ()
    text = cell[layout.role_column].upper()
    if not text:
        return ()
    codes = tuple(text.split("|"))
    unknown = [code for code in codes if code not in (layout.roles or {})]
    if unknown:
        column = layout.role_column + 1
        problems.append(
            f"role code {', '.join(unknown)} in column {column} is not one the "
            f"{layout.name} layout uses ({', '.join(sorted(layout.roles or {}))})"
        )
    return codes


def _status(layout: OdsCsvLayout, cell: list[str], problems: list[str]) -> str:
    if layout.statuses is None:
        return ""
    word = cell[_STATUS].upper()
    if word in layout.statuses:
        return layout.statuses[word]
    if word or layout is DSE_EPRACCUR:
        problems.append(
            f"status {word!r} in column 13 is not one the {layout.name} layout uses "
            f"({', '.join(layout.statuses)})"
        )
    return ""


def _ods_row(
    layout: OdsCsvLayout, line: int, cells: list[str]
) -> tuple[OdsOrganisationRow | None, list[str]]:
    cell = [c.strip() for c in cells]
    problems: list[str] = []
    code = cell[_CODE].upper()
    if not _ODS_CODE.match(code):
        problems.append(f"code {code!r} is not an ODS code")
    if not cell[_NAME]:
        problems.append("name is empty")
    opened, closed = _dates(problems, cell[_OPENED], cell[_CLOSED], ("open date", "close date"))
    status = _status(layout, cell, problems)
    roles = _roles(layout, cell, problems)
    if layout is DSE_EPRACCUR:
        if status == "closed" and closed is None:
            problems.append("status INACTIVE but no close date")
        if GP_PRACTICE_ROLE in roles and not ODS_PRACTICE.match(code):
            problems.append(f"code {code!r} has role RO76 but is not a GP practice code")
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
        status=status,
        sub_type=cell[_SUB_TYPE].upper(),
        commissioner_code=cell[_COMMISSIONER].upper(),
        setting="" if layout.role_column == _SETTING else cell[_SETTING],
        roles=roles,
    )
    return row, problems


def _records(data: bytes, source: str, width: int, otherwise: str) -> list:
    """The file's rows, refused whole when its width is not `width` (saying what it is)."""
    records = list(read_csv_rows(decode(data, source), source))
    if records:
        _check_known_width(records[0][1], source)
        if len(records[0][1]) != width:
            raise SourceError(f"{source} has {len(records[0][1])} columns, so it is {otherwise}")
    return records


def parse_ods_csv(data: bytes, source: str = "ODS file") -> Parsed[OdsOrganisationRow]:
    """A headerless 27-column ODS CSV (epraccur, etr, eccg) in the legacy or DSE layout,
    recognised from its content; `Parsed.layout` names the layout read."""
    records = _records(
        data,
        source,
        LEGACY_COLUMNS,
        f"PCN membership ({DSE_PCN_PARTNERS_LAYOUT}), not a file of organisations",
    )
    layout = detect_ods_csv_layout(records)
    parsed: Parsed[OdsOrganisationRow] = Parsed(layout.name)
    first_seen: dict[str, int] = {}
    for line, cells in records:
        if len(cells) != LEGACY_COLUMNS:
            reason = f"has {len(cells)} fields; the {layout.name} layout has {LEGACY_COLUMNS}"
            parsed.errors.append(RowError(line, reason))
            continue
        row, problems = _ods_row(layout, line, cells)
        code = cells[_CODE].strip().upper()
        if code in first_seen:
            problems.append(f"code {code} is already on line {first_seen[code]}")
        elif code:
            first_seen[code] = line
        keep_row(parsed, line, row, problems)
    return parsed


def ods_layout(name: str) -> OdsCsvLayout:
    """A known 27-column layout by the name `parse_ods_csv` gave it."""
    return {
        layout.name: layout for layout in (LEGACY_EPRACCUR, LEGACY_ETR, LEGACY_ECCG, DSE_EPRACCUR)
    }[name]


def is_gp_practice(row: OdsOrganisationRow) -> bool:
    """A GP practice by the layout's meaning: role RO76 (DSE), prescribing setting 4 (legacy)."""
    return GP_PRACTICE_ROLE in row.roles or row.setting == GP_PRACTICE_SETTING


def is_csv_pcn_membership(data: bytes) -> bool:
    """Whether a CSV's first record has the DSE PCN membership file's 11 columns."""
    try:
        first = next(read_csv_rows(decode(data, "file"), "file"), None)
    except SourceError:
        return False
    return first is not None and len(first[1]) == DSE_PCN_PARTNER_COLUMNS


# DSE epcncorepartnerdetails: practice code, practice name, practice's sub-ICB code and
# name, PCN code, PCN name, PCN's sub-ICB code and name, join date, left date, and TRUE or
# FALSE: whether the practice's sub-ICB is its PCN's (it is TRUE on exactly those rows).
_P_CODE, _P_NAME, _P_SUB_ICB, _PCN_CODE, _PCN_NAME, _PCN_SUB_ICB = 0, 1, 2, 4, 5, 6
_JOINED, _LEFT, _SAME_SUB_ICB = 8, 9, 10


def parse_pcn_partners_csv(
    data: bytes, source: str = "epcncorepartnerdetails.csv"
) -> tuple[Parsed[PcnRow], Parsed[PcnMemberRow]]:
    """The DSE practice → PCN membership CSV: the PCNs it names, and each membership."""
    records = _records(
        data,
        source,
        DSE_PCN_PARTNER_COLUMNS,
        f"a file of organisations, not PCN membership ({DSE_PCN_PARTNERS_LAYOUT})",
    )
    pcns: Parsed[PcnRow] = Parsed(DSE_PCN_PARTNERS_LAYOUT)
    members: Parsed[PcnMemberRow] = Parsed(DSE_PCN_PARTNERS_LAYOUT)
    pcn_seen: set[str] = set()
    first_seen: dict[tuple, int] = {}
    for line, cells in records:
        if len(cells) != DSE_PCN_PARTNER_COLUMNS:
            reason = (
                f"has {len(cells)} fields; the {DSE_PCN_PARTNERS_LAYOUT} layout has "
                f"{DSE_PCN_PARTNER_COLUMNS}"
            )
            members.errors.append(RowError(line, reason))
            continue
        cell = [c.strip() for c in cells]
        problems: list[str] = []
        practice, pcn = cell[_P_CODE].upper(), cell[_PCN_CODE].upper()
        if not ODS_PRACTICE.match(practice):
            problems.append(f"partner code {practice!r} is not a GP practice code")
        if not ODS_PCN.match(pcn):
            problems.append(f"PCN code {pcn!r} is not valid")
        if not cell[_PCN_NAME]:
            problems.append("PCN name is empty")
        for what, value in (
            ("sub-ICB code", cell[_P_SUB_ICB]),
            ("PCN sub-ICB code", cell[_PCN_SUB_ICB]),
        ):
            if value and not ODS_SUB_ICB.match(value.upper()):
                problems.append(f"{what} {value!r} is not valid")
        if cell[_SAME_SUB_ICB].upper() not in ("TRUE", "FALSE"):
            problems.append(f"column 11 {cell[_SAME_SUB_ICB]!r} is not TRUE or FALSE")
        start, end = _dates(problems, cell[_JOINED], cell[_LEFT], ("join date", "left date"))
        key = (practice, pcn, start)
        if not problems and key in first_seen:
            problems.append(
                f"practice {practice} joining {pcn} on {start} is already on line {first_seen[key]}"
            )
        first_seen.setdefault(key, line)
        if problems:
            members.errors.append(RowError(line, "; ".join(problems)))
            continue
        members.rows.append(PcnMemberRow(line, practice, pcn, start, end))
        if pcn not in pcn_seen:
            pcn_seen.add(pcn)
            pcns.rows.append(
                PcnRow(line, pcn, cell[_PCN_NAME], cell[_PCN_SUB_ICB].upper(), None, None, "")
            )
    return pcns, members


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
