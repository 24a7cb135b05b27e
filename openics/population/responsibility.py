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

from openics.kernel.years import FinancialYear
from openics.organisations.models import Organisation, Relationship, RelationshipKind
from openics.population import residents as resident_estimates
from openics.population.councils import council_now, is_upper_tier_code
from openics.population.models import IcbLocalAuthorityOverlap, PracticePopulation
from openics.population.residents import PlaceResidents, ResidentEstimate
from openics.regimes import regime_in_force_on
from openics.regimes.vocabulary import BodyKind

_NO_RESIDENTS = (
    "not known from the data loaded: it needs ONS resident population estimates "
    "(`openics import residents FILE`) and the geography of ICBs and councils "
    "(`openics import geography FILE`)"
)


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
    residents: ResidentEstimate | None = None  # None: no resident estimates or no geography
    places: list[PlaceResidents] = field(default_factory=list)


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
    registered = PracticePopulation.objects.lists(year)
    for practice_id, la_id in located.items():
        if practice_id in icb_of:
            yield la_id, icb_of[practice_id], registered.get(practice_id, Decimal(0))


_UNSET = object()


def responsibility_for_icb(
    icb: Organisation,
    financial_year: str,
    on: date | None = None,
    homes: tuple | None = None,
    residents_context=_UNSET,
) -> Responsibility:
    on = on or date.today()
    regime = regime_in_force_on(on)
    classes_param = regime.parameter("population.responsibility_classes").at(on)
    result = Responsibility(icb, financial_year, regime.id)

    # The practices within the ICB on the year's last day (an ICB closed since keeps its own).
    in_year = Relationship.objects.in_force_on(FinancialYear.parse(financial_year).last_day)
    practice_ids = list(
        in_year.filter(
            kind=RelationshipKind.WITHIN, parent=icb, child__kind=BodyKind.GP_PRACTICE.value
        ).values_list("child_id", flat=True)
    )
    registered = (
        PracticePopulation.objects.for_year(financial_year)
        .filter(practice_id__in=practice_ids)
        .aggregate(total=Sum("registered"))["total"]
    ) or Decimal(0)

    homes, home_method = homes or home_icbs()
    located = dict(
        in_year.filter(kind=RelationshipKind.LOCATED_IN, child_id__in=practice_ids).values_list(
            "child_id", "parent_id"
        )
    )
    lists = PracticePopulation.objects.lists(financial_year, practice_ids)
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
    incoming_lists = PracticePopulation.objects.lists(financial_year, incoming_ids)
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
        "resident_unregistered": (None, _NO_RESIDENTS),
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
    ctx = (
        resident_estimates.context(financial_year)
        if residents_context is _UNSET
        else residents_context
    )
    if ctx is not None:
        estimate = resident_estimates.icb_residents(icb, registered, financial_year, ctx)
        result.residents = estimate
        result.places = resident_estimates.place_residents(icb, financial_year, ctx)
        counts["resident_unregistered"] = (estimate.not_registered, estimate.method())
        councils = sorted({c.name for c, _, _ in estimate.councils})
        counts["social_care_residents"] = (
            None,
            "for local authorities, not the ICB: social care follows ordinary residence and "
            f"is means-tested; {estimate.residents:,} people live in the ICB's area "
            f"(ONS, mid-{estimate.mid_year}), served by {', '.join(councils)}",
        )
        result.caveats += resident_estimates.LIMITS
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


@dataclass
class CouncilTier:
    """The councils of one tier as they are since April 2023, and those split between ICBs."""

    tier: str  # "district" (districts and unitary councils) or "upper" (counties and unitary)
    title: str
    councils: int  # councils of this tier with any small area in an ICB
    shared: list[SharedAuthority]

    @property
    def councils_shared(self) -> int:
        return len({row.local_authority.pk for row in self.shared})


TIERS = {
    "district": "Districts and unitary councils (lower tier: housing, planning)",
    "upper": "County and unitary councils (upper tier: social care, public health)",
}


def _lsoas_by_council(tier: str) -> dict[Organisation, dict[Organisation, int]]:
    """Council (of April 2023, of the tier) → ICB → small areas of the council in the ICB."""
    by_code = {
        o.ons_code: o
        for o in Organisation.objects.filter(kind=BodyKind.LOCAL_AUTHORITY.value).exclude(
            ons_code=""
        )
    }
    county_of = dict(
        Relationship.objects.current()
        .filter(
            kind=RelationshipKind.WITHIN,
            child__kind=BodyKind.LOCAL_AUTHORITY.value,
            parent__kind=BodyKind.LOCAL_AUTHORITY.value,
        )
        .values_list("child__ons_code", "parent__ons_code")
    )
    counts: dict = defaultdict(lambda: defaultdict(int))
    for o in IcbLocalAuthorityOverlap.objects.select_related("icb", "local_authority"):
        code = o.local_authority.ons_code
        if council_now(code) in by_code:  # the council of 2023, once the registry knows it
            code = council_now(code)
        if tier == "upper" and not is_upper_tier_code(code):
            if code not in county_of:
                continue  # a district whose county is not known: import residents
            code = county_of[code]
        counts[by_code[code]][o.icb] += o.lsoas_in_both
    return counts


def council_tier(tier: str = "district") -> CouncilTier:
    """The councils of a tier, and for every ICB those it shares with another (by area)."""
    rows = []
    by_council = _lsoas_by_council(tier)
    for council, by_icb in by_council.items():
        if len(by_icb) < 2:
            continue
        whole = Decimal(sum(by_icb.values()))
        shares = {icb: Decimal(n) / whole for icb, n in by_icb.items()}
        for icb, share in shares.items():
            others = [(other, s) for other, s in shares.items() if other.pk != icb.pk]
            rows.append(SharedAuthority(icb, council, share, others))
    rows.sort(key=lambda r: (r.icb.name, r.local_authority.name))
    return CouncilTier(tier, TIERS[tier], len(by_council), rows)


def shared_local_authorities(tier: str = "district") -> list[SharedAuthority]:
    """For every ICB, the councils of the tier it shares with another ICB (by area)."""
    return council_tier(tier).shared


def responsibility_for_all(financial_year: str, on: date | None = None) -> list[Responsibility]:
    """The answer for every ICB of the year (open on its last day), deciding each local
    authority's home ICB (and what the resident estimates share) once."""
    homes = home_icbs()
    ctx = resident_estimates.context(financial_year)
    icbs = Organisation.objects.of_kind(BodyKind.ICB).active_on(
        FinancialYear.parse(financial_year).last_day
    )
    return [
        responsibility_for_icb(icb, financial_year, on, homes, ctx) for icb in icbs.order_by("code")
    ]
