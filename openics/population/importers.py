"""Importing populations (NHS England's practice file), geography (who covers where) and
deprivation: all or nothing, audited."""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal
from itertools import compress, repeat
from operator import attrgetter, itemgetter, methodcaller

from openics.core.audit import Auditor, service, snapshot, together
from openics.core.bulk import (
    Prepared,
    Same,
    collector_paused,
    db_value,
    insert_columns,
    raw_values,
    writes_in_background,
)
from openics.core.imports import (
    ImportRejected,
    ImportReport,
    create_or_update,
    parse_or_reject,
    record_import,
    values_too_long,
)
from openics.kernel.years import FinancialYear
from openics.organisations.importers import (
    ICBS_ESTABLISHED,
    RegistryChanges,
    current_links,
    financial_year_from_name,
    ics_name_of,
    la_tier,
    sync_relationships,
)
from openics.organisations.models import (
    LocalAuthorityTier,
    Organisation,
    OwnershipClass,
    Relationship,
    RelationshipKind,
)
from openics.population.models import (
    WEIGHTED_FIELDS,
    AreaDeprivation,
    IcbLocalAuthorityOverlap,
    PracticePopulation,
)
from openics.regimes.vocabulary import BodyKind
from openics.sources.base import RowError
from openics.sources.rows import PracticeRow

LSOA_SOURCE = "ONS LSOA11 to sub-ICB, ICB and LAD 2022 lookup"


def _parse(parser, data: bytes, source_name: str):
    return parse_or_reject(parser, data, source_name)


def _record_run(kind, source_name, data, parsed, report: ImportReport, audit: Auditor) -> None:
    record_import(audit, report, hashlib.sha256(data).hexdigest())


@service("population.import_lsoa_lookup")
def _apply_lsoa_lookup(*, data: bytes, source_name: str, parsed, audit: Auditor) -> ImportReport:
    icbs = {o.code: o for o in Organisation.objects.filter(kind=BodyKind.ICB.value)}
    errors, first_line = [], {}
    counts: dict[tuple[str, str], int] = defaultdict(int)
    la_totals: dict[str, int] = defaultdict(int)
    la_names: dict[str, str] = {}
    for row in parsed.rows:
        if row.icb_code not in icbs:
            if row.icb_code not in first_line:
                errors.append(
                    RowError(
                        row.line,
                        f"unknown ICB code {row.icb_code}: import the "
                        "practice file first so the registry knows its ICBs",
                    )
                )
            first_line.setdefault(row.icb_code, row.line)
            continue
        counts[(row.icb_code, row.lad_code)] += 1
        la_totals[row.lad_code] += 1
        la_names.setdefault(row.lad_code, row.lad_name)
    if errors:
        raise ImportRejected(source_name, errors)

    report = ImportReport("geography", source_name, parsed.layout, len(parsed.rows))
    # The lookup gives each ICB's ONS code, which other ONS-based files use.
    ons_codes = {row.icb_code: row.icb_ons_code for row in parsed.rows}
    for code, icb in icbs.items():
        if ons_codes.get(code) and icb.ons_code != ons_codes[code]:
            before = snapshot(icb)
            icb.ons_code = ons_codes[code]
            icb.save(update_fields=["ons_code", "updated_at"])
            audit.changed(icb, before, action="organisations.update")
            report.changed += 1
    las = {o.ons_code: o for o in Organisation.objects.filter(kind=BodyKind.LOCAL_AUTHORITY.value)}
    for code, name in la_names.items():
        if code not in las:
            las[code] = Organisation.objects.create(
                kind=BodyKind.LOCAL_AUTHORITY.value,
                ons_code=code,
                name=name,
                ownership=OwnershipClass.LOCAL_AUTHORITY,
                legal_form="Local authority",
                local_authority_tier=la_tier(code),
            )
            audit.created(las[code], action="organisations.create")
            report.created += 1
    existing = {
        (o.icb.code, o.local_authority.ons_code): o
        for o in IcbLocalAuthorityOverlap.objects.select_related("icb", "local_authority")
    }
    changes, new = [], []
    for (icb_code, lad_code), n in counts.items():
        current = existing.get((icb_code, lad_code))
        if current is None:
            new.append(
                IcbLocalAuthorityOverlap(
                    icb=icbs[icb_code],
                    local_authority=las[lad_code],
                    lsoas_in_both=n,
                    lsoas_in_local_authority=la_totals[lad_code],
                    source=LSOA_SOURCE,
                )
            )
        elif (current.lsoas_in_both, current.lsoas_in_local_authority) != (n, la_totals[lad_code]):
            before = snapshot(current)
            current.lsoas_in_both, current.lsoas_in_local_authority = n, la_totals[lad_code]
            current.save()
            changes.append({"obj": current, "before": before, "after": snapshot(current)})
        else:
            report.unchanged += 1
    IcbLocalAuthorityOverlap.objects.bulk_create(new)
    changes += [
        {"obj": o, "after": snapshot(o), "action": "population.overlap_create"} for o in new
    ]
    audit.record_many(changes)
    report.created += len(new)
    report.changed += len(changes) - len(new)
    _record_run("geography", source_name, data, parsed, report, audit)
    return report


