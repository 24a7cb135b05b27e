"""Money rules: ring-fenced funds, the duty to break even, the system financial duties and
the running-cost limit. Pure; no database. Amounts are whole pence (Money)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from openics.kernel.money import Money
from openics.regimes.model import Note, RuleContext


def ring_fence(
    ctx: RuleContext,
    *,
    fund: str,
    fund_name: str,
    sector: str,
    agreement_sectors: tuple[str, ...] = (),
) -> Iterator[str]:
    """Money in a ring-fenced fund is spent only on what the fund is for.

    `fund` is the kind of ring-fence ('' for none); `sector` is what the money would be
    spent on; `agreement_sectors` are the purposes a section 75 agreement names.
    """
    if not fund:
        return
    funds = ctx.param("ledger.ring_fences")
    if fund not in funds:
        yield f"{fund_name} is ring-fenced as {fund!r}, a kind of fund OpenICS does not know"
        return
    rule = funds[fund]
    allowed = list(agreement_sectors) if rule.get("by_agreement") else list(rule["sectors"])
    if sector not in allowed:
        purposes = ", ".join(s.replace("_", " ") for s in allowed) or "nothing yet agreed"
        yield (
            f"{fund_name} is a ring-fenced {rule['title']} and may be spent only on "
            f"{purposes}; this spending is for {sector.replace('_', ' ')}. {rule['basis']}"
        )


def break_even(ctx: RuleContext, *, body: str, received: Money, spent: Money) -> Iterator[str]:
    """Spending in a financial year is not more than the sums received in that year."""
    duty = ctx.param("ledger.break_even_duty")
    if not duty:
        return
    if spent > received:
        yield (
            f"{body} spent {spent} in the year against {received} received: "
            f"{spent - received} over. {duty}"
        )


@dataclass(frozen=True)
class BodyAccounts:
    """One body's figures for a financial year, in pence."""

    name: str
    kind: str  # icb, nhs_trust or foundation_trust
    income_pence: int
    expenditure_pence: int
    capital_used_pence: int = 0
    revenue_used_pence: int = 0

    meanings: ClassVar[dict[str, str]] = {
        "name": "the body's name",
        "kind": "icb, nhs_trust or foundation_trust",
        "income_pence": "its income (for an ICB, the sums it received) in the year",
        "expenditure_pence": "its expenditure in the year",
        "capital_used_pence": "its capital resource use in the year",
        "revenue_used_pence": "its revenue resource use in the year",
    }


@dataclass(frozen=True)
class MatterLimit:
    """A limit NHS England has set on resource use for a particular matter."""

    matter: str
    limit_pence: int
    used_pence: int

    meanings: ClassVar[dict[str, str]] = {
        "matter": "what the limit is for",
        "limit_pence": "the limit",
        "used_pence": "resource use on it in the year",
    }


@dataclass(frozen=True)
class System:
    """An ICB and the partner trusts apportioned to it, for one financial year."""

    icb: str
    year: str
    bodies: tuple[BodyAccounts, ...]
    capital_limit_pence: int | None = None
    revenue_limit_pence: int | None = None
    matter_limits: tuple[MatterLimit, ...] = ()

    meanings: ClassVar[dict[str, str]] = {
        "icb": "the ICB's name",
        "year": "the financial year, like 2025/26",
        "bodies": "the ICB and each partner trust whose principal ICB it is",
        "capital_limit_pence": "NHS England's limit on the system's capital resource use",
        "revenue_limit_pence": "NHS England's limit on the system's revenue resource use",
        "matter_limits": "limits NHS England set for particular matters",
    }


def system_balance(ctx: RuleContext, *, system: System) -> Iterator[str]:
    """The ICB and its partner trusts together spend no more in the year than they receive."""
    spec = ctx.param("ledger.system_duties")
    if not spec:
        return
    income = sum(b.income_pence for b in system.bodies)
    spent = sum(b.expenditure_pence for b in system.bodies)
    names = ", ".join(b.name for b in system.bodies)
    yield Note(
        f"{system.icb} system {system.year} ({names}): income {Money(income)}, "
        f"expenditure {Money(spent)}"
    )
    if spent > income:
        yield (
            f"the {system.icb} system ({names}) spent {Money(spent)} in {system.year} against "
            f"{Money(income)} received: {Money(spent - income)} over, so the joint objective "
            f"of {spec['objective']} is not met ({spec['balance_basis']})"
        )


