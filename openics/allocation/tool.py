"""The national and place calculations as tables, for `openics allocate` (CSV, JSON, table).

Places can be defined three ways, as NHS England's place-based tool allows: by local
authority district, by primary care network, or by a mapping file of practice codes to
place codes. A mapping file is checked row by row before anything is computed.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from openics.allocation import formula
from openics.kernel import spreadsheets
from openics.kernel.money import Money, MoneyError
from openics.organisations import selectors as registry
from openics.organisations.models import Organisation, Relationship, RelationshipKind
from openics.population.models import WEIGHTED_FIELDS, PracticePopulation
from openics.regimes.vocabulary import BodyKind
from openics.sources.base import Parsed, RowError, SourceError, decode
from openics.sources.practice_file import WEIGHTED_HEADINGS

LINES = {"core": "core", "primary_medical_care": "primary_medical_care_final"}


class ToolError(ValueError):
    """The calculation cannot be done as asked; the message (and rows) say why."""

    def __init__(self, message: str, errors: list[RowError] | None = None):
        super().__init__(message)
        self.errors = errors or []


def _practice_populations(financial_year: str, practice_ids=None) -> dict:
    rows = PracticePopulation.objects.for_year(financial_year)
    if practice_ids is not None:
        rows = rows.filter(practice_id__in=practice_ids)
    fields = ["practice_id", "registered", *WEIGHTED_FIELDS.values()]
    return {r[0]: dict(zip(fields[1:], r[1:], strict=True)) for r in rows.values_list(*fields)}


# -- national --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Totals:
    national: dict[str, Money]  # line → England's total
    actual: dict[tuple[str, str], Money]  # (ICB code, line) → actual allocation


def parse_totals(data: bytes, source: str = "totals file") -> Parsed:
    """A CSV with columns scope,line,amount: scope ENGLAND or an ICB code; amount in £."""
    reader = csv.DictReader(io.StringIO(decode(data, source), newline=""))
    if reader.fieldnames is None or {"scope", "line", "amount"} - set(reader.fieldnames):
        raise SourceError(f"{source} needs the columns scope,line,amount")
    parsed: Parsed = Parsed("openics-totals")
    seen: dict = {}
    for number, row in enumerate(reader, start=2):
        scope, line = row["scope"].strip().upper(), row["line"].strip()
        problems = []
        if line not in LINES:
            problems.append(f"line {line!r} is not one of {', '.join(LINES)}")
        try:
            amount = Money.parse(row["amount"])
            if amount.pence <= 0:
                problems.append("amount must be more than £0.00")
        except MoneyError as exc:
            problems.append(str(exc))
        if (scope, line) in seen:
            problems.append(f"{scope} {line} is already on line {seen[(scope, line)]}")
        if problems:
            parsed.errors.append(RowError(number, "; ".join(problems)))
            continue
        seen[(scope, line)] = number
        parsed.rows.append((number, scope, line, amount))
    return parsed


def read_totals(data: bytes, source: str, icb_codes: set[str]) -> Totals:
    try:
        parsed = parse_totals(data, source)
    except SourceError as exc:
        raise ToolError(str(exc)) from exc
    errors = list(parsed.errors)
    national, actual = {}, {}
    for number, scope, line, amount in parsed.rows:
        if scope == "ENGLAND":
            national[line] = amount
        elif scope in icb_codes:
            actual[(scope, line)] = amount
        else:
            errors.append(RowError(number, f"unknown ICB code {scope}"))
    for line in {line for (_code, line) in actual}:
        if line not in national:
            errors.append(RowError(1, f"ICB figures for {line} but no ENGLAND total for it"))
    for line, amount in national.items():
        icbs = [a for (_code, of_line), a in actual.items() if of_line == line]
        if len(icbs) == len(icb_codes) and sum(icbs, Money(0)) != amount:
            errors.append(
                RowError(
                    1,
                    f"the ICB {line} figures add up to "
                    f"{sum(icbs, Money(0))}, not England's {amount}",
                )
            )
    if errors:
        raise ToolError(f"{source} was rejected; nothing was computed", errors)
    return Totals(national, actual)


def national_rows(financial_year: str, totals: Totals | None = None) -> list[dict]:
    """One row per ICB of the year and line: weighted population and target share (and
    target, actual). A year is reported by the ICBs its practices were within on its last
    day: 2025/26 by the 42 ICBs of 2025/26, even after the 2026 successions."""
    from openics.population.selectors import reporting_day

    links = dict(
        Relationship.objects.in_force_on(reporting_day(financial_year))
        .filter(
            kind=RelationshipKind.WITHIN,
            child__kind=BodyKind.GP_PRACTICE.value,
            parent__kind=BodyKind.ICB.value,
        )
        .values_list("child_id", "parent_id")
    )
    populations = _practice_populations(financial_year)
    if not populations:
        raise ToolError(f"no practice populations are loaded for {financial_year}")
    icbs = Organisation.objects.in_bulk(set(links.values()))
    rows = []
    for line, field_key in LINES.items():
        field = WEIGHTED_FIELDS[field_key]
        weights: dict[str, Decimal] = defaultdict(Decimal)
        for practice_id, values in populations.items():
            if practice_id in links:
                weights[icbs[links[practice_id]].code] += values[field]
        weights = dict(sorted(weights.items()))
        fractions = formula.exact_shares(weights)
        national = totals.national.get(line) if totals else None
        targets = formula.share_out(national, weights) if national else {}
        for code, weight in weights.items():
            row = {
                "icb_code": code,
                "line": line,
                "weighted_population": weight,
                "target_share": fractions[code],
            }
            if national:
                actual = totals.actual.get((code, line))
                row["target"] = targets[code].to_decimal()
                row["actual"] = actual.to_decimal() if actual else None
                row["distance_from_target"] = (
                    formula.distance_from_target(actual.to_decimal(), targets[code].to_decimal())
                    if actual
                    else None
                )
            rows.append(row)
    return rows


# -- places ----------------------------------------------------------------------------------
def _places_by(icb: Organisation, by: str, mapping: bytes | None, source: str) -> dict:
    """Practice id → (place code, place name) for the ICB's practices."""
    practices = {p.pk: p for p in registry.current_children(icb, BodyKind.GP_PRACTICE)}
    if by == "place":  # the ICB's own places; practices in none form one more group
        result = {pk: ("not-in-a-place", "Practices in no place") for pk in practices}
        for link in (
            Relationship.objects.current()
            .filter(kind=RelationshipKind.IN_PLACE, child_id__in=practices)
            .select_related("parent")
        ):
            result[link.child_id] = (str(link.parent_id), link.parent.name)
        return result
    if by in ("lad", "pcn"):
        kind = RelationshipKind.LOCATED_IN if by == "lad" else RelationshipKind.MEMBER
        parent_kind = BodyKind.LOCAL_AUTHORITY if by == "lad" else BodyKind.PCN
        result = {}
        for link in (
            Relationship.objects.current()
            .filter(kind=kind, child_id__in=practices, parent__kind=parent_kind.value)
            .select_related("parent")
        ):
            result[link.child_id] = (link.parent.public_code, link.parent.name)
        return result
    return _read_mapping(mapping, source, icb, practices)