def import_lsoa_lookup(data: bytes, *, source_name: str, actor, reason: str) -> ImportReport:
    """Imports the ONS LSOA → ICB → local authority lookup as overlaps of ICBs and LAs."""
    from openics.sources.geography import parse_lsoa_lookup

    parsed = _parse(parse_lsoa_lookup, data, source_name)
    return _apply_lsoa_lookup(
        data=data, source_name=source_name, parsed=parsed, actor=actor, reason=reason
    )


@service("population.import_deprivation")
def _apply_deprivation(*, data: bytes, source_name: str, parsed, audit: Auditor) -> ImportReport:
    by_icb = parsed.layout.endswith("icb24")
    if by_icb:
        # IoD summaries use ONS E54 codes, which the geography import records on each ICB.
        areas = {
            o.ons_code: o
            for o in Organisation.objects.filter(kind=BodyKind.ICB.value).exclude(ons_code="")
        }
        by_name = {}
    else:
        areas = {
            o.ons_code: o for o in Organisation.objects.filter(kind=BodyKind.LOCAL_AUTHORITY.value)
        }
        by_name = {}
    edition = "IoD2025"
    report = ImportReport("deprivation", source_name, parsed.layout, len(parsed.rows))
    existing = {d.area_id: d for d in AreaDeprivation.objects.filter(edition=edition)}
    changes = []
    for row in parsed.rows:
        area = areas.get(row.area_code) or by_name.get(row.area_name.lower())
        if area is None:
            report.notes.append(
                f"line {row.line}: {row.area_code} {row.area_name} is not in the registry"
            )
            continue
        score_field = AreaDeprivation._meta.get_field("imd_score")
        values = {
            "imd_score": None if row.imd_score is None else score_field.quantize(row.imd_score),
            "imd_rank": row.imd_rank,
            "measures": {k: str(v) for k, v in row.extra.items()},
        }
        create_or_update(
            existing.get(area.pk),
            values,
            create=functools.partial(AreaDeprivation.objects.create, area=area, edition=edition),
            report=report,
            changes=changes,
        )
    audit.record_many(changes)
    _record_run("deprivation", source_name, data, parsed, report, audit)
    return report


def import_deprivation_summary(
    data: bytes, *, source_name: str, actor, reason: str
) -> ImportReport:
    from openics.sources.deprivation import parse_imd_summary

    parsed = _parse(parse_imd_summary, data, source_name)
    return _apply_deprivation(
        data=data, source_name=source_name, parsed=parsed, actor=actor, reason=reason
    )


# --- the national practice file: the registry it names, and each practice's population ---


def _population_columns(rows: list[PracticeRow]) -> dict[str, list[Decimal]]:
    """Each population field's values, row by row, at the precision the database keeps
    (FixedDecimalField.quantize: half to even), worked out a column at a time."""
    context = Context(rounding=ROUND_HALF_EVEN)
    given = {
        "registered": [row.registered_patients for row in rows],
        "population": [row.population for row in rows],
    }
    for component, field_name in WEIGHTED_FIELDS.items():
        given[field_name] = list(map(itemgetter(component), map(attrgetter("weighted"), rows)))
    columns = {}
    for name, values in given.items():
        quantum = Decimal(1).scaleb(-PracticePopulation._meta.get_field(name).places)
        columns[name] = list(map(context.quantize, values, repeat(quantum)))
    return columns


