"""The allocation formula as pure functions: plain numbers in, numbers and reasons out.

No database here, so every figure can be recomputed and tested by anyone. Money is
shared with the largest-remainder method (kernel.money.Money.allocate), so shares always
add up to the whole to the penny.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from openics.kernel.money import Money

THOUSAND = Decimal(1000)


def distance_from_target(actual: Decimal, target: Decimal) -> Decimal:
    """(actual − target) ÷ target: positive above the fair share, negative below."""
    if target <= 0:
        raise ValueError("a target must be positive")
    return (actual - target) / target


def recurrent_allocation_k(
    baseline_k: Decimal, base_growth: Decimal, convergence: Decimal
) -> Decimal:
    """Next year's recurrent allocation in £k, as NHS England publishes it.

    The baseline grows by the base growth, then by the convergence adjustment (negative
    for systems above target), compounded, and is rounded half-up to the whole £k.
    """
    exact = baseline_k * (1 + base_growth) * (1 + convergence)
    return exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def shares(weights: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Each key's share of the total weight (the shares add up to one)."""
    total = sum(weights.values(), Decimal(0))
    if total <= 0:
        raise ValueError("the weights add up to nothing")
    return {key: weight / total for key, weight in weights.items()}


def exact_shares(weights: Mapping[str, Decimal], places: int = 15) -> dict[str, Decimal]:
    """Shares to `places` decimal places that add up to exactly one (largest remainders)."""
    unit = 10**places
    parts = Money(unit).allocate([weights[k] for k in weights])
    return {
        key: Decimal(part.pence).scaleb(-places) for key, part in zip(weights, parts, strict=True)
    }


def share_out(amount: Money, weights: Mapping[str, Decimal]) -> dict[str, Money]:
    """Shares money by weight, exactly: largest remainders, keys in their given order."""
    keys = list(weights)
    return dict(zip(keys, amount.allocate([weights[k] for k in keys]), strict=True))


def need_index(
    weighted: Decimal, population: Decimal, whole_weighted: Decimal, whole_population: Decimal
) -> Decimal:
    """(WP ÷ population) of a part over the same ratio for the whole: 1 is average need."""
    if population <= 0 or whole_population <= 0 or whole_weighted <= 0:
        raise ValueError("populations and weighted populations must be positive")
    return (weighted / population) / (whole_weighted / whole_population)


@dataclass(frozen=True)
class PlaceInput:
    key: str
    name: str
    registered: Decimal
    weighted: Decimal
    practices: int


@dataclass(frozen=True)
class PlaceShare:
    key: str
    name: str
    practices: int
    registered: Decimal
    weighted: Decimal
    share: Decimal
    need_index: Decimal
    budget: Money
    per_head: Money


def place_budgets(budget: Money, places: list[PlaceInput]) -> list[PlaceShare]:
    """An ICB's budget for one component shared between its places by weighted population."""
    if not places:
        raise ValueError("there are no places to share the budget between")
    total_wp = sum((p.weighted for p in places), Decimal(0))
    total_pop = sum((p.registered for p in places), Decimal(0))
    by_key = share_out(budget, {p.key: p.weighted for p in places})
    fractions = shares({p.key: p.weighted for p in places})
    result = []
    for p in places:
        amount = by_key[p.key]
        per_head = (
            Money.from_decimal_rounded(amount.to_decimal() / p.registered)
            if p.registered > 0
            else Money(0)
        )
        result.append(
            PlaceShare(
                key=p.key,
                name=p.name,
                practices=p.practices,
                registered=p.registered,
                weighted=p.weighted,
                share=fractions[p.key],
                need_index=need_index(p.weighted, p.registered, total_wp, total_pop),
                budget=amount,
                per_head=per_head,
            )
        )
    return result


