"""Reader for NHS England's ICB place-based allocation tool practice files (2022/23 onwards)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from operator import itemgetter

from openics.sources.base import (
    LARGEST_FIGURE,
    ODS_ICB,
    ODS_PCN,
    ODS_PRACTICE,
    ODS_REGION,
    ODS_SUB_ICB,
    ONS_LA,
    Parsed,
    RowError,
    SourceError,
    decimal_or_error,
    decode,
    read_csv_rows,
)
from openics.sources.rows import WEIGHTED_COMPONENTS, PracticeRow

# Each weighted population component (WEIGHTED_COMPONENTS) → its column heading.
WEIGHTED_HEADINGS = {
    "general_and_acute": "G&A WP",
    "community": "CS WP",
    "mental_health": "MH WP",
    "maternity": "Mat WP",
    "health_inequalities": "Health Ineq WP",
    "prescribing": "Prescr WP",
    "core": "Final WP",
    "primary_medical_care": "Primary Medical Care WP",
    "primary_medical_care_final": "Final PMC WP",
}
# Headings every published year shares: our field name → the column heading.
_COMMON = {
    "practice_code": "Practice_Code",
    "practice_name": "GP_Practice_Name",
    "postcode": "Practice_Postcode",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "pcn_code": "PCN_Code",
    "pcn_name": "PCN_Name",
    "registered_patients": "Patients",
    **WEIGHTED_HEADINGS,
}

# Each published layout: our field name → heading. The 2023/24 and 2024/25 files kept the
# 2022/23 headings word for word (ICS22, LAD21, "pop 2022/23"), so one layout covers three
# years; the headings alone cannot tell those years apart.
LAYOUTS: dict[str, dict[str, str]] = {
    "nhse-place-tool-2022/23-to-2024/25": _COMMON
    | {
        "sub_icb_code": "LOC22",
        "sub_icb_name": "LOC22name",
        "icb_code": "ICS22",
        "icb_name": "ICS22name",
        "region_code": "R22",
        "region_name": "Region22",
        "lad_code": "LAD21",
        "lad_name": "LTLA21",
        "utla_code": "LA21",
        "utla_name": "UTLA21",
        "population": "pop 2022/23",
    },
    "nhse-place-tool-2025/26": _COMMON
    | {
        "sub_icb_code": "LOC",
        "sub_icb_name": "LOCname",
        "icb_code": "ICB",
        "icb_name": "ICBname",
        "region_code": "Rcode",
        "region_name": "Region",
        "lad_code": "LAD",
        "lad_name": "LTLA",
        "utla_code": "LA",
        "utla_name": "UTLA",
        "population": "Population",
    },
}
# Headings present in the files that OpenICS does not read (the abolished CCGs). Listed so
# that any other heading is noticed: a new column may mean the others changed meaning too.
IGNORED: dict[str, tuple[str, ...]] = {
    "nhse-place-tool-2022/23-to-2024/25": ("CCG21", "Former CCG"),
    "nhse-place-tool-2025/26": ("CCG", "Former CCG"),
}

WEIGHTED = list(WEIGHTED_COMPONENTS)
_CODES = (
    "practice_code",
    "pcn_code",
    "sub_icb_code",
    "icb_code",
    "region_code",
    "lad_code",
    "utla_code",
)
_REQUIRED_CODES = {
    "practice_code": ("practice code", ODS_PRACTICE),
    "icb_code": ("ICB code", ODS_ICB),
    "region_code": ("region code", ODS_REGION),
    "lad_code": ("local authority code", ONS_LA),
}
_OPTIONAL_CODES = {
    "pcn_code": ("PCN code", ODS_PCN),
    "sub_icb_code": ("sub-ICB code", ODS_SUB_ICB),
}
_NAMES = {
    "practice_name": "practice name",
    "icb_name": "ICB name",
    "region_name": "region name",
    "lad_name": "local authority name",
}
# Upper-tier (or single-tier) councils: E06 unitary, E08 metropolitan, E09 London, E10 county.
# E07 is a shire district, which is never an upper tier.
_UPPER_TIER = re.compile(r"^E(0[689]|10)\d{6}$")
_DISTRICT = re.compile(r"^E07\d{6}$")

# Oddities accepted across many rows, said once per file with a count (see _tally).
_PATIENTS_FROM_POPULATION = (
    "Patients is blank, so the registered list is taken from the {population} column"
)
_UNALLOCATED_PCN = "PCN code is a bare 'U' (unallocated), read as no PCN"
_DISTRICT_AS_UPPER_TIER = (
    "the upper-tier columns give a district (E07) code, which is never an upper tier; "
    "upper tier left blank"
)
_LOWER_NAME_AS_UPPER_TIER = (
    "the upper-tier name repeats the lower-tier name against a different code, so the "
    "pair cannot be trusted; upper tier left blank"
)


@dataclass
class _Reading:
    """One data row being read: its cells by field, what is wrong, and what was accepted."""

    line: int
    get: dict[str, str]
    codes: dict[str, str]
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said for this row alone
    oddities: list[str] = field(default_factory=list)  # said once per file, with a count


def _tally(readings: list[_Reading], at=lambda line: f"line {line}") -> list[str]:
    """One note per oddity accepted across rows: how many rows, and the first line."""
    seen: dict[str, list[int]] = {}
    for reading in readings:
        for oddity in reading.oddities:
            _count(seen, oddity, reading.line)
    return _tally_notes(seen, at)


def _count(seen: dict[str, list[int]], oddity: str, line: int) -> None:
    counted = seen.get(oddity)
    if counted is None:
        seen[oddity] = [1, line]
    else:
        counted[0] += 1


def _tally_notes(seen: dict[str, list[int]], at) -> list[str]:
    return [
        f"{count} row{'s' if count != 1 else ''} (first on {at(first)}): {oddity}"
        for oddity, (count, first) in seen.items()
    ]


def _heading(text: str) -> str:
    """A heading as published, without the stray and doubled spaces workbooks carry."""
    return " ".join(text.split())


def _layout(header: list[str], source: str) -> tuple[str, dict[str, int]]:
    """The known layout whose headings the header has exactly, and each field's column."""
    present = [_heading(name) for name in header]
    best = ""
    best_missing: list[str] = []
    best_unknown: list[str] = []
    for name, columns in LAYOUTS.items():
        known = [*columns.values(), *IGNORED[name]]
        missing = [heading for heading in known if heading not in present]
        unknown = [heading for heading in present if heading not in known]
        if not missing and not unknown:
            return name, {key: present.index(heading) for key, heading in columns.items()}
        if not best or len(missing) + len(unknown) < len(best_missing) + len(best_unknown):
            best, best_missing, best_unknown = name, missing, unknown
    differences = []
    if best_missing:
        differences.append(f"it lacks the columns {', '.join(best_missing)}")
    if best_unknown:
        differences.append(f"it has columns OpenICS does not know: {', '.join(best_unknown)}")
    raise SourceError(
        f"{source} does not have the columns of a practice file layout OpenICS knows "
        f"({' or '.join(LAYOUTS)}): compared with {best}, {'; and '.join(differences)}"
    )


