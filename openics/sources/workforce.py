"""Reader for NHS Digital's HCHS workforce statistics by organisation and staff group.

NHS Digital publishes staff of NHS trusts and CCGs in long format: one row per month,
organisation, staff group and a breakdown (here nationality), with a measure, full-time
equivalent (FTE) or headcount. Staff by organisation and group is the sum over the
breakdown. The reader finds the data sheet by its headings, whichever sheet and order
they are in, and reads each column by its published meaning; a heading, staff group or
month it does not know is refused with its row, so a changed publication is noticed
rather than misread.

The September 2017 and June 2018 supplementary file (ah2324) is the one we ship: sheets
Notes and Data; Data has Month, Organisation code, Organisation name, Staff group,
Nationality and FTE. FTE there is rounded by NHS Digital to at most five decimal places.
"""

from __future__ import annotations

import calendar
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openics.sources.base import LARGEST_FIGURE, Parsed, RowError, SourceError

LAYOUT = "nhsd-hchs-staff-group-organisation-long"

# Staff groups of the HCHS workforce statistics (NHS Digital's main staff groups), as
# the file writes them. "Unknown" is NHS Digital's own group for unclassified records.
STAFF_GROUPS = (
    "HCHS doctors",
    "Nurses & health visitors",
    "Midwives",
    "Ambulance staff",
    "Scientific, therapeutic & technical staff",
    "Support to doctors, nurses & midwives",
    "Support to ambulance staff",
    "Support to ST&T staff",
    "Central functions",
    "Hotel, property & estates",
    "Senior managers",
    "Managers",
    "Unknown",
)
_GROUP_BY_KEY = {group.casefold(): group for group in STAFF_GROUPS}

# The columns we read, by the heading NHS Digital gives them (compared without case or
# surrounding space). A breakdown column is summed over; one measure column at least.
KEY_COLUMNS = {
    "month": "month",
    "organisation code": "organisation_code",
    "organisation name": "organisation_name",
    "staff group": "staff_group",
}
BREAKDOWNS = ("nationality",)
MEASURES = {"fte": "fte", "full time equivalent": "fte", "headcount": "headcount"}