@service("organisations.import_practice_file")
def _apply_practice_file(
    *, data: bytes, source_name: str, parsed, financial_year: str, audit: Auditor
) -> ImportReport:
    rows: list[PracticeRow] = parsed.rows
    registry = RegistryChanges(audit)
    notes: list[str] = []
    year_starts = date(int(financial_year[:4]), 4, 1)
    # An older year loaded after a newer one adds its populations, but does not turn the
    # registry's present back into that year's past: only bodies with no links get them.
    newer = (
        PracticePopulation.objects.filter(financial_year__gt=financial_year)
        .values_list("financial_year", flat=True)
        .first()
    )
    # Existing bodies keep the names and details of the newer year.
    registry.keep_existing = bool(newer)
    links: list[tuple[Organisation, Organisation, str]] = []
    practices: dict[str, Organisation] = {}
    nhs = OwnershipClass.NHS
    # A file names each region, ICB and council on many lines: each is settled by its
    # first line (as RegistryChanges does), so later lines take it from here.
    regions: dict[str, Organisation] = {}
    icbs: dict[str, Organisation] = {}
    councils: dict[str, Organisation] = {}
    linked: set[tuple[str, str, str]] = set()
    for row in rows:
        region = regions.get(row.region_code)
        if region is None:
            region = regions[row.region_code] = registry.upsert(
                BodyKind.NHS_ENGLAND_REGION,
                row.region_code,
                code=row.region_code,
                name=row.region_name,
                ownership=nhs,
                legal_form="NHS England region",
            )
        icb = icbs.get(row.icb_code)
        if icb is None:
            icb = icbs[row.icb_code] = registry.upsert(
                BodyKind.ICB,
                row.icb_code,
                code=row.icb_code,
                name=row.icb_name,
                ics_name=ics_name_of(row.icb_name),
                ownership=nhs,
                legal_form="Integrated care board (statutory NHS body)",
                active_from=ICBS_ESTABLISHED,
            )
        if (row.icb_code, row.region_code, "icb") not in linked:
            linked.add((row.icb_code, row.region_code, "icb"))
            links.append((icb, region, RelationshipKind.WITHIN))
        district = councils.get(row.lad_code)
        if district is None:
            district = councils[row.lad_code] = registry.upsert_local_authority(
                row.lad_code, row.lad_name, la_tier(row.lad_code)
            )
        if row.utla_code and row.utla_code != row.lad_code:
            county = councils.get(row.utla_code)
            if county is None:
                county = councils[row.utla_code] = registry.upsert_local_authority(
                    row.utla_code, row.utla_name, LocalAuthorityTier.UPPER
                )
            if (row.lad_code, row.utla_code, "la") not in linked:
                linked.add((row.lad_code, row.utla_code, "la"))
                links.append((district, county, RelationshipKind.WITHIN))
        # ODS is the authority on a practice's name and address; this file names new ones.
        practice = registry.upsert_practice(
            row.practice_code, create_only={"name": row.practice_name, "postcode": row.postcode}
        )
        practices[row.practice_code] = practice
        links.append((practice, icb, RelationshipKind.WITHIN))
        links.append((practice, district, RelationshipKind.LOCATED_IN))
        if row.pcn_code:
            pcn = registry.upsert_pcn(row.pcn_code, row.pcn_name)
            links.append((practice, pcn, RelationshipKind.MEMBER))
    established = sum(1 for org in registry.new_bodies if org.kind == BodyKind.ICB.value)
    if established:
        notes.append(
            f"the registry held no ICBs, so the {established} ICBs this file names were "
            "established from it; a later file naming an ICB the registry does not hold "
            "is refused"
        )
    # What the file is compared with is saved and read before any new row is written, so
    # the new rows can go in while the next are prepared (core.bulk.writes_in_background)
    # with nothing waiting for them: first the changes to bodies already held.
    registry.save_changes()
    # A practice that ODS says has closed is not linked again, whatever the file says.
    closed = {id(org) for org in practices.values() if org.active_to is not None}
    links = [link for link in links if id(link[0]) not in closed]

    if newer:  # only bodies with no links of a kind get that year's links
        linked = set(Relationship.objects.current().values_list("child_id", "kind").distinct())
        links = [link for link in links if (link[0].pk, link[2]) not in linked]
        notes.append(
            f"{newer} is already loaded, so links between bodies were left as they are; "
            f"only {financial_year} populations (and bodies new to the registry) were added"
        )

    # Links are synced per kind of child so that a file never ends links it says nothing about.
    syncs = []
    for child_kind, kinds in (
        (BodyKind.ICB.value, {RelationshipKind.WITHIN.value}),
        (BodyKind.LOCAL_AUTHORITY.value, {RelationshipKind.WITHIN.value}),
        (
            BodyKind.GP_PRACTICE.value,
            {RelationshipKind.WITHIN.value, RelationshipKind.LOCATED_IN.value}
            | ({RelationshipKind.MEMBER.value} if any(r.pcn_code for r in rows) else set()),
        ),
    ):
        wanted = [link for link in links if link[0].kind == child_kind and link[2] in kinds]
        syncs.append((wanted, kinds, child_kind, current_links(wanted, kinds, child_kind)))
    populations = _current_populations(financial_year)

    audit_changes: list[dict] = []
    links_created = links_ended = 0
    with writes_in_background():
        registry.insert_new()
        for wanted, kinds, child_kind, existing in syncs:
            made, ended = sync_relationships(
                wanted, kinds, child_kind, year_starts, audit_changes, existing
            )
            links_created += made
            links_ended += ended

        created_pop, changed_pop = _sync_populations(
            rows, practices, financial_year, audit_changes, populations
        )
        report = ImportReport(
            kind="practices",
            source_name=source_name,
            layout=parsed.layout,
            rows=len(rows),
            created=created_pop + links_created,
            changed=changed_pop + links_ended,
            unchanged=len(rows) - created_pop - changed_pop,
            notes=notes,
        )
        registry.finish(report, audit_changes)
        record_import(audit, report, hashlib.sha256(data).hexdigest())
    return report