def _check_codes(codes: dict[str, str]) -> list[str]:
    problems = [
        f"{what} {codes[key]!r} is not a valid code"
        for key, (what, pattern) in _REQUIRED_CODES.items()
        if not pattern.match(codes[key])
    ]
    problems += [
        f"{what} {codes[key]!r} is not a valid code"
        for key, (what, pattern) in _OPTIONAL_CODES.items()
        if codes[key] and not pattern.match(codes[key])
    ]
    if codes["utla_code"] and not _UPPER_TIER.match(codes["utla_code"]):
        problems.append(f"upper-tier local authority code {codes['utla_code']!r} is not valid")
    return problems


def _unallocated_pcn(reading: _Reading) -> None:
    if reading.codes["pcn_code"] == "U":
        # The 2022/23 file writes a bare U, named "Unallocated", for a practice in no PCN.
        reading.codes["pcn_code"], reading.get["pcn_name"] = "", ""
        reading.oddities.append(_UNALLOCATED_PCN)


def _upper_tier(reading: _Reading) -> None:
    """Blanks an upper tier the file gets wrong (2023/24 and 2024/25 do; see the notes).

    Left in, a district would be filed as a county, or a county named after one of its
    districts. Blank is honest: the row type allows no upper tier.
    """
    codes, get = reading.codes, reading.get
    code, name = codes["utla_code"], get["utla_name"]
    if _DISTRICT.match(code):
        reading.oddities.append(_DISTRICT_AS_UPPER_TIER)
    elif code and code != codes["lad_code"] and name and name == get["lad_name"]:
        reading.oddities.append(_LOWER_NAME_AS_UPPER_TIER)
    else:
        return
    codes["utla_code"], get["utla_name"] = "", ""


