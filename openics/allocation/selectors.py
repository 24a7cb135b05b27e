"""Reads for allocation: published figures against our recomputation, and place inputs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from openics.allocation import formula
from openics.allocation.models import PlaceAllocationRun, PublishedAllocation, RunStatus
from openics.organisations import selectors as registry
from openics.organisations.models import Organisation, Relationship, RelationshipKind
from openics.population.models import WEIGHTED_FIELDS, PracticePopulation
from openics.population.selectors import populations_by_icb
from openics.regimes.vocabulary import BodyKind

NOT_IN_A_PLACE = "not-in-a-place"


@dataclass(frozen=True)
class Reproduction:
    published: PublishedAllocation
    distance: Decimal
    recurrent_k: Decimal

    @property
    def distance_matches(self) -> bool:
        # The workbook carries the rate to the precision of a spreadsheet double.
        return abs(self.distance - self.published.distance_from_target) < Decimal("1e-12")

    @property
    def recurrent_matches(self) -> bool:
        return self.recurrent_k == self.published.recurrent_k

    @property
    def matches(self) -> bool:
        return self.distance_matches and self.recurrent_matches


def reproduce_published(financial_year: str | None = None, line: str | None = None):
    """Every published allocation next to the figures recomputed from its own inputs."""
    rows = PublishedAllocation.objects.select_related("icb")
    if financial_year:
        rows = rows.filter(financial_year=financial_year)
    if line:
        rows = rows.filter(line=line)
    return [
        Reproduction(
            published=p,
            distance=formula.distance_from_target(p.baseline_k, p.target_k),
            recurrent_k=formula.recurrent_allocation_k(p.baseline_k, p.base_growth, p.convergence),
        )
        for p in rows
    ]


def place_inputs(
    icb: Organisation, financial_year: str, component: str
) -> list[formula.PlaceInput]:
    """Registered and weighted population of each place of the ICB, from its practices.

    Practices of the ICB that are in no place are gathered as one more row, so that the
    whole budget is always shared out.
    """
    field = WEIGHTED_FIELDS[component]
    practices = registry.current_children(icb, BodyKind.GP_PRACTICE).values_list("pk", flat=True)
    in_place = dict(
        Relationship.objects.current()
        .filter(kind=RelationshipKind.IN_PLACE, child_id__in=practices)
        .values_list("child_id", "parent_id")
    )
    places = {p.pk: p for p in registry.current_children(icb, BodyKind.PLACE)}
    totals: dict = {}
    for practice_id, registered, weighted in (
        PracticePopulation.objects.for_year(financial_year)
        .filter(practice_id__in=practices)
        .values_list("practice_id", "registered", field)
    ):
        key = in_place.get(practice_id, NOT_IN_A_PLACE)
        reg, wp, n = totals.get(key, (Decimal(0), Decimal(0), 0))
        totals[key] = (reg + registered, wp + weighted, n + 1)
    inputs = []
    for key, (registered, weighted, n) in totals.items():
        name = places[key].name if key in places else "Practices in no place"
        inputs.append(formula.PlaceInput(str(key), name, registered, weighted, n))
    return sorted(inputs, key=lambda p: (p.key == NOT_IN_A_PLACE, p.name))


def icb_weighted_totals(financial_year: str):
    """Per ICB: practices, registered and core weighted population (for the national view)."""
    return populations_by_icb(financial_year).annotate(
        practices=Count("id"), registered=Sum("registered"), weighted=Sum("wp_core")
    )


def approved_place_budgets(icb: Organisation, financial_year: str, line: str):
    """The delegation in force: the approved run's place budgets, or None."""
    return PlaceAllocationRun.objects.filter(
        icb=icb, financial_year=financial_year, line=line, status=RunStatus.APPROVED
    ).first()


COMPONENT_FIELDS = {"registered": "registered", **WEIGHTED_FIELDS}


def icb_components(financial_year: str) -> dict:
    """ICB id → practices, registered population and each weighted component, in one query."""
    rows = populations_by_icb(financial_year).annotate(
        practices=Count("id"), **{k: Sum(f) for k, f in COMPONENT_FIELDS.items()}
    )
    return {r.pop("practice__parent_links__parent"): r for r in rows}


@dataclass(frozen=True)
class IcbFairShare:
    icb: Organisation
    components: dict
    national: dict
    fair: formula.FairShare
    published: PublishedAllocation | None

    @property
    def distance(self) -> Decimal | None:
        if self.published is None:
            return None
        actual = self.published.recurrent_k * 1000
        return formula.distance_from_target(actual, self.fair.target.to_decimal())

    def component_shares(self) -> list[tuple[str, Decimal, Decimal]]:
        return [
            (name, self.components[name], self.components[name] / self.national[name])
            for name in COMPONENT_FIELDS
        ]


def national_fair_shares(
    financial_year: str, total, component: str = "core", line: str = "core"
) -> list[IcbFairShare]:
    """Every ICB's fair share of a national total, by its practices' weighted population.

    Where NHS England's published allocation for the same year and line is loaded, the
    distance from target compares it with this target.
    """
    components = icb_components(financial_year)
    if not components:
        return []
    icbs = Organisation.objects.in_bulk(list(components))
    national = {k: sum((c[k] for c in components.values()), Decimal(0)) for k in COMPONENT_FIELDS}
    weights = {str(icb_id): components[icb_id][component] for icb_id in sorted(components, key=str)}
    fair = formula.fair_shares(total, weights)
    published = {
        p.icb_id: p
        for p in PublishedAllocation.objects.filter(financial_year=financial_year, line=line)
    }
    rows = [
        IcbFairShare(
            icbs[icb_id], components[icb_id], national, fair[str(icb_id)], published.get(icb_id)
        )
        for icb_id in components
    ]
    return sorted(rows, key=lambda r: r.icb.name)


def published_total(financial_year: str, line: str = "core"):
    """England's recorded total for a year and line, as Money (or None)."""
    from openics.allocation.models import AllocationTotal

    total = AllocationTotal.objects.filter(
        financial_year=financial_year, line=line, icb__isnull=True
    ).first()
    return total.amount if total else None


def totals_by_year():
    """Every recorded total, England's and any ICB's, years side by side."""
    from openics.allocation.models import AllocationTotal

    return AllocationTotal.objects.select_related("icb").order_by(
        "icb__name", "line", "financial_year"
    )
