"""Named reads of capital: the plan against the limit by year, and what PFI costs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from openics.capital.models import CapitalLimit, CapitalScheme, PfiScheme, SchemeCost, UnitaryCharge
from openics.capital.positions import Position, position
from openics.kernel.money import Money
from openics.organisations.models import Organisation


@dataclass(frozen=True)
class YearPosition:
    year: str
    limit: CapitalLimit | None
    position: Position
    schemes: list[tuple[CapitalScheme, Money]]

    @property
    def illustrative(self) -> bool:
        return bool(self.limit and self.limit.illustrative) or any(
            s.illustrative for s, _ in self.schemes
        )


def capital_icbs() -> list[Organisation]:
    """ICBs with a capital limit or plan on the record."""
    ids = set(CapitalLimit.objects.values_list("icb_id", flat=True))
    ids |= set(CapitalScheme.objects.values_list("icb_id", flat=True))
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def capital_plan(icb: Organisation) -> list[YearPosition]:
    """Each year of the ICB's capital plan or limit: the schemes' costs, the limit and the
    position against it."""
    limits = {limit.financial_year: limit for limit in CapitalLimit.objects.filter(icb=icb)}
    costs = defaultdict(list)
    for cost in SchemeCost.objects.filter(scheme__icb=icb).select_related(
        "scheme", "scheme__provider"
    ):
        costs[cost.financial_year].append((cost.scheme, cost.amount))
    years = sorted(set(limits) | set(costs))
    result = []
    for year in years:
        limit = limits.get(year)
        schemes = sorted(costs[year], key=lambda sc: (sc[0].provider.name, sc[0].name))
        result.append(
            YearPosition(
                year=year,
                limit=limit,
                position=position(
                    limit.amount.pence if limit else None,
                    [(s.funding_source, amount.pence) for s, amount in schemes],
                ),
                schemes=schemes,
            )
        )
    return result


@dataclass(frozen=True)
class PfiCosts:
    schemes: list[PfiScheme]
    by_year: dict[str, Money]
    by_partner: dict[Organisation, Money]
    posted_by_year: dict[str, Money]
    total: Money


def pfi_costs(providers: list[Organisation] | None = None) -> PfiCosts:
    """What PFI costs: unitary charges by year and by private partner (all schemes, or
    those of the given trusts), and how much of each year the books have paid."""
    schemes = PfiScheme.objects.select_related("provider", "partner", "contract")
    if providers is not None:
        schemes = schemes.filter(provider__in=providers)
    schemes = list(schemes)
    by_year: dict[str, Money] = defaultdict(Money.zero)
    posted: dict[str, Money] = defaultdict(Money.zero)
    by_partner: dict[Organisation, Money] = defaultdict(Money.zero)
    for charge in UnitaryCharge.objects.filter(scheme__in=schemes).select_related(
        "scheme__partner"
    ):
        by_year[charge.financial_year] += charge.amount
        by_partner[charge.scheme.partner] += charge.amount
        if charge.payment_id:
            posted[charge.financial_year] += charge.amount
    return PfiCosts(
        schemes=schemes,
        by_year=dict(sorted(by_year.items())),
        by_partner=dict(sorted(by_partner.items(), key=lambda kv: -kv[1].pence)),
        posted_by_year=dict(posted),
        total=sum(by_year.values(), Money.zero()),
    )