def _numbers(reading: _Reading, population_heading: str) -> dict[str, Decimal]:
    """The list size, population and weights as Decimals; problems go on the reading."""
    texts = dict(reading.get)
    if not texts["registered_patients"] and texts["population"]:
        # From 2023/24 the Patients column is left empty and the registered population is
        # only in the population column.
        texts["registered_patients"] = texts["population"]
        reading.oddities.append(_PATIENTS_FROM_POPULATION.format(population=population_heading))
    for key in WEIGHTED:
        if not texts[key]:
            # The 2022/23 file leaves maternity blank for 17 special schemes and homes of a
            # handful of patients (later years print 0 for the same practices).
            texts[key] = "0"
            reading.notes.append(f"{key.replace('_', ' ')} weighted population blank, taken as 0")
    wanted = [("registered_patients", "Patients"), ("population", "Population")]
    wanted += [(key, f"weighted population {key.replace('_', ' ')}") for key in WEIGHTED]
    numbers: dict[str, Decimal] = {}
    for key, what in wanted:
        try:
            numbers[key] = decimal_or_error(texts[key], what)
        except ValueError as exc:
            reading.problems.append(str(exc))
    return numbers


def _coordinates(reading: _Reading) -> dict[str, Decimal | None]:
    """Latitude and longitude; blank is None (a practice may have no mapped position)."""
    values: dict[str, Decimal | None] = {"latitude": None, "longitude": None}
    for key, limit in (("latitude", 90), ("longitude", 180)):
        text = reading.get[key]
        try:
            value = decimal_or_error(text, key, allow_negative=True) if text else None
        except ValueError as exc:
            reading.problems.append(str(exc))
            continue
        if value is not None and abs(value) > limit:
            reading.problems.append(f"{key} {text} is not between -{limit} and {limit}")
            continue
        values[key] = value
    return values


_ZERO = Decimal(0)

# The fields a line is read into the quick way, in this order (the figures last).
_QUICK_FIELDS = (
    "practice_code",
    "practice_name",
    "postcode",
    "latitude",
    "longitude",
    "pcn_code",
    "pcn_name",
    "sub_icb_code",
    "sub_icb_name",
    "icb_code",
    "icb_name",
    "region_code",
    "region_name",
    "lad_code",
    "lad_name",
    "utla_code",
    "utla_name",
    "registered_patients",
    "population",
    *WEIGHTED,
)
_FIGURES = len(_QUICK_FIELDS) - 2 - len(WEIGHTED)  # where the figures start


class _Quick:
    """What a file's layout makes constant for every row read the quick way (_quick_row):
    which cells to take, in the order of _QUICK_FIELDS."""

    def __init__(self, columns: dict[str, int], layout: str) -> None:
        self.take = itemgetter(*(columns[key] for key in _QUICK_FIELDS))
        self.patients_blank = _PATIENTS_FROM_POPULATION.format(
            population=LAYOUTS[layout]["population"]
        )


def _quick_coordinate(text: str, limit: int) -> tuple[bool, Decimal | None]:
    if not text:
        return True, None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return False, None
    return (value.is_finite() and abs(value) <= limit), value


def _quick_row(line: int, cells: list[str], quick: _Quick) -> tuple[PracticeRow | None, bool]:
    """The row of a line that needs nothing but reading: every code valid, every name and
    figure present, no oddity but a blank Patients column (said by the flag given with
    it). None when anything else is so; then _read_row reads it in full and says what."""
    no = None, False
    values = list(map(str.strip, quick.take(cells)))
    (
        practice_code,
        practice_name,
        postcode,
        latitude_text,
        longitude_text,
        pcn_code,
        pcn_name,
        sub_icb_code,
        sub_icb_name,
        icb_code,
        icb_name,
        region_code,
        region_name,
        lad_code,
        lad_name,
        utla_code,
        utla_name,
    ) = values[:_FIGURES]
    practice_code, icb_code, region_code = (
        practice_code.upper(),
        icb_code.upper(),
        region_code.upper(),
    )
    lad_code, pcn_code, sub_icb_code, utla_code = (
        lad_code.upper(),
        pcn_code.upper(),
        sub_icb_code.upper(),
        utla_code.upper(),
    )
    if not (
        ODS_PRACTICE.match(practice_code)
        and ODS_ICB.match(icb_code)
        and ODS_REGION.match(region_code)
        and ONS_LA.match(lad_code)
        and (not pcn_code or ODS_PCN.match(pcn_code))
        and (not sub_icb_code or ODS_SUB_ICB.match(sub_icb_code))
        and (not utla_code or _UPPER_TIER.match(utla_code))
        and practice_name
        and icb_name
        and region_name
        and lad_name
    ):
        return no
    if utla_code and utla_code != lad_code and utla_name and utla_name == lad_name:
        return no  # an upper tier that cannot be trusted: said by the full reading
    texts = values[_FIGURES:]
    blank_patients = not texts[0]
    if blank_patients:
        texts[0] = texts[1]
    # Each figure as decimal_or_error takes a plain one (Decimal of the text, finite, not
    # negative, below LARGEST_FIGURE); any other is left to the full reading.
    try:
        numbers = list(map(Decimal, texts))
        if min(numbers) < _ZERO or max(numbers) >= LARGEST_FIGURE:
            return no
    except (InvalidOperation, ValueError):  # not a number, or a NaN compared
        return no
    fine, latitude = _quick_coordinate(latitude_text, 90)
    if not fine:
        return no
    fine, longitude = _quick_coordinate(longitude_text, 180)
    if not fine:
        return no
    row = PracticeRow(
        line=line,
        practice_code=practice_code,
        practice_name=practice_name,
        postcode=postcode.upper(),
        latitude=latitude,
        longitude=longitude,
        pcn_code=pcn_code,
        pcn_name=pcn_name,
        sub_icb_code=sub_icb_code,
        sub_icb_name=sub_icb_name,
        icb_code=icb_code,
        icb_name=icb_name,
        region_code=region_code,
        region_name=region_name,
        lad_code=lad_code,
        lad_name=lad_name,
        utla_code=utla_code,
        utla_name=utla_name,
        registered_patients=numbers[0],
        population=numbers[1],
        weighted=dict(zip(WEIGHTED, numbers[2:], strict=True)),
    )
    return row, blank_patients