_COMPARED = ["registered", "population", *WEIGHTED_FIELDS.values()]


def _current_populations(financial_year: str) -> dict:
    """The year's populations held, each by its practice: (its id, then each compared
    value), as the database holds them (whole numbers of millionths, core.bulk.raw_values),
    so no stored row is converted. Every population of the year is read: a list of
    thousands of ids costs more to send."""
    return {
        values[0]: values[1:]
        for values in raw_values(
            PracticePopulation.objects.for_year(financial_year).values_list(
                "practice_id", "pk", *_COMPARED
            )
        )
    }


def _sync_populations(
    rows: list[PracticeRow],
    practices: dict[str, Organisation],
    financial_year: str,
    audit_changes: list[dict],
    existing: dict,
) -> tuple[int, int]:
    """Creates the populations new to the year and changes those that differ; only those
    that differ from `existing` (_current_populations) are loaded as instances."""
    compared = _COMPARED
    as_held = db_value(PracticePopulation._meta.get_field("practice"))
    # Worked out a column at a time: each value at its field's places, so the whole number
    # of millionths is exact (what get_prep_value stores) and its text what a snapshot holds.
    values = _population_columns(rows)
    texts = {name: list(map(str, values[name])) for name in compared}
    held = {}
    for name in compared:
        places = PracticePopulation._meta.get_field(name).places
        if 0 < places <= 6:
            # A value at six places or fewer is written out in full ("4873.201814", never
            # with an exponent), so its whole number of millionths is its digits.
            held[name] = list(map(int, map(methodcaller("replace", ".", ""), texts[name])))
        else:
            held[name] = list(map(int, map(methodcaller("scaleb", places), values[name])))
    bodies = [practices[row.practice_code] for row in rows]
    practice_ids = [as_held(practice.pk) for practice in bodies]
    if existing:
        as_stored = list(zip(*(held[name] for name in compared), strict=True))
        new = [current is None for current in map(existing.get, practice_ids)]
        differing = {
            existing[key][0]: i
            for i, key in enumerate(practice_ids)
            if not new[i] and as_stored[i] != existing[key][1:]
        }
    else:
        new, differing = [True] * len(rows), {}
    changed = []
    as_held_pk = db_value(PracticePopulation._meta.pk)
    for population in PracticePopulation.objects.filter(pk__in=list(differing)):
        before = snapshot(population)
        i = differing[as_held_pk(population.pk)]
        for name in compared:
            setattr(population, name, values[name][i])
        changed.append((population, before))
    # Given as the database holds them and as their snapshots do.
    all_new = all(new)
    columns = {
        "practice_id": Prepared(
            practice_ids if all_new else list(compress(practice_ids, new)),
            [str(practice.pk) for practice in (bodies if all_new else compress(bodies, new))],
        ),
        "financial_year": Same(financial_year),
    }
    for name in compared:
        text = texts[name] if all_new else list(compress(texts[name], new))
        stored = held[name] if all_new else list(compress(held[name], new))
        columns[name] = Prepared(stored, text)
    written = insert_columns(PracticePopulation, columns, new.count(True))
    if changed:
        fields = [*compared, "updated_at"]
        PracticePopulation.objects.bulk_update([c for c, _ in changed], fields, batch_size=2000)
    # The new populations are audited in one entry listing each (ADR 0018).
    audit_changes.append(together(written, "population.create"))
    audit_changes += [
        {"obj": p, "before": before, "after": snapshot(p), "action": "population.update"}
        for p, before in changed
    ]
    return written.n, len(changed)


