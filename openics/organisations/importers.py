"""Importing public files into the registry: all or nothing, every change audited.

Reading (sources/) is pure and happens first; a file with any bad row is rejected whole,
naming every bad line, before anything is written. Applying is one audited service in
one transaction that compares with what is already held: a re-import of the same file
changes nothing, and a newer file records each change with its before and after.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import models

from openics.core.audit import Auditor, snapshot, together
from openics.core.bulk import (
    Prepared,
    Same,
    db_value,
    insert_columns,
    insert_objects,
    load_instances,
    new_instance,
    raw_values,
)
from openics.core.imports import ImportReport
from openics.kernel.years import FinancialYear
from openics.organisations.models import (
    LocalAuthorityTier,
    Organisation,
    OwnershipClass,
    Relationship,
)
from openics.regimes.vocabulary import BodyKind
from openics.sources.base import RowError

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


def unknown_icb_rows(rows: Iterable, message: str) -> list[RowError]:
    """A bad row for each row naming an ICB code the registry does not hold; `message` is
    formatted with the row, e.g. "unknown ICB code {row.icb_code}"."""
    known = set(Organisation.objects.filter(kind=BodyKind.ICB.value).values_list("code", flat=True))
    return [
        RowError(row.line, message.format(row=row)) for row in rows if row.icb_code not in known
    ]


@functools.cache  # a file names few ICBs, on many lines
def ics_name_of(icb_name: str) -> str:
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
        for org in load_instances(Organisation.objects.all()):
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
        self._created = None

    def upsert(
        self, kind: BodyKind, key: str, create_only: dict | None = None, **fields
    ) -> Organisation:
        """Creates or updates a body; `create_only` fields are set on creation alone."""
        if self.keep_existing:
            create_only, fields = {**fields, **(create_only or {})}, {}
        org = self.by_key.get((kind.value, key))
        if org is None:
            org = new_instance(Organisation, {"kind": kind.value, **fields, **(create_only or {})})
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

    def upsert_ods(
        self, kind: BodyKind, row, *, ownership: str, legal_form: str, **also
    ) -> Organisation:
        """A body as an ODS file lists it: code, name, postcode, opening and closing days
        (and any further fields given in `also`)."""
        return self.upsert(
            kind,
            row.code,
            code=row.code,
            name=row.name,
            postcode=row.postcode,
            ownership=ownership,
            legal_form=legal_form,
            active_from=row.open_date,
            active_to=row.close_date,
            **also,
        )

    def upsert_practice(self, code: str, create_only: dict | None = None, **fields) -> Organisation:
        """A GP practice, keyed by its ODS code: a contract held by a GP partnership."""
        return self.upsert(
            BodyKind.GP_PRACTICE,
            code,
            create_only,
            code=code,
            **fields,
            ownership=OwnershipClass.GP_PARTNERSHIP,
            legal_form="GP practice (contract holder)",
        )

    def upsert_pcn(self, code: str, name: str) -> Organisation:
        """A primary care network named by a file about its practices (its code if no name)."""
        return self.upsert(
            BodyKind.PCN,
            code,
            code=code,
            name=name or code,
            ownership=OwnershipClass.GP_PARTNERSHIP,
            legal_form="Primary care network",
        )

    def upsert_local_authority(self, ons_code: str, name: str, tier: str) -> Organisation:
        """A local authority, keyed by its ONS code."""
        return self.upsert(
            BodyKind.LOCAL_AUTHORITY,
            ons_code,
            ons_code=ons_code,
            name=name,
            ownership=OwnershipClass.LOCAL_AUTHORITY,
            legal_form="Local authority",
            local_authority_tier=tier,
        )

    @property
    def new_bodies(self) -> list[Organisation]:
        """The bodies this file creates (so far)."""
        return list(self._new)

    def save(self) -> None:
        self.insert_new()
        self.save_changes()

    def insert_new(self) -> None:
        """Inserts the bodies the file names for the first time."""
        self._created = insert_objects(self._new)
        self.report_created = len(self._new)

    def save_changes(self) -> None:
        """Saves the changes to bodies already held, and ends the links of those closed."""
        changed = [entry for entry in self._dirty.values() if entry]
        if changed:
            names = sorted({name for _, _, fields in changed for name in fields} | {"updated_at"})
            Organisation.objects.bulk_update([org for org, _, _ in changed], names, batch_size=2000)
        self.report_changed = len(changed)
        self._end_links_of_closed(
            [org for org, before, _ in changed if org.active_to and not before.get("active_to")]
        )
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
        # Each new body has an entry of its own, its snapshot written from the inserted rows.
        self.audit.record_created(self._created, action="organisations.create")
        self._created = None
        self.audit.record_many(self._audits)
        self._audits = []

    def finish(self, report: ImportReport, audit_changes: list[dict]) -> None:
        """Audits the bodies, then the file's other changes, and counts the bodies created,
        changed and unchanged into the report."""
        self.flush_audit()
        self.audit.record_many(audit_changes)
        report.created += self.report_created
        report.changed += self.report_changed
        report.unchanged += self.report_unchanged


_FEW = 500


def current_links(
    wanted: list[tuple[Organisation, Organisation, str]], kinds: set[str], child_kind: str
) -> dict[tuple, Any]:
    """The current links that sync_relationships compares with `wanted`: those of the given
    kinds from the children `wanted` names to parents of the kinds it names, keyed by
    (child, parent, kind) as the database holds them, each with its primary key."""
    as_held = db_value(Relationship._meta.get_field("child"))
    children = {child.id for child, _, _ in wanted}
    held_children = {as_held(child) for child in children}
    parent_kinds = {parent.kind for _, parent, _ in wanted}
    current = Relationship.objects.current().filter(
        kind__in=kinds, child__kind=child_kind, parent__kind__in=parent_kinds
    )
    if len(children) < _FEW:  # a long list of ids costs more to send than the rows
        current = current.filter(child_id__in=list(children))
    return {
        (child, parent, kind): pk
        for pk, child, parent, kind in raw_values(
            current.values_list("pk", "child_id", "parent_id", "kind")
        )
        if child in held_children
    }


def sync_relationships(
    wanted: Iterable[tuple[Organisation, Organisation, str]],
    kinds: set[str],
    child_kind: str,
    starts: date | None,
    audit_changes: list[dict],
    existing: dict | None = None,
) -> tuple[int, int]:
    """Makes the current links of the given kinds from children of one kind match `wanted`.

    Links no longer wanted are ended (active_to set), never deleted, so history stays.
    Only children named in `wanted` are touched, and only their links to parents of the
    kinds `wanted` names: a file about some practices says nothing about the others, and
    one linking practices to ICBs says nothing about their sub-ICB locations. `existing`
    is what current_links(wanted, kinds, child_kind) gives, if the caller read it earlier.
    """
    # Compared as the database holds them (core.bulk.raw_values), so no row is converted;
    # only the links to end are loaded as instances. In the order the caller gives them.
    wanted = list(wanted)
    as_held = db_value(Relationship._meta.get_field("child"))
    # Each body's id as the database holds it (and, for new links, as text), and each
    # kind's text, worked out once rather than once per link.
    bodies = {id(org): org for link in wanted for org in link[:2]}
    held = {key: as_held(org.id) for key, org in bodies.items()}
    kind_text = {kind: str(kind) for kind in {link[2] for link in wanted}}
    wanted_set = {}
    for child, parent, kind in wanted:
        c, p, k = id(child), id(parent), kind_text[kind]
        wanted_set[(held[c], held[p], k)] = (c, p, k)
    if existing is None:
        existing = current_links(wanted, kinds, child_kind)
    end_pks = [pk for key, pk in existing.items() if key not in wanted_set]
    to_end = list(Relationship.objects.filter(pk__in=end_pks)) if end_pks else []
    end_day = starts or date.today()
    for link in to_end:
        before = snapshot(link)
        link.active_to = end_day
        audit_changes.append(
            {"obj": link, "before": before, "after": snapshot(link), "action": "relationships.end"}
        )
    Relationship.objects.bulk_update(to_end, ["active_to", "updated_at"], batch_size=2000)
    new = [link for key, link in wanted_set.items() if key not in existing]
    text = {key: str(bodies[key].id) for key in {key for link in new for key in link[:2]}}
    written = insert_columns(
        Relationship,
        {
            "child_id": Prepared([held[c] for c, _, _ in new], [text[c] for c, _, _ in new]),
            "parent_id": Prepared([held[p] for _, p, _ in new], [text[p] for _, p, _ in new]),
            "kind": [k for _, _, k in new],
            "active_from": Same(starts),
        },
        len(new),
    )
    # The new links are audited in one entry listing each (ADR 0018).
    audit_changes.append(together(written, "relationships.create"))
    return len(new), len(to_end)