# -- national fair shares and pace of change -----------------------------------------------
@dataclass(frozen=True)
class ConvergencePolicy:
    """How fast allocations move towards fair shares (a regime parameter, dated).

    Each ICB starts from the base growth. One under target gets up to
    `under_target_extra` more, one over target up to `over_target_reduction` less, never
    so much that it passes its target; no ICB grows by less than `minimum_growth`.
    """

    minimum_growth: Decimal
    under_target_extra: Decimal
    over_target_reduction: Decimal

    @classmethod
    def from_parameter(cls, value: Mapping[str, str]) -> ConvergencePolicy:
        return cls(
            **{
                name: Decimal(str(value[name]))
                for name in ("minimum_growth", "under_target_extra", "over_target_reduction")
            }
        )


@dataclass(frozen=True)
class FairShare:
    key: str
    weighted: Decimal
    share: Decimal
    target: Money


def fair_shares(total: Money, weighted: Mapping[str, Decimal]) -> dict[str, FairShare]:
    """Each ICB's target: its share of the national weighted population × the national total."""
    fractions = exact_shares(weighted)
    targets = share_out(total, weighted)
    return {key: FairShare(key, weighted[key], fractions[key], targets[key]) for key in weighted}


@dataclass(frozen=True)
class PacedAllocation:
    key: str
    baseline: Money
    target: Money
    distance: Decimal
    growth: Decimal
    provisional: Money
    allocation: Money


def pace_of_change(
    total: Money,
    baselines: Mapping[str, Money],
    targets: Mapping[str, Money],
    base_growth: Decimal,
    policy: ConvergencePolicy,
) -> list[PacedAllocation]:
    """Next year's allocations: growth by the policy, then the total shared exactly.

    Each ICB's provisional allocation is its baseline grown at its policy rate; the
    national total is then shared in proportion to the provisional allocations by the
    largest-remainder method, so the allocations add up to the total to the penny.
    """
    if set(baselines) != set(targets):
        raise ValueError("every ICB needs both a baseline and a target")
    rows = []
    for key, baseline in baselines.items():
        target = targets[key]
        distance = distance_from_target(baseline.to_decimal(), target.to_decimal())
        # The growth that would land exactly on target, and how far the policy lets it go.
        to_target = target.to_decimal() / baseline.to_decimal() - 1 - base_growth
        if distance < 0:
            adjustment = min(policy.under_target_extra, to_target)
        else:
            adjustment = max(-policy.over_target_reduction, min(Decimal(0), to_target))
        growth = max(base_growth + adjustment, policy.minimum_growth)
        provisional = Money.from_decimal_rounded(baseline.to_decimal() * (1 + growth))
        rows.append((key, baseline, target, distance, growth, provisional))
    finals = total.allocate([r[5].pence for r in rows])
    return [
        PacedAllocation(*row, allocation=final) for row, final in zip(rows, finals, strict=True)
    ]


def place_pace_of_change(
    budget: Money, current: Mapping[str, Money], targets: Mapping[str, Money], max_step: Decimal
) -> dict[str, Money]:
    """Moves place budgets from their current shares towards their targets, gradually.

    Each place's share of the budget moves towards its target share by at most
    `max_step` (a fraction of the budget, e.g. 0.01 for one percentage point); a place
    new to the split goes straight to target. The budget is then shared in proportion to
    the paced shares by largest remainders, so it is always spent to the penny.
    """
    if max_step < 0:
        raise ValueError("the step towards target cannot be negative")
    current_total = sum((m.to_decimal() for m in current.values()), Decimal(0))
    target_total = sum((m.to_decimal() for m in targets.values()), Decimal(0))
    if target_total <= 0:
        raise ValueError("the targets add up to nothing")
    paced: dict[str, Decimal] = {}
    # A place that has left the split steps down towards nothing like any other.
    keys = list(targets) + [key for key in current if key not in targets]
    for key in keys:
        target = targets.get(key, Money(0))
        target_share = target.to_decimal() / target_total
        if key not in current or current_total <= 0:
            paced[key] = target_share
            continue
        current_share = current[key].to_decimal() / current_total
        step = max(-max_step, min(max_step, target_share - current_share))
        paced[key] = current_share + step
    if sum(paced.values()) <= 0:
        raise ValueError("no place would receive anything")
    return share_out(budget, paced)