def _duplicate_checks(parsed, *, strict: bool) -> list[RowError]:
    """Codes that must mean one thing throughout a file (an ICB's name, a region's name,
    and, with `strict`, a local authority's name)."""
    rows: list[PracticeRow] = parsed.rows
    at, sheet = parsed.at, parsed.sheet
    errors: list[RowError] = []
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    checked = [("ICB", "icb_code", "icb_name"), ("region", "region_code", "region_name")]
    if strict:
        checked.append(("local authority", "lad_code", "lad_name"))
    for row in rows:
        for what, code_field, name_field in checked:
            code, name = getattr(row, code_field), getattr(row, name_field)
            first = seen.setdefault((what, code), (name, row.line))
            if first[0] != name:
                errors.append(
                    RowError(
                        row.line,
                        f"{what} {code} is called {name!r} here but {first[0]!r} on {at(first[1])}",
                        sheet,
                    )
                )
    return errors


def _stored_columns(layout: str) -> list[tuple]:
    """What the practice file's columns are stored in (for values_too_long): each with
    the file's heading for it."""
    from openics.sources.practice_file import LAYOUTS

    headings = LAYOUTS.get(layout, {})
    field = Organisation._meta.get_field
    stored = [
        ("practice_code", "code"),
        ("practice_name", "name"),
        ("postcode", "postcode"),
        ("pcn_code", "code"),
        ("pcn_name", "name"),
        ("icb_code", "code"),
        ("icb_name", "name"),
        ("region_code", "code"),
        ("region_name", "name"),
        ("lad_code", "ons_code"),
        ("lad_name", "name"),
        ("utla_code", "ons_code"),
        ("utla_name", "name"),
    ]
    columns: list[tuple] = [(attr, field(name), headings.get(attr, attr)) for attr, name in stored]
    icb_heading = headings.get("icb_name", "icb_name")
    ics_name = functools.cache(ics_name_of)  # a file names few ICBs, on many lines
    columns.append(
        (
            lambda row: ics_name(row.icb_name),
            field("ics_name"),
            f"{icb_heading} (as its integrated care system's name, {ics_name_of('NHS … ICB')!r})",
        )
    )
    return columns


def _unknown_icbs(parsed) -> list[RowError]:
    """An ICB code the registry does not hold, once it holds ICBs: the practice file lists
    the ICBs its practices belong to; it establishes them only in an empty registry (the
    first national load, which says so), never a new one beside the ones held. New ICBs
    come from ODS's list through `openics import successions`."""
    held = set(Organisation.objects.filter(kind=BodyKind.ICB.value).values_list("code", flat=True))
    if not held:
        return []
    return [
        RowError(
            row.line,
            f"unknown ICB code {row.icb_code} ({row.icb_name}): the registry's {len(held)} "
            "ICBs do not include it, and a practice file does not establish ICBs (import "
            "the ICB list and successions first: openics import successions)",
            parsed.sheet,
        )
        for row in parsed.rows
        if row.icb_code not in held
    ]


