"""Residents of an ICB's area and of its places, from ONS's mid-year estimates, set beside
the patients registered with its practices: the estimate of residents not registered.

An ICB's area is made of councils' areas. A council split between ICBs is shared by the
ICB/local authority overlaps (small areas, LSOAs, counted in each); councils abolished in
April 2023 are counted under the councils that replaced them, since ONS estimates are for
the councils of 2023.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from openics.organisations.models import Organisation, Relationship, RelationshipKind
from openics.organisations.selectors import current_children
from openics.population.councils import council_now, is_district_code
from openics.population.models import (
    IcbLocalAuthorityOverlap,
    PracticePopulation,
    ResidentPopulation,
)
from openics.regimes.vocabulary import BodyKind

LIMITS = [
    "Registered lists run ahead of residents: people who have moved away, emigrated or died "
    "stay on lists for a while (list inflation), so lists are larger than the resident "
    "population in most of England; the national adjustment assumes this ICB's lists are "
    "inflated as much as England's, which is not known area by area.",
    "People registered with a practice in another ICB's area (and people living elsewhere "
    "registered here) are not in either figure's difference: where patients live is not "
    "in the data loaded.",
    "The two sources are of different dates: ONS residents at 30 June of the mid-year, and "
    "NHS England's registered lists averaged for the financial year's allocation file.",
    "The adjustment makes England's estimates add to about zero by construction: they show "
    "where residents are less (or more) fully registered than the national average, not "
    "how many people in England are on no list.",
    "A council split between ICBs is shared by its small areas (LSOAs) in each, which hold "
    "roughly equal numbers of people, not by the people themselves.",
]


@dataclass
class ResidentEstimate:
    """Residents of an area, registered patients, and the residents not registered."""

    residents: int
    registered: Decimal
    mid_year: int
    financial_year: str
    national_ratio: Decimal  # England's registered lists ÷ England's residents
    councils: list[tuple[Organisation, int, Decimal]] = field(default_factory=list)

    @property
    def difference(self) -> Decimal:
        """Residents less registered: negative where the lists hold more than live there."""
        return Decimal(self.residents) - self.registered

    @property
    def adjusted(self) -> Decimal:
        """Residents less the lists deflated by England's ratio of lists to residents."""
        return Decimal(self.residents) - self.registered / self.national_ratio

    @property
    def not_registered(self) -> Decimal:
        """The estimate of residents not registered: the adjusted gap, never below zero."""
        return max(self.adjusted, Decimal(0)).quantize(Decimal(1))

    def method(self) -> str:
        councils = "; ".join(
            f"{c.name} {n:,}" + ("" if share == 1 else f" × {share:.1%}")
            for c, n, share in self.councils
        )
        return (
            f"an estimate: ONS residents at mid-{self.mid_year} ({self.residents:,}: "
            f"{councils}) less the {self.financial_year} registered lists "
            f"({self.registered:,.0f}) divided by England's ratio of registered patients to "
            f"residents ({self.national_ratio:.4f}, for list inflation) = "
            f"{self.adjusted:,.0f} (an estimate below zero is shown as 0); without the "
            f"adjustment, residents less registered is {self.difference:,.0f}"
        )


def latest_mid_year() -> int | None:
    return (
        ResidentPopulation.objects.order_by("-mid_year").values_list("mid_year", flat=True).first()
    )


def district_residents(mid_year: int) -> dict[str, tuple[Organisation, int]]:
    """ONS code → (council, residents) for the districts and unitary councils of the year."""
    rows = ResidentPopulation.objects.filter(mid_year=mid_year).select_related("area")
    return {
        r.area.ons_code: (r.area, r.all_ages) for r in rows if is_district_code(r.area.ons_code)
    }


def council_shares() -> dict:
    """ICB id → {council ONS code (of 2023): share of the council's small areas in the ICB}."""
    in_both: dict = defaultdict(lambda: defaultdict(int))
    totals: dict[str, dict[int, int]] = defaultdict(dict)
    for o in IcbLocalAuthorityOverlap.objects.select_related("local_authority"):
        code = council_now(o.local_authority.ons_code)
        in_both[o.icb_id][code] += o.lsoas_in_both
        totals[code][o.local_authority_id] = o.lsoas_in_local_authority
    whole = {code: sum(parts.values()) for code, parts in totals.items()}
    return {
        icb: {code: Decimal(n) / Decimal(whole[code]) for code, n in by_council.items()}
        for icb, by_council in in_both.items()
    }


