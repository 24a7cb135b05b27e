"""Whom an ICB is responsible for, and for what: counts per class, with the method stated.

The classes and their legal bases come from the regime in force; the counts come from
the data loaded. Where the data cannot give an exact count, the answer says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from openics.organisations.models import Organisation, Relationship, RelationshipKind
from openics.population.models import IcbLocalAuthorityOverlap, PracticePopulation
from openics.regimes import regime_in_force_on
from openics.regimes.vocabulary import BodyKind


@dataclass
class ResponsibilityClass:
    key: str
    title: str
    basis: str
    count: Decimal | None  # None: the data cannot say
    method: str


@dataclass
class CrossBoundaryPractice:
    practice: Organisation
    local_authority: Organisation
    home_icb: Organisation | None  # the ICB that holds most of that local authority
    registered: Decimal


@dataclass
class Responsibility:
    icb: Organisation
    financial_year: str
    regime_id: str
    classes: list[ResponsibilityClass] = field(default_factory=list)
    outgoing: list[CrossBoundaryPractice] = field(default_factory=list)
    incoming: list[CrossBoundaryPractice] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)


def home_icbs() -> tuple[dict, str]:
    """Local authority id → the ICB holding most of it, and how that was decided."""
    overlaps = IcbLocalAuthorityOverlap.objects.select_related("icb")
    best: dict = {}
    for o in overlaps:
        if o.local_authority_id not in best or o.lsoas_in_both > best[o.local_authority_id][1]:
            best[o.local_authority_id] = (o.icb, o.lsoas_in_both)
    if best:
        return {la: icb for la, (icb, _) in best.items()}, "geography (most of its small areas)"
    # No geography loaded: fall back to where the registered patients of its practices are.
    totals: dict = defaultdict(lambda: defaultdict(Decimal))
    icb_names: dict = {}
    for la_id, icb, registered in _practices_by_la_and_icb():
        totals[la_id][icb.pk] += registered
        icb_names[icb.pk] = icb
    homes = {la: icb_names[max(by_icb, key=by_icb.get)] for la, by_icb in totals.items()}
    return homes, "registered patients of practices located there (no geography loaded)"


def _practices_by_la_and_icb(year: str | None = None):
    year = year or (
        PracticePopulation.objects.order_by("-financial_year")
        .values_list("financial_year", flat=True)
        .first()
    )
    located = dict(
        Relationship.objects.current()
        .filter(kind=RelationshipKind.LOCATED_IN, child__kind=BodyKind.GP_PRACTICE.value)
        .values_list("child_id", "parent_id")
    )
    icb_of = {
        link.child_id: link.parent
        for link in Relationship.objects.current()
        .filter(
            kind=RelationshipKind.WITHIN,
            child__kind=BodyKind.GP_PRACTICE.value,
            parent__kind=BodyKind.ICB.value,
        )
        .select_related("parent")
    }
    registered = dict(
        PracticePopulation.objects.for_year(year).values_list("practice_id", "registered")
    )
    for practice_id, la_id in located.items():
        if practice_id in icb_of:
            yield la_id, icb_of[practice_id], registered.get(practice_id, Decimal(0))


def responsibility_for_icb(
    icb: Organisation, financial_year: str, on: date | None = None, homes: tuple | None = None
) -> Responsibility:
    on = on or date.today()
    regime = regime_in_force_on(on)
    classes_param = regime.parameter("population.responsibility_classes").at(on)
    result = Responsibility(icb, financial_year, regime.id)

    practice_ids = list(
        Relationship.objects.current()
        .filter(kind=RelationshipKind.WITHIN, parent=icb, child__kind=BodyKind.GP_PRACTICE.value)
        .values_list("child_id", flat=True)
    )
    registered = (
        PracticePopulation.objects.for_year(financial_year)
        .filter(practice_id__in=practice_ids)
        .aggregate(total=Sum("registered"))["total"]
    ) or Decimal(0)

    homes, home_method = homes or home_icbs()
    located = dict(
        Relationship.objects.current()
        .filter(kind=RelationshipKind.LOCATED_IN, child_id__in=practice_ids)
        .values_list("child_id", "parent_id")
    )
    lists = dict(
        PracticePopulation.objects.for_year(financial_year)
        .filter(practice_id__in=practice_ids)
        .values_list("practice_id", "registered")
    )
    las = Organisation.objects.in_bulk(set(located.values()))
    practices = Organisation.objects.in_bulk(practice_ids)
    for practice_id, la_id in located.items():
        home = homes.get(la_id)
        if home is not None and home.pk != icb.pk:
            result.outgoing.append(
                CrossBoundaryPractice(
                    practices[practice_id], las[la_id], home, lists.get(practice_id, Decimal(0))
                )
            )
    home_las = {la for la, home in homes.items() if home.pk == icb.pk}
    incoming_links = (
        Relationship.objects.current()
        .filter(
            kind=RelationshipKind.LOCATED_IN,
            parent_id__in=home_las,
            child__kind=BodyKind.GP_PRACTICE.value,
        )
        .exclude(child_id__in=practice_ids)
        .select_related("child", "parent")
    )
    incoming_ids = [link.child_id for link in incoming_links]
    incoming_lists = dict(
        PracticePopulation.objects.for_year(financial_year)
        .filter(practice_id__in=incoming_ids)
        .values_list("practice_id", "registered")
    )
    for link in incoming_links:
        result.incoming.append(
            CrossBoundaryPractice(
                link.child, link.parent, None, incoming_lists.get(link.child_id, Decimal(0))
            )
        )
    incoming_total = sum((p.registered for p in result.incoming), Decimal(0))

    counts = {
        "registered": (
            registered,
            f"sum of the registered lists of the ICB's {len(practice_ids):,} practices in "
            f"{financial_year} (exact, from NHS England's practice file)",
        ),
        "resident_unregistered": (
            None,
            "not known from the data loaded: it needs resident population estimates by "
            "area, which OpenICS does not hold yet",
        ),
        "registered_elsewhere_resident": (
            incoming_total,
            "an indication, not a count: registered lists of other ICBs' practices located in "
            f"local authorities mostly within this ICB (home decided by {home_method}); "
            "where patients live is not in the data",
        ),
        "social_care_residents": (
            None,
            "for local authorities, not the ICB: social care follows ordinary residence and "
            "is means-tested; resident populations are not loaded",
        ),
    }
    for spec in classes_param:
        count, method = counts[spec["key"]]
        result.classes.append(
            ResponsibilityClass(spec["key"], spec["title"], spec["basis"], count, method)
        )
    result.caveats.append(
        "Registered lists are NHS England's averages for the year, so they are not whole numbers."
    )
    return result


@dataclass
class SharedAuthority:
    icb: Organisation
    local_authority: Organisation
    share_in_icb: Decimal
    others: list[tuple[Organisation, Decimal]]


def shared_local_authorities() -> list[SharedAuthority]:
    """For every ICB, the local authorities it shares with another ICB (by area)."""
    by_la: dict = defaultdict(list)
    for overlap in IcbLocalAuthorityOverlap.objects.select_related("icb", "local_authority"):
        by_la[overlap.local_authority_id].append(overlap)
    rows = []
    for overlaps in by_la.values():
        if len(overlaps) < 2:
            continue
        for o in overlaps:
            others = [(x.icb, x.share) for x in overlaps if x.pk != o.pk]
            rows.append(SharedAuthority(o.icb, o.local_authority, o.share, others))
    return sorted(rows, key=lambda r: (r.icb.name, r.local_authority.name))


def responsibility_for_all(financial_year: str, on: date | None = None) -> list[Responsibility]:
    """The answer for every current ICB, deciding each local authority's home ICB once."""
    homes = home_icbs()
    icbs = Organisation.objects.filter(kind=BodyKind.ICB.value, active_to__isnull=True)
    return [responsibility_for_icb(icb, financial_year, on, homes) for icb in icbs.order_by("code")]
