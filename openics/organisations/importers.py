"""Importing public files into the registry: all or nothing, every change audited.

Reading (sources/) is pure and happens first; a file with any bad row is rejected whole,
naming every bad line, before anything is written. Applying is one audited service in
one transaction that compares with what is already held: a re-import of the same file
changes nothing, and a newer file records each change with its before and after.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import models

from openics.core.audit import Auditor, service, snapshot
from openics.core.imports import ImportRejected, ImportReport, record_import
from openics.kernel.years import FinancialYear
from openics.organisations.models import (
    LocalAuthorityTier,
    Organisation,
    OwnershipClass,
    Relationship,
    RelationshipKind,
)
from openics.population.models import WEIGHTED_FIELDS, PracticePopulation
from openics.regimes.vocabulary import BodyKind
from openics.sources.base import RowError, SourceError
from openics.sources.rows import PracticeRow

ICBS_ESTABLISHED = date(2022, 7, 1)


_YEAR_IN_NAME = re.compile(r"(20\d\d)[_\-/](20\d\d)")


def financial_year_from_name(name: str) -> str | None:
    """'2025_2026.csv' → '2025/26'."""
    match = _YEAR_IN_NAME.search(name)
    if not match:
        return None
    try:
        return FinancialYear.parse(f"{match[1]}/{match[2]}").label
    except ValueError:
        return None


def _ics_name(icb_name: str) -> str:
    core = re.sub(r"^NHS\s+", "", icb_name)
    core = re.sub(r"\s+(ICB|Integrated Care Board)$", "", core, flags=re.IGNORECASE)
    return f"{core} Integrated Care System"


def la_tier(ons_code: str) -> str:
    # E07 are districts (lower tier), E10 counties (upper); E06/E08/E09 are both tiers.
    if ons_code.startswith("E07"):
        return LocalAuthorityTier.LOWER
    if ons_code.startswith("E10"):
        return LocalAuthorityTier.UPPER
    return LocalAuthorityTier.UNITARY


class RegistryChanges:
    """What the database already holds, keyed for comparison, and what the file changes."""

    def __init__(self, audit: Auditor):
        self.audit = audit
        self.by_key: dict[tuple[str, str], Organisation] = {}
        for org in Organisation.objects.all():
            self.by_key[(org.kind, org.code or org.ons_code)] = org
        self.report_created = 0
        self.report_changed = 0
        self.report_unchanged = 0
        self.report_closed = 0
        self.keep_existing = False  # when set, existing bodies are never updated
        self._new: list[Organisation] = []
        self._new_ids: set[int] = set()
        self._dirty: dict = {}
        self._audits: list[dict] = []

    def upsert(
        self, kind: BodyKind, key: str, create_only: dict | None = None, **fields
    ) -> Organisation:
        """Creates or updates a body; `create_only` fields are set on creation alone."""
        if self.keep_existing:
            create_only, fields = {**fields, **(create_only or {})}, {}
        org = self.by_key.get((kind.value, key))
        if org is None:
            org = Organisation(kind=kind.value, **fields, **(create_only or {}))
            self.by_key[(kind.value, key)] = org
            self._new.append(org)
            self._new_ids.add(id(org))
            return org
        if id(org) in self._new_ids or id(org) in self._dirty:
            return org  # already settled by an earlier row of this file
        changes = {name: value for name, value in fields.items() if getattr(org, name) != value}
        if not changes:
            self.report_unchanged += 1
            self._dirty[id(org)] = None
            return org
        before = snapshot(org)
        for name, value in changes.items():
            setattr(org, name, value)
        self._dirty[id(org)] = (org, before, list(changes))
        return org

    def save(self) -> None:
        Organisation.objects.bulk_create(self._new, batch_size=2000)
        changed = [entry for entry in self._dirty.values() if entry]
        if changed:
            names = sorted({name for _, _, fields in changed for name in fields} | {"updated_at"})
            Organisation.objects.bulk_update([org for org, _, _ in changed], names, batch_size=2000)
        self.report_created = len(self._new)
        self.report_changed = len(changed)
        self._end_links_of_closed(
            [org for org, before, _ in changed if org.active_to and not before.get("active_to")]
        )
        self._audits += [
            {"obj": org, "before": None, "after": snapshot(org), "action": "organisations.create"}
            for org in self._new
        ]
        self._audits += [
            {"obj": org, "before": before, "after": snapshot(org), "action": "organisations.update"}
            for org, before, _ in changed
        ]

    def _end_links_of_closed(self, closed: list[Organisation]) -> None:
        """A body the file says has closed keeps no current links: they end when it did."""
        by_pk = {org.pk: org for org in closed}
        links = Relationship.objects.current().filter(
            models.Q(child_id__in=by_pk) | models.Q(parent_id__in=by_pk)
        )
        ended = []
        for link in links:
            org = by_pk.get(link.child_id) or by_pk[link.parent_id]
            before = snapshot(link)
            link.active_to = org.active_to
            ended.append(link)
            self._audits.append(
                {
                    "obj": link,
                    "before": before,
                    "after": snapshot(link),
                    "action": "relationships.end",
                }
            )
        Relationship.objects.bulk_update(ended, ["active_to", "updated_at"], batch_size=2000)
        self.report_closed = len(closed)

    def flush_audit(self) -> None:
        self.audit.record_many(self._audits)
        self._audits = []


def sync_relationships(
    wanted: Iterable[tuple[Organisation, Organisation, str]],
    kinds: set[str],
    child_kind: str,
    starts: date | None,
    audit_changes: list[dict],
) -> tuple[int, int]:
    """Makes the current links of the given kinds from children of one kind match `wanted`.

    Links no longer wanted are ended (active_to set), never deleted, so history stays.
    Only children named in `wanted` are touched: a file about some practices says nothing
    about the others.
    """
    wanted_set = {(child.pk, parent.pk, kind) for child, parent, kind in wanted}
    children = {child_pk for child_pk, _, _ in wanted_set}
    current = Relationship.objects.current().filter(
        kind__in=kinds, child__kind=child_kind, child_id__in=children
    )
    existing = {(r.child_id, r.parent_id, r.kind): r for r in current}
    to_end = [r for key, r in existing.items() if key not in wanted_set]
    end_day = starts or date.today()
    for link in to_end:
        before = snapshot(link)
        link.active_to = end_day
        audit_changes.append(
            {"obj": link, "before": before, "after": snapshot(link), "action": "relationships.end"}
        )
    Relationship.objects.bulk_update(to_end, ["active_to", "updated_at"], batch_size=2000)
    new = [
        Relationship(child_id=c, parent_id=p, kind=k, active_from=starts)
        for (c, p, k) in wanted_set
        if (c, p, k) not in existing
    ]
    Relationship.objects.bulk_create(new, batch_size=2000)
    audit_changes += [
        {"obj": link, "after": snapshot(link), "action": "relationships.create"} for link in new
    ]
    return len(new), len(to_end)


def _population_values(row: PracticeRow) -> dict[str, Decimal]:
    values = {"registered": row.registered_patients, "population": row.population}
    for component, field_name in WEIGHTED_FIELDS.items():
        values[field_name] = row.weighted[component]
    # Compare and store at the precision the database keeps.
    return {
        name: PracticePopulation._meta.get_field(name).quantize(value)
        for name, value in values.items()
    }


@service("organisations.import_practice_file")
def _apply_practice_file(
    *,
    rows: list[PracticeRow],
    source_name: str,
    sha256: str,
    layout: str,
    financial_year: str,
    audit: Auditor,
) -> ImportReport:
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
    for row in rows:
        region = registry.upsert(
            BodyKind.NHS_ENGLAND_REGION,
            row.region_code,
            code=row.region_code,
            name=row.region_name,
            ownership=nhs,
            legal_form="NHS England region",
        )
        icb = registry.upsert(
            BodyKind.ICB,
            row.icb_code,
            code=row.icb_code,
            name=row.icb_name,
            ics_name=_ics_name(row.icb_name),
            ownership=nhs,
            legal_form="Integrated care board (statutory NHS body)",
            active_from=ICBS_ESTABLISHED,
        )
        links.append((icb, region, RelationshipKind.WITHIN))
        district = registry.upsert(
            BodyKind.LOCAL_AUTHORITY,
            row.lad_code,
            ons_code=row.lad_code,
            name=row.lad_name,
            ownership=OwnershipClass.LOCAL_AUTHORITY,
            legal_form="Local authority",
            local_authority_tier=la_tier(row.lad_code),
        )
        if row.utla_code and row.utla_code != row.lad_code:
            county = registry.upsert(
                BodyKind.LOCAL_AUTHORITY,
                row.utla_code,
                ons_code=row.utla_code,
                name=row.utla_name,
                ownership=OwnershipClass.LOCAL_AUTHORITY,
                legal_form="Local authority",
                local_authority_tier=LocalAuthorityTier.UPPER,
            )
            links.append((district, county, RelationshipKind.WITHIN))
        # ODS is the authority on a practice's name and address; this file names new ones.
        practice = registry.upsert(
            BodyKind.GP_PRACTICE,
            row.practice_code,
            create_only={"name": row.practice_name, "postcode": row.postcode},
            code=row.practice_code,
            ownership=OwnershipClass.GP_PARTNERSHIP,
            legal_form="GP practice (contract holder)",
        )
        practices[row.practice_code] = practice
        links.append((practice, icb, RelationshipKind.WITHIN))
        links.append((practice, district, RelationshipKind.LOCATED_IN))
        if row.pcn_code:
            pcn = registry.upsert(
                BodyKind.PCN,
                row.pcn_code,
                code=row.pcn_code,
                name=row.pcn_name or row.pcn_code,
                ownership=OwnershipClass.GP_PARTNERSHIP,
                legal_form="Primary care network",
            )
            links.append((practice, pcn, RelationshipKind.MEMBER))
    registry.save()
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

    audit_changes: list[dict] = []
    links_created = links_ended = 0
    # Links are synced per kind of child so that a file never ends links it says nothing about.
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
        made, ended = sync_relationships(wanted, kinds, child_kind, year_starts, audit_changes)
        links_created += made
        links_ended += ended

    created_pop, changed_pop = _sync_populations(rows, practices, financial_year, audit_changes)
    registry.flush_audit()
    audit.record_many(audit_changes)
    report = ImportReport(
        kind="practices",
        source_name=source_name,
        layout=layout,
        rows=len(rows),
        created=registry.report_created + created_pop + links_created,
        changed=registry.report_changed + changed_pop + links_ended,
        unchanged=registry.report_unchanged + (len(rows) - created_pop - changed_pop),
        notes=notes,
    )
    record_import(audit, report, sha256)
    return report


def _sync_populations(
    rows: list[PracticeRow],
    practices: dict[str, Organisation],
    financial_year: str,
    audit_changes: list[dict],
) -> tuple[int, int]:
    existing = {
        p.practice_id: p
        for p in PracticePopulation.objects.for_year(financial_year).filter(
            practice_id__in=[p.pk for p in practices.values()]
        )
    }
    new, changed = [], []
    for row in rows:
        practice = practices[row.practice_code]
        values = _population_values(row)
        current = existing.get(practice.pk)
        if current is None:
            new.append(
                PracticePopulation(practice=practice, financial_year=financial_year, **values)
            )
            continue
        differs = {k: v for k, v in values.items() if getattr(current, k) != v}
        if differs:
            before = snapshot(current)
            for name, value in differs.items():
                setattr(current, name, value)
            changed.append((current, before))
    PracticePopulation.objects.bulk_create(new, batch_size=2000)
    if changed:
        fields = ["registered", "population", *WEIGHTED_FIELDS.values(), "updated_at"]
        PracticePopulation.objects.bulk_update([c for c, _ in changed], fields, batch_size=2000)
    audit_changes += [{"obj": p, "after": snapshot(p), "action": "population.create"} for p in new]
    audit_changes += [
        {"obj": p, "before": before, "after": snapshot(p), "action": "population.update"}
        for p, before in changed
    ]
    return len(new), len(changed)


def _duplicate_checks(rows: list[PracticeRow]) -> list[RowError]:
    """Codes that must mean one thing throughout a file (an ICB's name, a region's name)."""
    errors: list[RowError] = []
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for row in rows:
        for what, code, name in (
            ("ICB", row.icb_code, row.icb_name),
            ("region", row.region_code, row.region_name),
            ("local authority", row.lad_code, row.lad_name),
        ):
            first = seen.setdefault((what, code), (name, row.line))
            if first[0] != name:
                errors.append(
                    RowError(
                        row.line,
                        f"{what} {code} is called {name!r} here "
                        f"but {first[0]!r} on line {first[1]}",
                    )
                )
    return errors


def import_practice_file(
    data: bytes, *, source_name: str, financial_year: str | None = None, actor, reason: str
) -> ImportReport:
    """Imports NHS England's national practice file (place-based allocation tool)."""
    from openics.sources.practice_file import parse_practice_file

    try:
        parsed = parse_practice_file(data, source_name)
    except SourceError as exc:
        raise ImportRejected(source_name, message=f"{source_name} was rejected: {exc}") from exc
    errors = parsed.errors + _duplicate_checks(parsed.rows)
    if errors:
        raise ImportRejected(source_name, sorted(errors, key=lambda e: e.line))
    if not parsed.rows:
        raise ImportRejected(source_name, message=f"{source_name} has no practices in it")
    year = financial_year or financial_year_from_name(source_name)
    try:
        year = FinancialYear.parse(year).label if year else None
    except ValueError:
        year = None
    if not year:
        raise ImportRejected(
            source_name,
            message=f"cannot tell the financial year of {source_name}; give it, e.g. 2025/26",
        )
    report = _apply_practice_file(
        rows=parsed.rows,
        source_name=source_name,
        sha256=hashlib.sha256(data).hexdigest(),
        layout=parsed.layout,
        financial_year=year,
        actor=actor,
        reason=reason,
    )
    report.notes += parsed.notes
    return report
