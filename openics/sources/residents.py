"""Reader for ONS mid-year population estimates (MYE2, persons, by single year of age).

The file lists every area of England and Wales in one table, nested by order: a country,
then each region, and within a region its unitary authorities, London boroughs and
counties or metropolitan counties, each county followed by its districts. Only the
districts (E06 unitary, E07 non-metropolitan, E08 metropolitan, E09 London) partition
England; counties, regions and countries are totals of them. The reader keeps every row,
says which county and region each row sits in, and checks each total against the rows it
sums, so a row out of place or a wrong figure is caught at its line.
"""

from __future__ import annotations

import re

from openics.sources.base import Parsed, RowError, SourceError, decode, read_csv_rows
from openics.sources.geography import whole_number
from openics.sources.rows import ResidentRow

AGE_COLUMNS = [str(age) for age in range(90)] + ["90+"]
HEADER = ["Code", "Name", "Geography", "All ages", *AGE_COLUMNS]
LAYOUT = "ons-mye2-persons-single-year"

# The file's geography words, and the ONS code prefixes each may carry.
GEOGRAPHIES: dict[str, tuple[str, ...]] = {
    "Country": ("K04", "E92", "W92"),
    "Region": ("E12",),
    "County": ("E10",),
    "Metropolitan County": ("E11",),
    "Unitary Authority": ("E06", "W06"),
    "Non-metropolitan District": ("E07",),
    "Metropolitan District": ("E08",),
    "London Borough": ("E09",),
}
# Areas that partition a region: every person is in exactly one of them.
DISTRICT_GEOGRAPHIES = {
    "Unitary Authority",
    "Non-metropolitan District",
    "Metropolitan District",
    "London Borough",
}
ENGLISH_DISTRICT = re.compile(r"^E0[6-9]\d{6}$")
COUNTY_COUNCIL = re.compile(r"^E10\d{6}$")
_CODE = re.compile(r"^[EKW]\d{8}$")
# Rows a county's districts may follow; a district after any other row closes the county.
_COUNTIES = {"County", "Metropolitan County"}


def mid_year_from_name(name: str) -> int | None:
    """The year of the estimates from ONS's file name (mye24tablesew… → 2024), if it says."""
    match = re.search(r"mye(\d{2})", name.lower())
    return 2000 + int(match.group(1)) if match else None


def _header(cells: list[str], source: str) -> None:
    names = [cell.strip() for cell in cells]
    if names != HEADER:
        missing = [h for h in HEADER if h not in names]
        extra = [h for h in names if h not in HEADER]
        detail = []
        if missing:
            detail.append(f"it lacks {', '.join(missing[:8])}{'…' if len(missing) > 8 else ''}")
        if extra:
            detail.append(f"it has {', '.join(extra[:8])}{'…' if len(extra) > 8 else ''}")
        if not detail:
            detail.append("its columns are in another order")
        raise SourceError(
            f"{source} is not ONS mid-year estimates by single year of age (MYE2 persons: "
            f"Code, Name, Geography, All ages, 0 … 89, 90+): {'; '.join(detail)}"
        )


def _row(
    line: int, cells: list[str], county: str, region: str
) -> tuple[ResidentRow | None, list[str]]:
    code, name, geography = (cell.strip() for cell in cells[:3])
    problems: list[str] = []
    if not _CODE.match(code):
        problems.append(f"area code {code!r} is not an ONS code")
    if not name:
        problems.append("area name is empty")
    if geography not in GEOGRAPHIES:
        known = ", ".join(GEOGRAPHIES)
        problems.append(f"geography {geography!r} is not one this file uses ({known})")
    elif _CODE.match(code) and code[:3] not in GEOGRAPHIES[geography]:
        problems.append(f"area code {code} is not a code for a {geography}")
    total = None
    try:
        total = whole_number(cells[3], "All ages")
    except ValueError as exc:
        problems.append(str(exc))
    ages: list[int] = []
    for heading, text in zip(AGE_COLUMNS, cells[4:], strict=True):
        try:
            ages.append(whole_number(text, f"age {heading}"))
        except ValueError as exc:
            problems.append(str(exc))
    if total is not None and len(ages) == len(AGE_COLUMNS) and sum(ages) != total:
        problems.append(f"All ages is {total:,} but the single years add up to {sum(ages):,}")
    if problems:
        return None, problems
    in_county = (
        county if geography in {"Non-metropolitan District", "Metropolitan District"} else ""
    )
    return ResidentRow(
        line=line,
        code=code,
        name=name,
        geography=geography,
        all_ages=total,
        ages=tuple(ages),
        county_code=in_county,
        region_code=region if geography not in {"Country", "Region"} else "",
    ), []


def _check_totals(parsed: Parsed[ResidentRow]) -> None:
    """Each county, region and country against the districts it holds."""
    districts = [r for r in parsed.rows if r.geography in DISTRICT_GEOGRAPHIES]
    sums: dict[str, int] = {}
    for r in districts:
        for parent in (r.county_code, r.region_code):
            if parent:
                sums[parent] = sums.get(parent, 0) + r.all_ages
        country = {"E": "E92000001", "W": "W92000004"}[r.code[0]]
        sums[country] = sums.get(country, 0) + r.all_ages
        sums["K04000001"] = sums.get("K04000001", 0) + r.all_ages
    for r in parsed.rows:
        if r.geography in DISTRICT_GEOGRAPHIES:
            continue
        held = sums.get(r.code)
        if held is None:
            parsed.errors.append(
                RowError(r.line, f"{r.geography} {r.name} has no districts listed under it")
            )
            continue
        if held != r.all_ages:
            parsed.errors.append(
                RowError(
                    r.line,
                    f"{r.geography} {r.name} has {r.all_ages:,} residents but the districts "
                    f"listed under it add up to {held:,}",
                )
            )


def parse_mid_year_estimates(
    data: bytes, source: str = "mid-year estimates"
) -> Parsed[ResidentRow]:
    """Every row of the file, districts and the totals above them, each total checked."""
    records = read_csv_rows(decode(data, source), source)
    first = next(records, None)
    if first is None:
        raise SourceError(f"{source} is empty")
    _header(first[1], source)
    parsed: Parsed[ResidentRow] = Parsed(LAYOUT)
    seen: dict[str, int] = {}
    county = region = ""
    for line, cells in records:
        if len(cells) != len(HEADER):
            parsed.errors.append(
                RowError(line, f"has {len(cells)} fields; the header has {len(HEADER)}")
            )
            continue
        geography = cells[2].strip()
        code = cells[0].strip()
        if geography in {"Country", "Region"}:
            county = ""
            region = code if geography == "Region" else ""
        elif geography in _COUNTIES:
            county = code
        elif geography in {"Unitary Authority", "London Borough"}:
            county = ""  # a unitary or a borough is never inside a county
        row, problems = _row(line, cells, county, region)
        if geography in _COUNTIES and row is None:
            county = ""
        if row is None:
            parsed.errors.append(RowError(line, "; ".join(problems)))
            continue
        if row.code in seen:
            parsed.errors.append(
                RowError(line, f"area {row.code} is already on line {seen[row.code]}")
            )
            continue
        seen[row.code] = line
        parsed.rows.append(row)
    if not parsed.errors:
        _check_totals(parsed)
    return parsed
