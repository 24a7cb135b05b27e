"""Plans an ICB and its partner trusts must make before each financial year: the joint
forward plan (s14Z52) and the capital resource use plan (s14Z56). Pure functions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from openics.kernel.years import FinancialYear
from openics.regimes.model import RuleContext

RECIPIENTS = {
    "icp": "the integrated care partnership",
    "health_and_wellbeing_boards": "each health and wellbeing board",
    "nhs_england": "NHS England",
}


@dataclass(frozen=True)
class Plan:
    """A plan for one financial year, and what was done with it."""

    year: str  # the financial year it is for, e.g. 2025/26
    prepared_on: date | None = None
    published_on: date | None = None
    given_to: tuple[str, ...] = ()
    years_covered: int = 5

    meanings: ClassVar[dict[str, str]] = {
        "year": "the financial year the plan is for, like 2025/26",
        "prepared_on": "the day the plan was prepared (agreed)",
        "published_on": "the day it was published",
        "given_to": "who it was given to: icp, health_and_wellbeing_boards, nhs_england",
        "years_covered": "how many financial years it covers (joint forward plan)",
    }


def _due(spec: dict, year: FinancialYear) -> date:
    """Before the start of the year; the first year may have its own date."""
    if spec.get("first_due") and year == FinancialYear.parse(str(spec["first_year"])):
        return date.fromisoformat(str(spec["first_due"]))
    return date(year.start, 4, 1) - timedelta(days=1)


def _plan_checks(ctx: RuleContext, spec: dict, plan: Plan, what: str) -> Iterator[str]:
    year = FinancialYear.parse(plan.year)
    if year < FinancialYear.parse(str(spec["first_year"])):
        return
    due = _due(spec, year)
    basis = spec["basis"]
    if ctx.on <= due and plan.prepared_on is None:
        return  # not yet due
    if plan.prepared_on is None or plan.prepared_on > due:
        late = "" if plan.prepared_on is None else f" (prepared on {plan.prepared_on})"
        yield f"the {what} for {year.label} was due by {due}{late} ({basis})"
    if plan.prepared_on is not None and ctx.on > due:
        if plan.published_on is None:
            yield f"the {what} for {year.label} has not been published ({basis})"
        for key in spec["recipients"]:
            if key not in plan.given_to:
                to = RECIPIENTS[key]
                yield f"the {what} for {year.label} has not been given to {to} ({basis})"


def joint_forward_plan(ctx: RuleContext, *, plan: Plan) -> Iterator[str]:
    """A five-year joint forward plan is prepared before the year, published and shared."""
    spec = ctx.param("planning.joint_forward_plan")
    if not spec:
        return
    yield from _plan_checks(ctx, spec, plan, "joint forward plan")
    if plan.prepared_on is not None and plan.years_covered < int(spec["years"]):
        yield (
            f"the joint forward plan covers {plan.years_covered} years, not the next "
            f"{spec['years']} ({spec['basis']})"
        )


def capital_plan(ctx: RuleContext, *, plan: Plan) -> Iterator[str]:
    """A capital resource use plan is prepared before the year, published and shared."""
    spec = ctx.param("planning.capital_plan")
    if not spec:
        return
    yield from _plan_checks(ctx, spec, plan, "capital resource use plan")
