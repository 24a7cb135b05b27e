"""Readers for the tables of the April 2026 ICB successions, each recognised by its columns.

Four small tables (see data/SOURCES.md): who succeeded whom (predecessor → successor, dated,
merger/split/acquisition); the ICBs from 1 April 2026 with ONS code, ODS code and region;
the areas (local authority districts) each successor takes from a split ICB; and the
stated weights by which a split sub-ICB location is apportioned. Pure: bytes in, rows and
every bad row with its line out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openics.sources.base import (
    ONS_ICB,
    ONS_LA,
    Parsed,
    RowError,
    SourceError,
    checked,
    decimal_or_error,
    decode,
    keep_row,
    read_csv_rows,
)

SUCCESSIONS = "icb-successions"
ICB_LIST = "icb-list-2026"
SPLIT_AREAS = "icb-split-areas"
SUB_ICB_WEIGHTS = "sub-icb-split-weights"

SUCCESSION_KINDS = ("merger", "split", "acquisition")
# ODS ICB codes: three characters from 2022 (QUA), five for those made by the 2026 mergers.
ODS_ICB_ANY = re.compile(r"^Q[A-Z0-9]{2}$|^[A-Z]\d[A-Z]\d[A-Z]$")
ODS_SUB_ICB_ANY = re.compile(r"^[0-9]{2}[A-Z0-9]$|^[A-Z0-9]{3}$|^[A-Z]\d[A-Z]\d[A-Z]$")

# Columns that identify each table (a table may have more).
LAYOUTS: dict[str, tuple[str, ...]] = {
    SUCCESSIONS: (
        "predecessor_ods_code",
        "successor_ods_code",
        "succession_date",
        "succession_type",
    ),
    ICB_LIST: ("icb26cd", "icb26cdh_ods_code", "icb26nm", "nhs_region", "predecessors_ods"),
    SPLIT_AREAS: ("predecessor_ods_code", "successor_ods_code", "area_ons_code"),
    SUB_ICB_WEIGHTS: ("old_sub_icb_code", "pop_weight", "new_sub_icb_code", "new_icb_code"),
}


@dataclass(frozen=True)
class SuccessionRow:
    line: int
    predecessor_code: str
    predecessor_name: str
    successor_code: str
    successor_name: str
    on: date
    kind: str  # merger, split or acquisition
    note: str


@dataclass(frozen=True)
class IcbListRow:
    line: int
    ons_code: str
    ods_code: str
    name: str
    region_name: str
    status: str  # "unchanged", "new" or "boundary change"
    predecessor_codes: tuple[str, ...]


@dataclass(frozen=True)
class SplitAreaRow:
    line: int
    predecessor_code: str
    successor_code: str
    area_code: str  # ONS code of a local authority district (or unitary)
    area_name: str


@dataclass(frozen=True)
class SubIcbWeightRow:
    line: int
    old_sub_icb_code: str
    old_sub_icb_name: str
    weight: Decimal
    new_sub_icb_code: str
    new_sub_icb_name: str
    new_icb_code: str


def _layout_of(header: list[str], source: str) -> str:
    names = {h.strip().lower() for h in header}
    # The most specific first: the successions table and the split areas share two columns.
    for layout in (SUCCESSIONS, ICB_LIST, SUB_ICB_WEIGHTS, SPLIT_AREAS):
        if set(LAYOUTS[layout]) <= names:
            if layout == ICB_LIST and not any(n.startswith("status") for n in names):
                continue
            return layout
    known = "; ".join(f"{k}: {', '.join(v)}" for k, v in LAYOUTS.items())
    raise SourceError(
        f"{source} is not a table of successions this project knows (its columns are "
        f"{', '.join(h.strip() for h in header)}); known tables have the columns {known}"
    )


def _code(problems: list[str], value: str, pattern: re.Pattern, what: str) -> str:
    value = value.strip().upper()
    if not pattern.match(value):
        problems.append(f"{what} {value!r} is not a valid code")
    return value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"date {text.strip()!r} is not a date like 2026-04-01") from None


def _status(text: str) -> str:
    value = text.strip().lower()
    if value.startswith("new"):
        return "new"
    if "boundary change" in value:
        return "boundary change"
    if value.startswith("continuing"):
        return "unchanged"
    raise ValueError(f"status {text.strip()!r} is none of new, continuing, boundary change")


def parse_successions_table(data: bytes, source: str) -> Parsed:
    """One of the four tables, recognised by its columns; the layout says which."""
    records = read_csv_rows(decode(data, source), source)
    first = next(records, None)
    if first is None:
        raise SourceError(f"{source} is empty")
    _, header = first
    layout = _layout_of(header, source)
    index = {h.strip().lower(): i for i, h in enumerate(header)}
    status_column = next((h for h in index if h.startswith("status")), "")
    parsed = Parsed(layout)
    for line, cells in records:
        cells = cells + [""] * (len(header) - len(cells))

        def cell(name: str, cells=cells) -> str:
            return cells[index[name]].strip() if name in index else ""

        problems: list[str] = []
        row = None
        if layout == SUCCESSIONS:
            kind = cell("succession_type").lower()
            if kind not in SUCCESSION_KINDS:
                problems.append(
                    f"succession type {kind!r} is none of {', '.join(SUCCESSION_KINDS)}"
                )
            row = SuccessionRow(
                line,
                _code(problems, cell("predecessor_ods_code"), ODS_ICB_ANY, "predecessor"),
                cell("predecessor_name"),
                _code(problems, cell("successor_ods_code"), ODS_ICB_ANY, "successor"),
                cell("successor_name"),
                checked(problems, _day, cell("succession_date")),
                kind,
                cell("notes"),
            )
            if row.predecessor_code == row.successor_code:
                problems.append(f"{row.predecessor_code} cannot succeed itself")
        elif layout == ICB_LIST:
            predecessors = tuple(
                p.strip().upper() for p in cell("predecessors_ods").split("|") if p.strip()
            )
            for code in predecessors:
                _code(problems, code, ODS_ICB_ANY, "predecessor")
            row = IcbListRow(
                line,
                _code(problems, cell("icb26cd"), ONS_ICB, "ONS code"),
                _code(problems, cell("icb26cdh_ods_code"), ODS_ICB_ANY, "ODS code"),
                cell("icb26nm"),
                cell("nhs_region"),
                checked(problems, _status, cell(status_column)) or "",
                predecessors,
            )
            if not row.name or not row.region_name:
                problems.append("an ICB needs a name and a region")
        elif layout == SPLIT_AREAS:
            row = SplitAreaRow(
                line,
                _code(problems, cell("predecessor_ods_code"), ODS_ICB_ANY, "predecessor"),
                _code(problems, cell("successor_ods_code"), ODS_ICB_ANY, "successor"),
                _code(problems, cell("area_ons_code"), ONS_LA, "local authority"),
                cell("area_name"),
            )
        else:
            weight = checked(problems, decimal_or_error, cell("pop_weight"), "weight")
            if weight is not None and not (0 < weight <= 1):
                problems.append(f"weight {weight} is not a share between 0 and 1")
            row = SubIcbWeightRow(
                line,
                _code(problems, cell("old_sub_icb_code"), ODS_SUB_ICB_ANY, "sub-ICB location"),
                cell("old_sub_icb_name"),
                weight or Decimal(0),
                _code(problems, cell("new_sub_icb_code"), ODS_SUB_ICB_ANY, "sub-ICB location"),
                cell("new_sub_icb_name"),
                _code(problems, cell("new_icb_code"), ODS_ICB_ANY, "ICB"),
            )
        keep_row(parsed, line, row, problems)
    if layout == SUB_ICB_WEIGHTS:
        totals: dict[str, Decimal] = {}
        for row in parsed.rows:
            totals[row.old_sub_icb_code] = totals.get(row.old_sub_icb_code, 0) + row.weight
        for code, total in totals.items():
            if abs(total - 1) > Decimal("0.000001"):
                line = next(r.line for r in parsed.rows if r.old_sub_icb_code == code)
                parsed.errors.append(
                    RowError(line, f"the weights of {code} add up to {total}, not 1")
                )
    return parsed