_MONTHS = {name.upper(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTH = re.compile(r"^(\d{4})-([A-Za-z]{3})$")
_ORG_CODE = re.compile(r"^[A-Z0-9]{3,5}$")
FTE_PLACES = 5


@dataclass(frozen=True)
class WorkforceRow:
    """One line of the long-format file: staff of one group (and one breakdown value)."""

    line: int
    as_at: date  # the last day of the month the figures are for
    organisation_code: str
    organisation_name: str
    staff_group: str
    breakdown: str  # the nationality (or other breakdown) the line counts
    fte: Decimal | None
    headcount: int | None


@dataclass(frozen=True)
class StaffTotal:
    """Staff of one group in one organisation on one day: the sum over the breakdown."""

    as_at: date
    organisation_code: str
    organisation_name: str
    staff_group: str
    fte: Decimal | None
    headcount: int | None
    lines: int  # how many lines of the file it sums


def month_end(text: str) -> date:
    """`2017-SEP` → 30 September 2017; anything else is a ValueError naming the text."""
    match = _MONTH.match(text.strip())
    if not match or match.group(2).upper() not in _MONTHS:
        raise ValueError(f"month {text!r} is not written YYYY-MON (e.g. 2017-SEP)")
    year, month = int(match.group(1)), _MONTHS[match.group(2).upper()]
    return date(year, month, calendar.monthrange(year, month)[1])


def _number(value, what: str) -> Decimal:
    if isinstance(value, bool) or value is None or value == "":
        raise ValueError(f"{what} is empty")
    if isinstance(value, int | float):
        number = Decimal(str(value))  # the shortest text of the float: what the cell shows
    else:
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except ArithmeticError:
            raise ValueError(f"{what} {value!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{what} {value!r} is not a finite number")
    if number < 0:
        raise ValueError(f"{what} is negative ({value})")
    if number >= LARGEST_FIGURE:
        raise ValueError(f"{what} {value!r} is too large to be a figure of this file")
    return number


def _fte(value) -> Decimal:
    number = _number(value, "FTE")
    if -number.as_tuple().exponent > FTE_PLACES:
        raise ValueError(f"FTE {value!r} has more than {FTE_PLACES} decimal places")
    return number


def _headcount(value) -> int:
    number = _number(value, "headcount")
    if number != number.to_integral_value():
        raise ValueError(f"headcount {value!r} is not a whole number")
    return int(number)


def _columns(header: tuple) -> dict[str, int] | None:
    """Where each column we read is, or None if this is not the data sheet."""
    names = [str(cell).strip().casefold() if cell is not None else "" for cell in header]
    found: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in KEY_COLUMNS:
            found[KEY_COLUMNS[name]] = index
        elif name in BREAKDOWNS:
            found["breakdown"] = index
        elif name in MEASURES:
            found[MEASURES[name]] = index
    if not all(key in found for key in KEY_COLUMNS.values()):
        return None
    return found


def _cell(row: tuple, index: int | None):
    if index is None or index >= len(row):
        return None
    return row[index]


def _text(row: tuple, index: int | None) -> str:
    value = _cell(row, index)
    return "" if value is None else str(value).strip()


def parse_workforce(data: bytes, source: str = "workforce file") -> Parsed[WorkforceRow]:
    """Every line of the data sheet, or a SourceError when no sheet has the layout."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SourceError(f"{source} is not an Excel workbook (.xlsx): {exc}") from None
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = next(rows, None)
            columns = _columns(header) if header else None
            if columns is None:
                continue
            if "fte" not in columns and "headcount" not in columns:
                raise SourceError(
                    f"{source}, sheet {sheet.title!r}: no measure column (FTE or Headcount)"
                )
            return _read(rows, columns, sheet.title)
    finally:
        book.close()
    raise SourceError(
        f"{source} is not NHS Digital's workforce statistics by organisation and staff group: "
        "no sheet has the columns Month, Organisation code, Organisation name, Staff group "
        "and a measure (FTE or Headcount)"
    )


def _read(rows, columns: dict[str, int], sheet: str) -> Parsed[WorkforceRow]:
    parsed: Parsed[WorkforceRow] = Parsed(layout=LAYOUT)
    seen: dict[tuple, int] = {}
    for line, row in enumerate(rows, start=2):
        if row is None or all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        problems: list[str] = []
        as_at = None
        try:
            as_at = month_end(_text(row, columns["month"]))
        except ValueError as exc:
            problems.append(str(exc))
        code = _text(row, columns["organisation_code"]).upper()
        if not _ORG_CODE.match(code):
            problems.append(f"organisation code {code!r} is not an ODS code")
        name = _text(row, columns["organisation_name"])
        if not name:
            problems.append("organisation name is empty")
        group_text = _text(row, columns["staff_group"])
        group = _GROUP_BY_KEY.get(group_text.casefold())
        if group is None:
            problems.append(f"staff group {group_text!r} is not one NHS Digital publishes")
        breakdown = _text(row, columns.get("breakdown"))
        if "breakdown" in columns and not breakdown:
            problems.append("nationality is empty")
        fte = headcount = None
        try:
            if "fte" in columns:
                fte = _fte(_cell(row, columns["fte"]))
            if "headcount" in columns:
                headcount = _headcount(_cell(row, columns["headcount"]))
        except ValueError as exc:
            problems.append(str(exc))
        key = (as_at, code, group, breakdown)
        if not problems and key in seen:
            problems.append(
                f"repeats row {seen[key]} ({code}, {group}, {breakdown or 'all'}, {as_at}); "
                "summing both would count those staff twice"
            )
        if problems:
            parsed.errors.append(RowError(line, "; ".join(problems), sheet=sheet))
            continue
        seen[key] = line
        parsed.rows.append(
            WorkforceRow(
                line=line,
                as_at=as_at,
                organisation_code=code,
                organisation_name=name,
                staff_group=group,
                breakdown=breakdown,
                fte=fte,
                headcount=headcount,
            )
        )
    return parsed


def staff_totals(rows: list[WorkforceRow]) -> list[StaffTotal]:
    """Staff by day, organisation and group: the lines summed over the breakdown."""
    sums: dict[tuple, list] = defaultdict(lambda: [None, None, 0, ""])
    for row in rows:
        key = (row.as_at, row.organisation_code, row.staff_group)
        total = sums[key]
        if row.fte is not None:
            total[0] = (total[0] or Decimal(0)) + row.fte
        if row.headcount is not None:
            total[1] = (total[1] or 0) + row.headcount
        total[2] += 1
        total[3] = total[3] or row.organisation_name
    return [
        StaffTotal(
            as_at=as_at,
            organisation_code=code,
            organisation_name=name,
            staff_group=group,
            fte=fte,
            headcount=headcount,
            lines=lines,
        )
        for (as_at, code, group), (fte, headcount, lines, name) in sorted(sums.items())
    ]
