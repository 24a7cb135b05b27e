"""Readers for small-area geography lookups: LSOA → sub-ICB, ICB and local authority; ICB shares."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from openics.sources.base import (
    ODS_ICB,
    ODS_SUB_ICB,
    ONS_ICB,
    ONS_LA,
    ONS_LSOA,
    Parsed,
    RowError,
    SourceError,
    checked,
    decimal_or_error,
    decode,
    read_csv_rows,
)
from openics.sources.rows import LsoaLookupRow

R = TypeVar("R")

# Sub-ICB locations merged since 2022 carry five-character codes (X2C4Y is Calderdale,
# Kirklees and Wakefield; W2U3Z North West London). They are real, current codes that the
# three-character pattern in base.py refuses, so readers accept either form.
SUB_ICB_MERGED = re.compile(r"^[A-Z]\d[A-Z]\d[A-Z]$")

# The derived shares are printed to four decimal places, so a share may differ from
# in_icb / in_lad by up to half a unit in the fourth place (plus a little slack).
SHARE_TOLERANCE = Decimal("0.0001")


def is_sub_icb_code(code: str) -> bool:
    return bool(ODS_SUB_ICB.match(code) or SUB_ICB_MERGED.match(code))


def whole_number(text: str, what: str, *, minimum: int = 0) -> int:
    """An int from text such as "12", "12,297" or "6.0" (R prints whole doubles that way)."""
    value = decimal_or_error(text, what, allow_negative=True)
    if value != value.to_integral_value():
        raise ValueError(f"{what} {text.strip()!r} is not a whole number")
    if value < minimum:
        if minimum == 0:
            raise ValueError(f"{what} is negative ({text.strip()})")
        raise ValueError(f"{what} is {text.strip()}; it must be at least {minimum}")
    return int(value)


def check_code(problems: list[str], what: str, value: str, valid: Callable[[str], bool]) -> None:
    if not valid(value):
        problems.append(f"{what} {value!r} is not a valid code")


def check_names(problems: list[str], get: dict[str, str], names: dict[str, str]) -> None:
    for key, what in names.items():
        if not get[key]:
            problems.append(f"{what} is empty")


def _layout(
    header: list[str], layouts: dict[str, dict[str, str]], source: str, what: str
) -> tuple[str, dict[str, int]]:
    present: dict[str, int] = {}
    best_missing: list[str]
    for i, name in enumerate(header):
        present.setdefault(name.strip(), i)
    best, best_missing = "", []
    for name, columns in layouts.items():
        missing = [heading for heading in columns.values() if heading not in present]
        if not missing:
            return name, {key: present[heading] for key, heading in columns.items()}
        if not best or len(missing) < len(best_missing):
            best, best_missing = name, missing
    known = " or ".join(layouts)
    raise SourceError(
        f"{source} is not a {what} layout OpenICS knows (expected {known}): "
        f"compared with {best}, it lacks the columns {', '.join(best_missing)}"
    )


def read_csv_table(
    data: bytes,
    source: str,
    what: str,
    layouts: dict[str, dict[str, str]],
    build: Callable[[int, dict[str, str], str], tuple[R | None, list[str]]],
    key: Callable[[R], tuple[Hashable, str]],
) -> Parsed[R]:
    """The loop every CSV reader shares.

    `layouts` maps a layout name to {our field: column heading}; the first whose headings
    are all present is used. `build(line, cells by field, layout)` returns a row or the
    problems with it. `key(row)` gives the value that must be unique and how to name it.
    """
    records = read_csv_rows(decode(data, source), source, keep_empty=True)
    first = next(records, None)
    if first is None:
        raise SourceError(f"{source} is empty")
    _, header = first  # the first record, even an empty one
    layout, columns = _layout(header, layouts, source, what)
    parsed: Parsed[R] = Parsed(layout)
    first_seen: dict[Hashable, int] = {}
    for start, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            parsed.errors.append(
                RowError(start, f"has {len(cells)} fields; the header has {len(header)}")
            )
            continue
        get = {field: cells[i].strip() for field, i in columns.items()}
        row, problems = build(start, get, layout)
        if problems or row is None:
            parsed.errors.append(RowError(start, "; ".join(problems) or "cannot be read"))
            continue
        unique, label = key(row)
        if unique in first_seen:
            parsed.errors.append(
                RowError(start, f"{label} is already on line {first_seen[unique]}")
            )
            continue
        first_seen[unique] = start
        parsed.rows.append(row)
    return parsed


# --- LSOA 2011 → sub-ICB, ICB and local authority (2022), as published by geographr -------

LSOA_LAYOUTS = {
    "geographr-lsoa11-sicbl22-icb22-ltla22": {
        "lsoa_name": "lsoa11_name",
        "lsoa_code": "lsoa11_code",
        "sub_icb_code": "sicbl22_code_h",
        "icb_code": "icb22_code_h",
        "icb_ons_code": "icb22_code",
        "lad_name": "ltla22_name",
        "lad_code": "ltla22_code",
    },
}


def _lsoa_row(
    line: int, get: dict[str, str], layout: str
) -> tuple[LsoaLookupRow | None, list[str]]:
    codes = {
        k: get[k].upper()
        for k in ("lsoa_code", "sub_icb_code", "icb_code", "icb_ons_code", "lad_code")
    }
    problems: list[str] = []
    check_code(problems, "LSOA code", codes["lsoa_code"], lambda c: bool(ONS_LSOA.match(c)))
    check_code(problems, "sub-ICB code", codes["sub_icb_code"], is_sub_icb_code)
    check_code(problems, "ICB code", codes["icb_code"], lambda c: bool(ODS_ICB.match(c)))
    check_code(problems, "ICB ONS code", codes["icb_ons_code"], lambda c: bool(ONS_ICB.match(c)))
    check_code(problems, "local authority code", codes["lad_code"], lambda c: bool(ONS_LA.match(c)))
    check_names(problems, get, {"lsoa_name": "LSOA name", "lad_name": "local authority name"})
    if problems:
        return None, problems
    return LsoaLookupRow(
        line=line,
        lsoa_code=codes["lsoa_code"],
        lsoa_name=get["lsoa_name"],
        sub_icb_code=codes["sub_icb_code"],
        icb_code=codes["icb_code"],
        icb_ons_code=codes["icb_ons_code"],
        lad_code=codes["lad_code"],
        lad_name=get["lad_name"],
    ), []


def parse_lsoa_lookup(data: bytes, source: str = "LSOA lookup") -> Parsed[LsoaLookupRow]:
    return read_csv_table(
        data,
        source,
        "LSOA lookup",
        LSOA_LAYOUTS,
        _lsoa_row,
        lambda row: (row.lsoa_code, f"LSOA {row.lsoa_code}"),
    )


# --- ICB × local authority shares derived from the LSOA lookup -----------------------------


@dataclass(frozen=True)
class IcbLadShareRow:
    """How much of one local authority (by count of LSOAs) lies in one ICB."""

    line: int
    icb_code: str  # NHS Qxx code
    icb_name: str
    lad_code: str
    lad_name: str
    lsoas_in_icb: int  # LSOAs of this local authority that lie in this ICB
    lsoas_in_lad: int  # all LSOAs of this local authority
    share: Decimal  # lsoas_in_icb / lsoas_in_lad, as printed in the file


PLACES_LAYOUTS = {
    "openics-icb22-ltla22-places": {
        "icb_code": "icb22_code_h",
        "icb_name": "icb22_name",
        "lad_code": "ltla22_code",
        "lad_name": "ltla22_name",
        "lsoas_in_icb": "lsoa11_count_in_icb",
        "lsoas_in_lad": "lsoa11_count_in_ltla",
        "share": "share_of_ltla_lsoas_in_icb",
    },
}


def _places_row(
    line: int, get: dict[str, str], layout: str
) -> tuple[IcbLadShareRow | None, list[str]]:
    icb_code, lad_code = get["icb_code"].upper(), get["lad_code"].upper()
    problems: list[str] = []
    check_code(problems, "ICB code", icb_code, lambda c: bool(ODS_ICB.match(c)))
    check_code(problems, "local authority code", lad_code, lambda c: bool(ONS_LA.match(c)))
    check_names(problems, get, {"icb_name": "ICB name", "lad_name": "local authority name"})
    in_icb = checked(problems, whole_number, get["lsoas_in_icb"], "LSOAs in ICB", minimum=1)
    in_lad = checked(
        problems, whole_number, get["lsoas_in_lad"], "LSOAs in local authority", minimum=1
    )
    share = checked(problems, decimal_or_error, get["share"], "share")
    if share is not None and share > 1:
        problems.append(f"share {get['share']} is more than 1")
    if in_icb is not None and in_lad is not None:
        if in_icb > in_lad:
            problems.append(f"LSOAs in ICB ({in_icb}) exceed LSOAs in local authority ({in_lad})")
        elif share is not None and abs(share - Decimal(in_icb) / Decimal(in_lad)) > SHARE_TOLERANCE:
            problems.append(f"share {get['share']} does not equal {in_icb} / {in_lad}")
    if problems or in_icb is None or in_lad is None or share is None:
        return None, problems
    return IcbLadShareRow(
        line=line,
        icb_code=icb_code,
        icb_name=get["icb_name"],
        lad_code=lad_code,
        lad_name=get["lad_name"],
        lsoas_in_icb=in_icb,
        lsoas_in_lad=in_lad,
        share=share,
    ), []


def parse_places_derived(data: bytes, source: str = "ICB places file") -> Parsed[IcbLadShareRow]:
    parsed = read_csv_table(
        data,
        source,
        "ICB places",
        PLACES_LAYOUTS,
        _places_row,
        lambda row: ((row.icb_code, row.lad_code), f"ICB {row.icb_code} with {row.lad_code}"),
    )
    # A local authority's LSOA total must be the same on each of its rows, or the shares
    # of that authority would not add up.
    first: dict[str, IcbLadShareRow] = {}
    kept: list[IcbLadShareRow] = []
    for row in parsed.rows:
        earlier = first.setdefault(row.lad_code, row)
        if earlier.lsoas_in_lad != row.lsoas_in_lad:
            parsed.errors.append(
                RowError(
                    row.line,
                    f"{row.lad_code} has {row.lsoas_in_lad} LSOAs here but {earlier.lsoas_in_lad} "
                    f"on line {earlier.line}",
                )
            )
            continue
        kept.append(row)
    parsed.rows = kept
    parsed.errors.sort(key=lambda error: error.line)
    return parsed