def _settle_authority_names(
    rows: list[PracticeRow], at=lambda line: f"line {line}"
) -> tuple[list[PracticeRow], list[str]]:
    """One name for each local authority code the file names in more than one way.

    NHS England's files carry slips of their own: the 2023/24 file names E09000018
    "Hounslow" on 44 lines and "Ealing" on one. The ONS code is the key, so the name is
    the one the registry holds for that code (the ONS name, from an earlier import), or
    else the first the file gives; each line that says otherwise is a warning, and its row
    takes the settled name.
    """
    names: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for row in rows:
        names[row.lad_code].setdefault(row.lad_name, []).append(row.line)
    slipped = {code: lines for code, lines in names.items() if len(lines) > 1}
    if not slipped:
        return rows, []
    held = dict(
        Organisation.objects.filter(
            kind=BodyKind.LOCAL_AUTHORITY.value, ons_code__in=list(slipped)
        ).values_list("ons_code", "name")
    )
    settled: dict[str, str] = {}
    warnings: list[tuple[int, str]] = []
    for code, by_name in slipped.items():
        first = next(iter(by_name))
        name = held.get(code) or first
        whence = (
            "the registry's name"
            if code in held
            else f"the name first given, on {at(by_name[first][0])}"
        )
        settled[code] = name
        for other, lines in by_name.items():
            if other == name:
                continue
            warnings += [
                (
                    line,
                    f"{at(line)}: warning: local authority {code} is called {other!r} here; "
                    f"{name!r} ({whence}) is used, as the ONS code is the key",
                )
                for line in lines
            ]
    rows = [
        replace(row, lad_name=settled[row.lad_code])
        if row.lad_code in settled and row.lad_name != settled[row.lad_code]
        else row
        for row in rows
    ]
    return rows, [text for _, text in sorted(warnings)]


def import_practice_file(
    data: bytes,
    *,
    source_name: str,
    financial_year: str | None = None,
    strict: bool = False,
    actor,
    reason: str,
) -> ImportReport:
    """Imports NHS England's national practice file (place-based allocation tool), as CSV
    or as the workbook NHS England publishes (the sheet of `financial_year`).

    A local authority named two ways in the file is imported under one name, each other
    line a warning in the report's notes; `strict` refuses the file for it instead.
    """
    with collector_paused():  # tens of thousands of objects alive until the end
        return _import_practice_file(
            data,
            source_name=source_name,
            financial_year=financial_year,
            strict=strict,
            actor=actor,
            reason=reason,
        )


def _import_practice_file(
    data: bytes,
    *,
    source_name: str,
    financial_year: str | None,
    strict: bool,
    actor,
    reason: str,
) -> ImportReport:
    from openics.sources.practice_file import parse_practice_file

    year = financial_year or financial_year_from_name(source_name)
    try:
        year = FinancialYear.parse(year).label if year else None
    except ValueError:
        year = None
    parsed = parse_or_reject(
        functools.partial(parse_practice_file, year=year),
        data,
        source_name,
        what="practices in it",
        check=lambda parsed: (
            _duplicate_checks(parsed, strict=strict)
            + values_too_long(parsed.rows, _stored_columns(parsed.layout), parsed.sheet)
            + _unknown_icbs(parsed)
        ),
    )
    year = year or parsed.year  # a workbook's only year sheet names its year
    if not year:
        raise ImportRejected(
            source_name,
            message=f"cannot tell the financial year of {source_name}; give it, e.g. 2025/26",
        )
    parsed.rows, warnings = _settle_authority_names(parsed.rows, parsed.at)
    report = _apply_practice_file(
        data=data,
        source_name=source_name,
        parsed=parsed,
        financial_year=year,
        actor=actor,
        reason=reason,
    )
    report.notes += warnings + parsed.notes
    return report


# --- ONS mid-year estimates: usual residents of each council's area ---------------------