def national_ratio(financial_year: str, mid_year: int) -> Decimal | None:
    registered = PracticePopulation.objects.for_year(financial_year).aggregate(t=Sum("registered"))[
        "t"
    ]
    residents = sum(n for _, n in district_residents(mid_year).values())
    if not registered or not residents:
        return None
    return Decimal(registered) / Decimal(residents)


@dataclass
class _Context:
    mid_year: int
    residents: dict[str, tuple[Organisation, int]]
    shares: dict
    ratio: Decimal


def context(financial_year: str) -> _Context | None:
    """What every ICB's estimate shares, worked out once; None without residents or geography."""
    mid_year = latest_mid_year()
    if mid_year is None:
        return None
    ratio = national_ratio(financial_year, mid_year)
    shares = council_shares()
    if ratio is None or not shares:
        return None
    return _Context(mid_year, district_residents(mid_year), shares, ratio)


def icb_residents(
    icb: Organisation, registered: Decimal, financial_year: str, ctx: _Context
) -> ResidentEstimate:
    estimate = ResidentEstimate(0, registered, ctx.mid_year, financial_year, ctx.ratio)
    for code, share in sorted(ctx.shares.get(icb.pk, {}).items()):
        if code not in ctx.residents or share == 0:
            continue
        council, n = ctx.residents[code]
        estimate.councils.append((council, n, share))
    estimate.residents = round(sum(Decimal(n) * share for _, n, share in estimate.councils))
    return estimate


@dataclass
class PlaceResidents:
    place: Organisation
    estimate: ResidentEstimate


def place_residents(icb: Organisation, financial_year: str, ctx: _Context) -> list[PlaceResidents]:
    """Each place of the ICB: the residents of the councils its practices are in, each
    council's residents (in this ICB) shared between places by their practices' lists there."""
    places = list(current_children(icb, BodyKind.PLACE).order_by("name"))
    if not places:
        return []
    place_of = dict(
        Relationship.objects.current()
        .filter(kind=RelationshipKind.IN_PLACE, parent__in=places)
        .values_list("child_id", "parent_id")
    )
    practice_ids = list(
        Relationship.objects.current()
        .filter(kind=RelationshipKind.WITHIN, parent=icb, child__kind=BodyKind.GP_PRACTICE.value)
        .values_list("child_id", flat=True)
    )
    located = {
        child: council_now(code)
        for child, code in Relationship.objects.current()
        .filter(kind=RelationshipKind.LOCATED_IN, child_id__in=practice_ids)
        .values_list("child_id", "parent__ons_code")
    }
    lists = PracticePopulation.objects.lists(financial_year, practice_ids)
    by_council: dict = defaultdict(lambda: defaultdict(Decimal))  # council → place → list
    registered: dict = defaultdict(Decimal)
    for practice_id in practice_ids:
        listed = lists.get(practice_id, Decimal(0))
        place_id = place_of.get(practice_id)
        by_council[located.get(practice_id, "")][place_id] += listed
        if place_id:
            registered[place_id] += listed
    result = []
    shares = ctx.shares.get(icb.pk, {})
    for place in places:
        estimate = ResidentEstimate(
            0, registered[place.pk], ctx.mid_year, financial_year, ctx.ratio
        )
        for code, share in sorted(shares.items()):
            lists_here = by_council.get(code, {})
            total = sum(lists_here.values(), Decimal(0))
            if code not in ctx.residents or not total or not lists_here.get(place.pk):
                continue
            council, n = ctx.residents[code]
            estimate.councils.append((council, n, share * lists_here[place.pk] / total))
        estimate.residents = round(sum(Decimal(n) * s for _, n, s in estimate.councils))
        result.append(PlaceResidents(place, estimate))
    return result
