"""Staff by organisation and staff group, imported from NHS Digital's workforce statistics.

The file is read by `sources/workforce.py`; staff by group is its lines summed over
nationality. All or nothing: a bad line refuses the whole file with every bad line, and
a file none of whose bodies is in the registry is refused as holding nothing for it. The
file's other bodies (trusts and CCGs not in this registry) are counted and said.
"""

from __future__ import annotations

import hashlib

from openics.core.audit import Auditor, service, snapshot
from openics.core.imports import ImportRejected, ImportReport, parse_or_reject, record_import
from openics.organisations.models import Organisation, StaffFigure
from openics.regimes.vocabulary import BodyKind
from openics.sources.workforce import parse_workforce, staff_totals

# The kinds of body the workforce statistics cover (trusts; CCGs, which became sub-ICB
# locations and ICBs), in the order a code is looked up when two kinds share it.
EMPLOYER_KINDS = (
    BodyKind.FOUNDATION_TRUST,
    BodyKind.NHS_TRUST,
    BodyKind.CCG,
    BodyKind.SUB_ICB_LOCATION,
    BodyKind.ICB,
)


def _employers(codes: set[str]) -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    order = {kind.value: n for n, kind in enumerate(EMPLOYER_KINDS)}
    bodies = Organisation.objects.filter(code__in=codes, kind__in=[k.value for k in EMPLOYER_KINDS])
    for body in sorted(bodies, key=lambda b: (order[b.kind], b.active_to is not None)):
        found.setdefault(body.code, body)
    return found


@service("organisations.import_workforce")
def import_workforce(data: bytes, *, source_name: str, audit: Auditor) -> ImportReport:
    parsed = parse_or_reject(parse_workforce, data, source_name, what="staff figures")
    totals = staff_totals(parsed.rows)
    employers = _employers({t.organisation_code for t in totals})
    if not employers:
        raise ImportRejected(
            source_name,
            message=f"{source_name} was rejected: none of its "
            f"{len({t.organisation_code for t in totals}):,} organisations is in the registry "
            "(import the trusts first); nothing was written",
        )
    report = ImportReport(
        kind="workforce", source_name=source_name, layout=parsed.layout, rows=len(parsed.rows)
    )
    held = {
        (f.organisation_id, f.as_at, f.staff_group): f
        for f in StaffFigure.objects.filter(organisation__in=employers.values())
    }
    changes: list[dict] = []
    new: list[StaffFigure] = []
    missing: set[str] = set()
    for total in totals:
        body = employers.get(total.organisation_code)
        if body is None:
            missing.add(total.organisation_code)
            continue
        values = {
            "fte": total.fte,
            "headcount": total.headcount,
            "name_in_file": total.organisation_name[:200],
            "source_name": source_name[:200],
            "source_lines": total.lines,
        }
        current = held.get((body.pk, total.as_at, total.staff_group))
        if current is None:
            new.append(
                StaffFigure(
                    organisation=body, as_at=total.as_at, staff_group=total.staff_group, **values
                )
            )
            continue
        normalised = {**values, "fte": _stored(values["fte"])}
        if any(getattr(current, k) != v for k, v in normalised.items()):
            before = snapshot(current)
            for k, v in values.items():
                setattr(current, k, v)
            current.save()
            changes.append({"obj": current, "before": before, "after": snapshot(current)})
            report.changed += 1
        else:
            report.unchanged += 1
    if new:
        StaffFigure.objects.bulk_create(new, batch_size=500)
        changes += [{"obj": figure, "after": snapshot(figure)} for figure in new]
        report.created += len(new)
    audit.record_many(changes)
    days = sorted({t.as_at for t in totals})
    report.holds = (
        f"{len({t.organisation_code for t in totals}):,} organisations on "
        f"{', '.join(d.isoformat() for d in days)}; {len(employers):,} of them in the registry"
    )
    if missing:
        shown = ", ".join(sorted(missing)[:10])
        report.notes.append(
            f"{len(missing):,} organisations of the file are not in the registry and were left "
            f"out (e.g. {shown})"
        )
    record_import(audit, report, hashlib.sha256(data).hexdigest())
    return report


def _stored(value):
    """A figure as the database gives it back (five places), for comparing with the file."""
    if value is None:
        return None
    return StaffFigure._meta.get_field("fte").quantize(value)
