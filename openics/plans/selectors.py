"""Named reads of plans: documents, each aim with what was decided and spent for it, the
deadlines of the joint forward plan, and decisions that record no regard to the strategy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Sum

from openics.kernel.money import Money
from openics.kernel.years import FinancialYear
from openics.organisations.models import Organisation
from openics.plans.models import Aim, DocumentKind, PlanDocument
from openics.regimes import regime_in_force_on
from openics.regimes.rules.planning import Plan


def plan_icbs() -> list[Organisation]:
    ids = PlanDocument.objects.values_list("icb_id", flat=True).distinct()
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def documents(icb: Organisation) -> list[PlanDocument]:
    return list(PlanDocument.objects.filter(icb=icb).prefetch_related("authors", "aims"))


@dataclass(frozen=True)
class AimProgress:
    aim: Aim
    citations: list
    decided: int
    spent: Money  # paid in the books on the contracts of the decisions citing it
    budgeted: Money  # place budgets citing it


def aims_of(icb: Organisation) -> list[AimProgress]:
    from openics.ledger.models import Posting, Purpose

    result = []
    aims = Aim.objects.filter(document__icb=icb).select_related("document")
    for aim in aims.prefetch_related(
        "citations__decision__contract", "citations__place_budget", "citations__agenda_item"
    ):
        citations = list(aim.citations.all())
        contracts = [
            c.decision.contract_id for c in citations if c.decision and c.decision.contract_id
        ]
        paid = (
            Posting.objects.filter(
                transaction__contract_id__in=contracts,
                transaction__kind__in=["payment", "subcontract_payment"],
                account__purpose=Purpose.CASH,
                amount_pence__gt=0,
            ).aggregate(total=Sum("amount_pence"))["total"]
            if contracts
            else 0
        )
        budgeted = sum((c.place_budget.budget for c in citations if c.place_budget), Money.zero())
        result.append(
            AimProgress(
                aim=aim,
                citations=citations,
                decided=len(citations),
                spent=Money(paid or 0),
                budgeted=budgeted,
            )
        )
    return result


@dataclass(frozen=True)
class Deadline:
    year: str
    document: PlanDocument | None
    problems: list[str]


def forward_plan_deadlines(icb: Organisation, on: date) -> list[Deadline]:
    """Each year's joint forward plan, from the first the law asks for to the next due,
    with what the rule in force finds wrong with it on the day."""
    regime = regime_in_force_on(on)
    if regime is None or "planning.joint-forward-plan" not in regime.rules:
        return []
    spec = regime.parameter("planning.joint_forward_plan").at(on) or {}
    if not spec:
        return []
    first = FinancialYear.parse(str(spec["first_year"]))
    plans = {
        d.financial_year: d
        for d in PlanDocument.objects.filter(icb=icb, kind=DocumentKind.JOINT_FORWARD_PLAN)
    }
    last = FinancialYear.containing(on).next()
    result = []
    year = first
    while year <= last:
        document = plans.get(year.label)
        facts = Plan(
            year=year.label,
            prepared_on=document.prepared_on if document else None,
            published_on=document.published_on if document else None,
            given_to=tuple(document.given_to) if document else (),
            years_covered=document.years_covered if document else 5,
        )
        found = regime.evaluate("planning.joint-forward-plan", on, plan=facts)
        result.append(Deadline(year.label, document, [v.explanation for v in found.violations]))
        year = year.next()
    return result


def decisions_without_regard(icb: Organisation | None = None) -> list:
    """Provider selection decisions whose record shows no regard to the strategy."""
    from openics.arranging.facts import regard_flags
    from openics.arranging.models import SelectionDecision

    decisions = SelectionDecision.objects.all()
    if icb is not None:
        decisions = decisions.filter(commissioner=icb)
    return [
        (d, flags)
        for d in decisions.order_by("-decided_on", "reference")
        if (flags := [f for f in regard_flags(d) if "strategy" in f])
    ]
