"""Named reads of the registry, for pages, the API and the CLI."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from openics.organisations.models import (
    Organisation,
    Relationship,
    RelationshipKind,
    StaffFigure,
    StaffTransfer,
    Succession,
)
from openics.regimes.vocabulary import BodyKind
from openics.sources.workforce import STAFF_GROUPS


class OrganisationNotFound(LookupError):
    """No body, or more than one, has the code asked for."""

    def __init__(self, code: str, found: int, kind: str | None = None) -> None:
        self.code, self.found, self.kind = code, found, kind
        what = f"{kind} " if kind else ""
        problem = "is in the registry" if not found else "match; expected exactly one"
        if not found:
            message = f"no {what}organisation with the code {code!r} {problem}"
        else:
            message = f"{found} {what}organisations with the code {code!r} {problem}"
        super().__init__(message)


def organisation_by_code(code: str, *, kind: BodyKind | str | None = None) -> Organisation:
    """The one body an ODS code names, or failing that an ONS code (a council's, say).

    Places carry their ICB's code beside their own name, so they are found only when asked
    for by kind. Raises OrganisationNotFound when no body, or more than one, has the code.
    """
    code = str(code or "").strip().upper()
    bodies = Organisation.objects.all()
    if kind:
        bodies = bodies.filter(kind=BodyKind(kind).value)
    else:
        bodies = bodies.exclude(kind=BodyKind.PLACE.value)
    found = list(bodies.filter(code=code)[:2]) if code else []
    if not found and code:
        found = list(bodies.filter(ons_code=code)[:2])
    if len(found) != 1:
        raise OrganisationNotFound(code, len(found), str(kind) if kind else None)
    return found[0]


def current_parent(org: Organisation, parent_kind: BodyKind, link=RelationshipKind.WITHIN):
    link = (
        Relationship.objects.current()
        .filter(child=org, kind=link, parent__kind=parent_kind.value)
        .select_related("parent")
        .first()
    )
    return link.parent if link else None


def current_children(org: Organisation, child_kind: BodyKind, link=RelationshipKind.WITHIN):
    return Organisation.objects.filter(
        parent_links__parent=org,
        parent_links__kind=link,
        parent_links__active_to__isnull=True,
        kind=child_kind.value,
    )


def icb_local_authorities(icb: Organisation):
    """Local authority districts where the ICB's practices are, with how many practices."""
    return (
        Organisation.objects.filter(
            kind=BodyKind.LOCAL_AUTHORITY.value,
            child_links__kind=RelationshipKind.LOCATED_IN,
            child_links__active_to__isnull=True,
            child_links__child__parent_links__parent=icb,
            child_links__child__parent_links__kind=RelationshipKind.WITHIN,
            child_links__child__parent_links__active_to__isnull=True,
        )
        .annotate(practices=Count("child_links", distinct=True))
        .order_by("name")
    )


def providers_by_ownership(icb: Organisation) -> dict[str, list[Organisation]]:
    """Bodies within the ICB that provide care (trusts, practices, others), by ownership class."""
    provider_kinds = [
        BodyKind.NHS_TRUST.value,
        BodyKind.FOUNDATION_TRUST.value,
        BodyKind.GP_PRACTICE.value,
        BodyKind.INDEPENDENT_PROVIDER.value,
        BodyKind.VOLUNTARY_PROVIDER.value,
    ]
    grouped: dict[str, list[Organisation]] = defaultdict(list)
    for org in (
        Organisation.objects.current()
        .filter(
            kind__in=provider_kinds,
            parent_links__parent=icb,
            parent_links__active_to__isnull=True,
        )
        .distinct()
    ):
        grouped[org.get_ownership_display()].append(org)
    return dict(sorted(grouped.items()))


def search(text: str, limit: int = 50):
    return Organisation.objects.search(text).order_by("active_to", "name")[:limit]


def places_with_practices(icb: Organisation):
    """The ICB's current places, each with how many practices it holds."""
    return (
        current_children(icb, BodyKind.PLACE)
        .annotate(
            practices=Count(
                "child_links",
                filter=Q(
                    child_links__kind=RelationshipKind.IN_PLACE, child_links__active_to__isnull=True
                ),
            )
        )
        .order_by("name")
    )


def unplaced_practices(icb: Organisation):
    """The ICB's practices that belong to none of its places (once it has places)."""
    if not current_children(icb, BodyKind.PLACE).exists():
        return Organisation.objects.none()
    placed = Relationship.objects.current().filter(kind=RelationshipKind.IN_PLACE)
    return (
        current_children(icb, BodyKind.GP_PRACTICE)
        .exclude(pk__in=placed.values("child_id"))
        .order_by("name")
    )


def successions_from(org: Organisation):
    """Who succeeded the body (one for a merger, several for a split), with the day."""
    return Succession.objects.filter(predecessor=org).select_related("successor")


def successions_into(org: Organisation):
    """Whom the body succeeded, with the day: their records stay on their own pages."""
    return Succession.objects.filter(successor=org).select_related("predecessor")


# -- people -------------------------------------------------------------------------------
@dataclass(frozen=True)
class StaffTable:
    """One body's staff by group (rows) on each day published (columns), in FTE."""

    organisation: Organisation
    days: list[date]
    groups: list[str]
    fte: dict[tuple[str, date], Decimal | None]
    headcount: dict[tuple[str, date], int | None]
    totals: dict[date, Decimal]
    sources: list[str]

    @property
    def has_headcount(self) -> bool:
        return any(v is not None for v in self.headcount.values())


def staff_of(organisation: Organisation) -> StaffTable:
    figures = list(StaffFigure.objects.filter(organisation=organisation).order_by("as_at"))
    days = sorted({f.as_at for f in figures})
    groups = [g for g in STAFF_GROUPS if any(f.staff_group == g for f in figures)]
    totals: dict[date, Decimal] = defaultdict(Decimal)
    for f in figures:
        totals[f.as_at] += f.fte or 0
    return StaffTable(
        organisation=organisation,
        days=days,
        groups=groups,
        fte={(f.staff_group, f.as_at): f.fte for f in figures},
        headcount={(f.staff_group, f.as_at): f.headcount for f in figures},
        totals=dict(totals),
        sources=sorted({f.source_name for f in figures}),
    )


@dataclass(frozen=True)
class StaffSummary:
    organisation: Organisation
    fte_by_day: dict[date, Decimal]


def staff_by_organisation(within: Organisation | None = None) -> tuple[list[date], list]:
    """Every body with published staff figures (or those of one ICB's system: its trusts
    and those in its provider collaboratives), with its total FTE on each day."""
    figures = StaffFigure.objects.select_related("organisation")
    if within is not None:
        figures = figures.filter(organisation__in=system_employers(within))
    by_body: dict = {}
    days: set[date] = set()
    for f in figures:
        summary = by_body.setdefault(f.organisation_id, StaffSummary(f.organisation, {}))
        summary.fte_by_day[f.as_at] = summary.fte_by_day.get(f.as_at, Decimal(0)) + (f.fte or 0)
        days.add(f.as_at)
    return sorted(days), sorted(by_body.values(), key=lambda s: s.organisation.name)


def system_employers(icb: Organisation) -> list[Organisation]:
    """The trusts of an ICB's system: those ODS places in it, and members of collaboratives
    the ICB's trusts belong to."""
    trusts = set(
        Relationship.objects.current()
        .filter(parent=icb, kind=RelationshipKind.WITHIN)
        .filter(child__kind__in=[BodyKind.NHS_TRUST.value, BodyKind.FOUNDATION_TRUST.value])
        .values_list("child_id", flat=True)
    )
    collaboratives = Relationship.objects.current().filter(
        child_id__in=trusts, kind=RelationshipKind.MEMBER
    )
    trusts |= set(
        Relationship.objects.current()
        .filter(parent_id__in=collaboratives.values("parent_id"), kind=RelationshipKind.MEMBER)
        .values_list("child_id", flat=True)
    )
    return list(Organisation.objects.filter(pk__in=trusts).order_by("name"))


def staff_transfers(organisation: Organisation | None = None):
    transfers = StaffTransfer.objects.select_related("source", "target")
    if organisation is not None:
        transfers = transfers.filter(Q(source=organisation) | Q(target=organisation))
    return list(transfers)


def staff_sources() -> list[str]:
    """The published files the staff figures held come from."""
    return sorted(set(StaffFigure.objects.values_list("source_name", flat=True).distinct()))