def _read_row(
    line: int, cells: list[str], columns: dict[str, int], layout: str
) -> tuple[PracticeRow | None, _Reading]:
    get = {key: cells[i].strip() for key, i in columns.items()}
    reading = _Reading(line, get, {key: get[key].upper() for key in _CODES})
    _unallocated_pcn(reading)
    _upper_tier(reading)
    reading.problems += _check_codes(reading.codes)
    reading.problems += [f"{what} is empty" for key, what in _NAMES.items() if not get[key]]
    numbers = _numbers(reading, LAYOUTS[layout]["population"])
    place = _coordinates(reading)
    if reading.problems:
        return None, reading
    codes = reading.codes
    row = PracticeRow(
        line=line,
        practice_code=codes["practice_code"],
        practice_name=get["practice_name"],
        postcode=get["postcode"].upper(),
        latitude=place["latitude"],
        longitude=place["longitude"],
        pcn_code=codes["pcn_code"],
        pcn_name=get["pcn_name"],
        sub_icb_code=codes["sub_icb_code"],
        sub_icb_name=get["sub_icb_name"],
        icb_code=codes["icb_code"],
        icb_name=get["icb_name"],
        region_code=codes["region_code"],
        region_name=get["region_name"],
        lad_code=codes["lad_code"],
        lad_name=get["lad_name"],
        utla_code=codes["utla_code"],
        utla_name=get["utla_name"],
        registered_patients=numbers["registered_patients"],
        population=numbers["population"],
        weighted={key: numbers[key] for key in WEIGHTED},
    )
    return row, reading


@dataclass
class PracticeFile(Parsed[PracticeRow]):
    """The practices read, and where they were read: a CSV's lines, or a workbook sheet's rows."""

    sheet: str = ""  # the sheet read, when the file is a workbook
    year: str | None = None  # the financial year that sheet is for, when its name says

    def at(self, line: int) -> str:
        """Where a line of the file is, as a person finds it: "line 12" or a sheet's row."""
        return f"sheet {self.sheet!r}, row {line}" if self.sheet else f"line {line}"


def _read_table(
    records: Iterator[tuple[int, list[str]]], source: str, parsed: PracticeFile
) -> PracticeFile:
    first = next(records, None)
    if first is None:
        raise SourceError(f"{source} is empty")
    _, header = first
    layout, columns = _layout(header, source)
    parsed.layout = layout
    # The oddities accepted, each with how many rows and its first line (as _tally counts).
    seen: dict[str, list[int]] = {}
    first_seen: dict[str, int] = {}
    sheet = parsed.sheet
    quick = _Quick(columns, layout)
    rows = parsed.rows
    for line, cells in records:
        if len(cells) != len(header):
            reason = f"has {len(cells)} fields; the header has {len(header)}"
            parsed.errors.append(RowError(line, reason, sheet))
            continue
        # Most lines need only reading; any other is read in full, which says what is so.
        row, patients_blank = _quick_row(line, cells, quick)
        if row is not None and row.practice_code not in first_seen:
            first_seen[row.practice_code] = line
            rows.append(row)
            if patients_blank:
                _count(seen, quick.patients_blank, line)
            continue
        # A repeated practice, or a line with more to say: the full reading says it.
        row, reading = _read_row(line, cells, columns, layout)
        code = reading.codes["practice_code"]
        if code in first_seen:
            reading.problems.append(f"practice {code} is already on {parsed.at(first_seen[code])}")
        elif ODS_PRACTICE.match(code):
            # Remembered even when the row is bad, so a repeat of it is still caught.
            first_seen[code] = line
        if reading.problems or row is None:
            parsed.errors.append(RowError(line, "; ".join(reading.problems), sheet))
            continue
        rows.append(row)
        parsed.notes += [f"{parsed.at(line)}: {note}" for note in reading.notes]
        for oddity in reading.oddities:
            _count(seen, oddity, line)
    parsed.notes += _tally_notes(seen, parsed.at)
    return parsed