def _read_mapping(data: bytes, source: str, icb: Organisation, practices: dict) -> dict:
    reader = csv.DictReader(io.StringIO(decode(data, source), newline=""))
    if reader.fieldnames is None or {"practice_code", "place_code"} - set(reader.fieldnames):
        raise ToolError(f"{source} needs the columns practice_code,place_code[,place_name]")
    by_code = {p.code: p for p in practices.values()}
    elsewhere = {o.code: o for o in Organisation.objects.filter(kind=BodyKind.GP_PRACTICE.value)}
    errors, result, first = [], {}, {}
    for number, row in enumerate(reader, start=2):
        code = (row.get("practice_code") or "").strip().upper()
        place = (row.get("place_code") or "").strip()
        if not place:
            errors.append(RowError(number, f"practice {code} has no place code"))
        elif code in first:
            errors.append(
                RowError(
                    number,
                    f"practice {code} is already in a place on line "
                    f"{first[code]}; a practice is in one place only",
                )
            )
        elif code not in by_code:
            where = (
                registry.current_parent(elsewhere[code], BodyKind.ICB)
                if code in elsewhere
                else None
            )
            errors.append(
                RowError(
                    number,
                    f"practice {code} is a practice of {where.name}"
                    if where
                    else f"unknown practice code {code!r}",
                )
            )
        else:
            first[code] = number
            result[by_code[code].pk] = (place, (row.get("place_name") or place).strip())
    if errors:
        raise ToolError(f"{source} was rejected; nothing was computed", errors)
    return result


def place_rows(
    icb: Organisation,
    financial_year: str,
    by: str,
    mapping: bytes | None = None,
    source: str = "mapping file",
) -> list[dict]:
    """One row per place and component: population, weighted population, need index."""
    assignment = _places_by(icb, by, mapping, source)
    populations = _practice_populations(financial_year, list(assignment) or [None])
    if not populations:
        raise ToolError(f"no populations for {icb.name}'s practices in {financial_year}")
    unplaced = set(assignment) - set(populations)
    if unplaced and by == "file":
        raise ToolError(f"{len(unplaced)} mapped practice(s) have no {financial_year} population")
    places: dict[str, dict] = {}
    for practice_id, values in populations.items():
        code, name = assignment[practice_id]
        place = places.setdefault(
            code,
            {"name": name, "registered": Decimal(0), **{c: Decimal(0) for c in WEIGHTED_FIELDS}},
        )
        place["registered"] += values["registered"]
        for component, field in WEIGHTED_FIELDS.items():
            place[component] += values[field]
    whole_pop = sum(p["registered"] for p in places.values())
    rows = []
    for component, heading in WEIGHTED_HEADINGS.items():  # as the practice file heads them
        whole_wp = sum(p[component] for p in places.values())
        for code in sorted(places):
            p = places[code]
            if p["registered"] <= 0:
                raise ToolError(f"place {code} has no registered population")
            rows.append(
                {
                    "place_code": code,
                    "place_name": p["name"],
                    "component": heading,
                    "population": p["registered"],
                    "weighted_population": p[component],
                    "need_index": formula.need_index(
                        p[component], p["registered"], whole_wp, whole_pop
                    ),
                }
            )
    return rows


def render(rows: list[dict], fmt: str) -> str:
    """Rows as CSV, JSON or an aligned table; numbers exactly as computed (as text)."""
    import json

    if not rows:
        return ""
    columns = list(rows[0])
    for row in rows[1:]:
        columns += [c for c in row if c not in columns]
    text = [{c: ("" if r.get(c) is None else str(r[c])) for c in columns} for r in rows]
    if fmt == "json":
        return json.dumps(text, indent=1) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = spreadsheets.writer(out)
        writer.writerow(columns)
        writer.writerows([row[c] for c in columns] for row in text)
        return out.getvalue()
    short = [
        {
            c: (v[:14] if c not in ("place_name", "icb_code", "place_code") else v[:28])
            for c, v in r.items()
        }
        for r in text
    ]
    widths = {c: max(len(c), *(len(r[c]) for r in short)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns)]
    lines += ["  ".join(r[c].ljust(widths[c]) for c in columns) for r in short]
    return "\n".join(lines) + "\n"
