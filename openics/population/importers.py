"""Importing geography (who covers where) and deprivation: all or nothing, audited."""

from __future__ import annotations

import hashlib
from collections import defaultdict

from openics.core.audit import Auditor, service, snapshot
from openics.core.imports import ImportRejected, ImportReport, parse_or_reject, record_import
from openics.organisations.importers import la_tier
from openics.organisations.models import Organisation, OwnershipClass
from openics.population.models import AreaDeprivation, IcbLocalAuthorityOverlap
from openics.regimes.vocabulary import BodyKind
from openics.sources.base import RowError

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
        current = existing.get(area.pk)
        if current is None:
            created = AreaDeprivation.objects.create(area=area, edition=edition, **values)
            changes.append({"obj": created, "after": snapshot(created)})
            report.created += 1
            continue
        if any(getattr(current, k) != v for k, v in values.items()):
            before = snapshot(current)
            for k, v in values.items():
                setattr(current, k, v)
            current.save()
            changes.append({"obj": current, "before": before, "after": snapshot(current)})
            report.changed += 1
        else:
            report.unchanged += 1
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