def resource_limits(ctx: RuleContext, *, system: System) -> Iterator[str]:
    """The system's capital and revenue resource use stays within NHS England's limits."""
    spec = ctx.param("ledger.system_duties")
    if not spec:
        return
    for what, limit, used in (
        ("capital", system.capital_limit_pence, sum(b.capital_used_pence for b in system.bodies)),
        ("revenue", system.revenue_limit_pence, sum(b.revenue_used_pence for b in system.bodies)),
    ):
        if limit is not None and used > limit:
            yield (
                f"the {system.icb} system's {what} resource use in {system.year}, "
                f"{Money(used)}, is over NHS England's limit of {Money(limit)} by "
                f"{Money(used - limit)} ({spec['limits_basis']})"
            )
    for m in system.matter_limits:
        if m.used_pence > m.limit_pence:
            yield (
                f"resource use on {m.matter}, {Money(m.used_pence)}, is over the limit of "
                f"{Money(m.limit_pence)} ({spec['matter_limits_basis']})"
            )


def running_cost_allowance(ctx: RuleContext, population: int) -> int | None:
    """The running-cost limit in pence for a population, or None where none is encoded."""
    spec = ctx.param("ledger.running_cost_limit")
    if not spec:
        return None
    return int(spec["pence_per_head"]) * population


def running_cost_limit(
    ctx: RuleContext, *, body: str, population: int, running_costs: Money
) -> Iterator[str]:
    """An ICB's running costs stay within NHS England's limit per head of population."""
    spec = ctx.param("ledger.running_cost_limit")
    if not spec:
        yield Note(f"no running-cost limit is encoded for {ctx.on} under {ctx.regime.title}")
        return
    limit = running_cost_allowance(ctx, population)
    per_head = Money(int(spec["pence_per_head"]))
    yield Note(
        f"{body}: limit {Money(limit)} ({per_head} a head for {population:,} people), "
        f"running costs {running_costs}"
    )
    if running_costs.pence > limit:
        yield (
            f"{body}'s running costs of {running_costs} are over the limit of {Money(limit)} "
            f"({per_head} a head for {population:,} people) by "
            f"{Money(running_costs.pence - limit)} ({spec['basis']})"
        )


def protected_funds(ctx: RuleContext, *, protected_sectors: tuple[str, ...]) -> Iterator[str]:
    """Every fund the regime requires to be protected is ring-fenced in the system.

    `protected_sectors` are the sectors the system's ring-fences hold money for."""
    for need in ctx.param("ledger.required_protections") or []:
        if need["sector"] not in protected_sectors:
            yield f"no ring-fence protects {need['title']} ({need['basis']})"


# -- who pays at the point of use -------------------------------------------------------------

CHARGING_CITATION = (
    "Care Act 2014 ss14 and 17 (a local authority may charge for care and support it arranges, "
    "after assessing what the person can afford); Care and Support (Charging and Assessment of "
    "Resources) Regulations 2014 (SI 2014/2672) reg 3 (intermediate care and reablement free "
    "for up to six weeks); NHS Act 2006 s1(4) (NHS services free unless an Act says otherwise)"
)


@dataclass(frozen=True)
class Charging:
    """Whether a funded service is charged for after a means test, and why."""

    means_tested: bool
    explanation: str
    citation: str = CHARGING_CITATION


def means_test(*, sector: str, arranged_by_kind: str, title: str = "") -> Charging:
    """Adult social care a council arranges is means-tested (reablement and intermediate care
    free for their first six weeks); NHS and public health services are free at the point of
    use. `arranged_by_kind` is the registry kind of the body that arranges the service."""
    if sector != "social_care":
        return Charging(False, "free at the point of use: not social care")
    if arranged_by_kind != "local_authority":
        return Charging(
            False,
            "social care arranged by the NHS (for example, NHS continuing healthcare) is free",
        )
    words = title.lower()
    if "reablement" in words or "intermediate care" in words:
        return Charging(
            True,
            "means-tested social care: reablement is free for up to six weeks, then care "
            "and support is charged for after a financial assessment",
        )
    return Charging(True, "means-tested social care: charged for after a financial assessment")