@service("population.import_residents")
def _apply_residents(
    *, data: bytes, source_name: str, parsed, mid_year: int, audit: Auditor
) -> ImportReport:
    from openics.population.councils import ABOLISHED_2023, REORGANISED_ON
    from openics.population.models import ResidentPopulation
    from openics.sources.residents import COUNTY_COUNCIL, ENGLISH_DISTRICT

    councils = [
        r for r in parsed.rows if ENGLISH_DISTRICT.match(r.code) or COUNTY_COUNCIL.match(r.code)
    ]
    report = ImportReport("residents", source_name, parsed.layout, len(parsed.rows))
    skipped = len(parsed.rows) - len(councils)
    districts = sum(1 for r in councils if ENGLISH_DISTRICT.match(r.code))
    report.notes.append(
        f"{len(councils)} English councils stored ({districts} districts and unitary "
        f"authorities, {len(councils) - districts} county councils); {skipped} rows of "
        "countries, regions, metropolitan counties and Welsh authorities were read to check "
        "the totals, not stored"
    )
    las = {
        o.ons_code: o
        for o in Organisation.objects.filter(kind=BodyKind.LOCAL_AUTHORITY.value).exclude(
            ons_code=""
        )
    }
    changes: list[dict] = []
    for row in councils:
        if row.code in las:
            continue
        las[row.code] = Organisation.objects.create(
            kind=BodyKind.LOCAL_AUTHORITY.value,
            ons_code=row.code,
            name=row.name,
            ownership=OwnershipClass.LOCAL_AUTHORITY,
            legal_form="Local authority",
            local_authority_tier=la_tier(row.code),
            # The unitary councils of April 2023 are the only ones ONS lists that are newer
            # than the registry's other sources.
            active_from=REORGANISED_ON if row.code in _COUNCILS_OF_2023 else None,
        )
        changes.append(
            {
                "obj": las[row.code],
                "after": snapshot(las[row.code]),
                "action": "organisations.create",
            }
        )
        report.created += 1
    # A district lies within its county council, as the file lists it.
    links = [
        (las[r.code], las[r.county_code], RelationshipKind.WITHIN.value)
        for r in councils
        if r.county_code and COUNTY_COUNCIL.match(r.county_code)
    ]
    made, ended = sync_relationships(
        links, {RelationshipKind.WITHIN.value}, BodyKind.LOCAL_AUTHORITY.value, None, changes
    )
    report.created += made
    report.changed += ended
    old = sorted(
        o.name for code, o in las.items() if code in ABOLISHED_2023 and o.active_to is None
    )
    if old:
        report.notes.append(
            f"the registry holds {len(old)} councils abolished on 1 April 2023 (named by NHS "
            f"England's and the 2022 geography files: {', '.join(old[:5])}…); they are counted "
            "under the councils that replaced them"
        )
    existing = {p.area_id: p for p in ResidentPopulation.objects.filter(mid_year=mid_year)}
    for row in councils:
        area = las[row.code]
        values = {
            "boundaries": _BOUNDARIES,
            "all_ages": row.all_ages,
            "by_age": list(row.ages),
            "source": source_name[:200],
        }
        create_or_update(
            existing.get(area.pk),
            values,
            create=functools.partial(
                ResidentPopulation.objects.create, area=area, mid_year=mid_year
            ),
            report=report,
            changes=changes,
        )
    audit.record_many(changes)
    _record_run("residents", source_name, data, parsed, report, audit)
    return report


_COUNCILS_OF_2023 = {"E06000063", "E06000064", "E06000065", "E06000066"}
# The MYE2 file of mid-2024 uses the council boundaries of 2023 (its title says so).
_BOUNDARIES = "2023"


def import_resident_estimates(
    data: bytes, *, source_name: str, actor, reason: str, mid_year: int | None = None
) -> ImportReport:
    """Imports ONS mid-year estimates (MYE2 persons) as residents of each English council."""
    from openics.sources.residents import mid_year_from_name, parse_mid_year_estimates

    stored = [
        ("code", Organisation._meta.get_field("ons_code"), "Code"),
        ("name", Organisation._meta.get_field("name"), "Name"),
    ]
    parsed = parse_or_reject(
        parse_mid_year_estimates,
        data,
        source_name,
        check=lambda parsed: values_too_long(parsed.rows, stored),
    )
    mid_year = mid_year or mid_year_from_name(source_name)
    if mid_year is None:
        raise ImportRejected(
            source_name,
            message=f"{source_name} was rejected: the file does not say its year; give --mid-year",
        )
    return _apply_residents(
        data=data,
        source_name=source_name,
        parsed=parsed,
        mid_year=mid_year,
        actor=actor,
        reason=reason,
    )
