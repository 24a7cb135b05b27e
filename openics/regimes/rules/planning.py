"""Plans an ICB and its partner trusts must make before each financial year (the joint
forward plan, s14Z52, and the capital resource use plan, s14Z56), the annual report an ICB
makes after it (s14Z58), and the regard its decisions must record to the integrated care
strategy's aims (s116B of the 2007 Act). Pure functions."""

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


def _annual_due(spec: dict, year: FinancialYear) -> date:
    due = spec["due"]
    return date(year.start + 1, int(due["month"]), int(due["day"]))


def annual_report(ctx: RuleContext, *, plan: Plan) -> Iterator[str]:
    """An ICB's annual report on a year is prepared after it, given to NHS England and
    published by the date NHS England sets."""
    spec = ctx.param("planning.annual_report")
    if not spec:
        return
    year = FinancialYear.parse(plan.year)
    if year < FinancialYear.parse(str(spec["first_year"])):
        return
    due = _annual_due(spec, year)
    mark = spec["due"].get("confidence", "C")
    basis = spec["basis"]
    when = f"{basis}; the date is NHS England's" + ("" if mark == "C" else f" [{mark}]")
    if plan.prepared_on is not None and plan.prepared_on <= year.last_day:
        yield (
            f"the annual report on {year.label} was prepared on {plan.prepared_on}, before the "
            f"year it reports on ended ({basis})"
        )
    if ctx.on <= due and plan.prepared_on is None:
        return  # not yet due
    if plan.prepared_on is None or plan.prepared_on > due:
        late = "" if plan.prepared_on is None else f" (prepared on {plan.prepared_on})"
        yield f"the annual report on {year.label} was due by {due}{late} ({when})"
    if plan.prepared_on is not None and ctx.on > due:
        if plan.published_on is None:
            yield f"the annual report on {year.label} has not been published ({basis})"
        for key in spec["recipients"]:
            if key not in plan.given_to:
                yield (
                    f"the annual report on {year.label} has not been given to "
                    f"{RECIPIENTS[key]} ({basis})"
                )


@dataclass(frozen=True)
class AimServed:
    """An aim of the strategy (or a plan resting on it) that a decision cites, and how the
    decision had regard to it, in its own words."""

    aim: str  # the aim's reference, e.g. BC-ICS-2023.2
    how: str = ""

    meanings: ClassVar[dict[str, str]] = {
        "aim": "the aim's reference, like BC-ICS-2023.2",
        "how": "how the decision had regard to it (empty when the record says nothing)",
    }


@dataclass(frozen=True)
class Decision:
    """A decision an ICB takes (a provider selection, a place budget or a board decision)
    and the aims its record says it serves."""

    title: str
    kind: str = "board_decision"  # selection_decision, place_budget or board_decision
    body_kind: str = "icb"
    decided_on: date | None = None
    aims: tuple[AimServed, ...] = ()
    regard: str = ""  # what the decision's own record says of the strategy, if anything

    meanings: ClassVar[dict[str, str]] = {
        "title": "the decision's title",
        "kind": "selection_decision, place_budget or board_decision",
        "body_kind": "the kind of body deciding (icb, nhs_trust, ...)",
        "decided_on": "the day it was decided",
        "aims": "each aim it cites, and how it had regard to it",
        "regard": "what its own record says of how it had regard to the strategy",
    }


DECISION_KINDS = {
    "selection_decision": "provider selection decision",
    "place_budget": "place budget",
    "board_decision": "board decision",
}


def decision_regard(ctx: RuleContext, *, decision: Decision) -> Iterator[str]:
    """A decision of an ICB records how it had regard to the integrated care strategy: it
    cites an aim and says how, or its own record says how."""
    spec = (ctx.param("duties.regard") or {}).get("strategy")
    if not spec or decision.body_kind not in spec["body_kinds"]:
        return
    what = DECISION_KINDS.get(decision.kind, "decision")
    for served in decision.aims:
        if not served.how.strip():
            yield (
                f"the {what} '{decision.title}' cites aim {served.aim} but does not record how "
                f"it had regard to it ({spec['basis']})"
            )
    if decision.regard.strip() or decision.aims:
        return
    yield (
        f"the {what} '{decision.title}' records no regard to the integrated care strategy: it "
        f"cites none of the strategy's aims and does not say how the strategy was weighed, "
        f"as an ICB must in exercising any function ({spec['basis']})"
    )