_SHEET_YEAR = re.compile(r"(20\d\d)\s*[-/_ ]\s*(?:20)?(\d\d)(?!\d)")


def _sheet_year(name: str) -> str | None:
    """'2025-26', '2025_2026', 'WP 2025/26' → '2025/26'; None when the name holds no year."""
    match = _SHEET_YEAR.search(name)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        return None
    return f"{match[1]}/{match[2]}"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet_records(sheet, practice_heading: str) -> Iterator[tuple[int, list[str]]]:
    """A sheet's rows as a CSV's records: from the header row (the first that has the
    practice code heading; notes rows above it are passed over), each with its row number."""
    wanted = _heading(practice_heading).lower()
    header: list[str] | None = None
    # Read-only mode yields an empty row for each row it skips, so counting gives row numbers.
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell_text(value) for value in values]
        if header is None:
            if any(_heading(cell).lower() == wanted for cell in cells):
                while cells and not cells[-1].strip():
                    cells.pop()
                header = cells
                yield number, cells
            continue
        if not any(cell.strip() for cell in cells):
            continue
        # A workbook row runs to the sheet's widest row: blank cells past the header are
        # not fields (a filled one is, and is reported as a ragged row).
        while len(cells) > len(header) and not cells[-1].strip():
            cells.pop()
        cells += [""] * (len(header) - len(cells))
        yield number, cells


def _choose_sheet(names: list[str], year: str | None, source: str) -> tuple[str, str | None]:
    years = {name: _sheet_year(name) for name in names}
    listed = ", ".join(repr(name) for name in names)
    if year:
        for name, sheet_year in years.items():
            if sheet_year == year:
                return name, sheet_year
        raise SourceError(
            f"{source} has no sheet for {year}: its sheets are {listed}; "
            "give the year of one of them with --year"
        )
    dated = [name for name, sheet_year in years.items() if sheet_year]
    if len(dated) == 1:
        return dated[0], years[dated[0]]
    if not dated and len(names) == 1:
        return names[0], None
    raise SourceError(
        f"{source} is a workbook with the sheets {listed}; "
        "say which year to read with --year (e.g. --year 2025-26)"
    )


def _parse_workbook(data: bytes, source: str, year: str | None) -> PracticeFile:
    import openpyxl  # only workbooks need it; the CSV reader stays light to import

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SourceError(f"{source} is not an Excel workbook OpenICS can read: {exc}") from None
    try:
        names = list(workbook.sheetnames)
        name, sheet_year = _choose_sheet(names, year, source)
        parsed = PracticeFile("", sheet=name, year=sheet_year)
        heading = _COMMON["practice_code"]
        records = _sheet_records(workbook[name], heading)
        try:
            _read_table(records, f"{source}, sheet {name!r},", parsed)
        except SourceError as exc:
            if "is empty" in str(exc):
                raise SourceError(
                    f"{source}, sheet {name!r}, has no row with the heading {heading}"
                ) from None
            raise
    finally:
        workbook.close()
    others = [other for other in names if other != name]
    parsed.notes.insert(
        0,
        f"read the sheet {name!r} of the workbook"
        + (f"; its other sheets ({', '.join(map(repr, others))}) were not read" if others else ""),
    )
    return parsed


def parse_practice_file(
    data: bytes, source: str = "practice file", *, year: str | None = None
) -> PracticeFile:
    """Every practice in the file, or every problem with it, each by its line (a workbook's
    by its sheet and row). A CSV, or NHS England's workbook: then the sheet for `year`
    (e.g. '2025/26'), or the only sheet named by a year."""
    if data[:4] == b"PK\x03\x04":  # a zip: an .xlsx workbook
        return _parse_workbook(data, source, year)
    return _read_table(read_csv_rows(decode(data, source), source), source, PracticeFile(""))
