"""Named reads of populations, for pages, the API and the CLI: which years are loaded, and
each ICB's registered list (grouped by region) and practices."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from openics.kernel.years import FinancialYear
from openics.organisations.models import Organisation, Relationship, RelationshipKind
from openics.organisations.selectors import current_children
from openics.population.models import PracticePopulation
from openics.regimes.vocabulary import BodyKind


def latest_financial_year() -> str | None:
    return (
        PracticePopulation.objects.order_by("-financial_year")
        .values_list("financial_year", flat=True)
        .first()
    )


@dataclass
class IcbSummary:
    icb: Organisation
    practices: int = 0
    registered: Decimal = Decimal(0)


@dataclass
class RegionGroup:
    region: Organisation
    icbs: list[IcbSummary] = field(default_factory=list)

    @property
    def registered(self) -> Decimal:
        return sum((s.registered for s in self.icbs), Decimal(0))


def reporting_day(financial_year: str):
    """The day whose links report a year: its last. 2025/26 is reported by the ICBs of
    2025/26 (to 31 March 2026), 2026/27 by those established on 1 April 2026."""
    return FinancialYear.parse(financial_year).last_day


def populations_by_icb(financial_year: str):
    """A year's practice populations grouped by the ICB each practice was within on the
    year's reporting day (the group's key is practice__parent_links__parent), for the
    totals to annotate."""
    day = reporting_day(financial_year)
    return (
        PracticePopulation.objects.for_year(financial_year)
        .filter(
            Q(practice__parent_links__active_from__isnull=True)
            | Q(practice__parent_links__active_from__lte=day),
            Q(practice__parent_links__active_to__isnull=True)
            | Q(practice__parent_links__active_to__gte=day),
            practice__parent_links__kind=RelationshipKind.WITHIN,
            practice__parent_links__parent__kind=BodyKind.ICB.value,
        )
        .values("practice__parent_links__parent")
    )


def registered_by_icb(financial_year: str) -> dict:
    """ICB id → (number of practices, registered patients) for one year, in one query."""
    rows = populations_by_icb(financial_year).annotate(
        practices=Count("id"), registered=Sum("registered")
    )
    return {r["practice__parent_links__parent"]: (r["practices"], r["registered"]) for r in rows}


def icbs_of_year(financial_year: str):
    """The ICBs that report a financial year: those open on its reporting day."""
    return Organisation.objects.of_kind(BodyKind.ICB).active_on(reporting_day(financial_year))


def icb_directory(financial_year: str | None = None) -> list[RegionGroup]:
    """The ICBs of a financial year (by default the latest loaded; with none, the current
    ones), grouped by NHS England region as linked on the year's reporting day, with their
    practices and registered list."""
    year = financial_year or latest_financial_year()
    totals = registered_by_icb(year) if year else {}
    links = Relationship.objects.current()
    icbs = Organisation.objects.of_kind(BodyKind.ICB).current()
    if year:
        links = Relationship.objects.in_force_on(reporting_day(year))
        icbs = icbs_of_year(year)
    links = links.filter(
        kind=RelationshipKind.WITHIN,
        child__in=icbs,
        parent__kind=BodyKind.NHS_ENGLAND_REGION.value,
    ).select_related("child", "parent")
    groups: dict = {}
    for link in links:
        group = groups.setdefault(link.parent_id, RegionGroup(link.parent))
        practices, registered = totals.get(link.child_id, (0, Decimal(0)))
        group.icbs.append(IcbSummary(link.child, practices, registered or Decimal(0)))
    for group in groups.values():
        group.icbs.sort(key=lambda s: s.icb.name)
    return sorted(groups.values(), key=lambda g: g.region.name)


def icb_practices(icb: Organisation, financial_year: str | None, on=None):
    """The ICB's practices (current, or on a day) with their registered list for the year."""
    if on is None:
        practices = current_children(icb, BodyKind.GP_PRACTICE)
    else:
        practices = Organisation.objects.of_kind(BodyKind.GP_PRACTICE).filter(
            pk__in=Relationship.objects.in_force_on(on)
            .filter(parent=icb, kind=RelationshipKind.WITHIN)
            .values("child_id")
        )
    practices = practices.order_by("name")
    if financial_year:
        practices = practices.annotate(
            registered=Sum(
                "populations__registered",
                filter=Q(populations__financial_year=financial_year),
            )
        )
    return practices
