"""Named reads of plans: documents, each aim with what was decided and spent for it, the
deadlines of the documents the law asks for each year (the joint forward plan, the capital
resource use plan and the annual report), and decisions that record no regard to the
strategy (provider selections, place budgets and board decisions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Sum

from openics.kernel.money import Money
from openics.kernel.years import FinancialYear
from openics.organisations.models import Organisation
from openics.plans.models import YEARLY_KINDS, Aim, AimCitation, DocumentKind, PlanDocument
from openics.regimes import regime_in_force_on
from openics.regimes.rules.planning import AimServed, Decision, Plan


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
    kind: str = DocumentKind.JOINT_FORWARD_PLAN.value

    @property
    def title(self) -> str:
        return DocumentKind(self.kind).label


_PARAMETER = {
    "planning.joint-forward-plan": "planning.joint_forward_plan",
    "planning.capital-plan": "planning.capital_plan",
    "planning.annual-report": "planning.annual_report",
}


def deadlines(icb: Organisation, on: date, kind: str) -> list[Deadline]:
    """Each year's document of a kind the law asks for every year, from the first year it
    asks to the next one due (for an annual report: the last year ended), with what the
    rule in force finds wrong with it on the day."""
    rule = YEARLY_KINDS[kind]
    regime = regime_in_force_on(on)
    if regime is None or rule not in regime.rules:
        return []
    spec = regime.parameter(_PARAMETER[rule]).at(on) or {}
    if not spec:
        return []
    first = FinancialYear.parse(str(spec["first_year"]))
    held = {d.financial_year: d for d in PlanDocument.objects.filter(icb=icb, kind=kind)}
    current = FinancialYear.containing(on)
    last = current.previous() if kind == DocumentKind.ANNUAL_REPORT else current.next()
    result = []
    year = first
    while year <= last:
        document = held.get(year.label)
        facts = Plan(
            year=year.label,
            prepared_on=document.prepared_on if document else None,
            published_on=document.published_on if document else None,
            given_to=tuple(document.given_to) if document else (),
            years_covered=document.years_covered if document else 5,
        )
        found = regime.evaluate(rule, on, plan=facts)
        result.append(
            Deadline(year.label, document, [v.explanation for v in found.violations], kind)
        )
        year = year.next()
    return result


def forward_plan_deadlines(icb: Organisation, on: date) -> list[Deadline]:
    """Each year's joint forward plan, from the first the law asks for to the next due."""
    return deadlines(icb, on, DocumentKind.JOINT_FORWARD_PLAN.value)


def all_deadlines(icb: Organisation, on: date) -> list[Deadline]:
    """The joint forward plans, capital resource use plans and annual reports, in turn."""
    return [d for kind in YEARLY_KINDS for d in deadlines(icb, on, kind)]


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


@dataclass(frozen=True)
class RegardGap:
    """A decision whose record shows no regard to the integrated care strategy."""

    kind: str  # selection_decision, place_budget or board_decision
    reference: str
    title: str
    decided_on: date | None
    flags: list[str]
    decision: object = None  # the SelectionDecision, when it is one
    illustrative: bool = False


# The boards whose decisions are the ICB's own functions (an ICP's are the partnership's).
ICB_BOARD_KINDS = ("icb_board", "icb_committee", "place_committee")


def _served(citations) -> tuple[AimServed, ...]:
    return tuple(AimServed(aim=c.aim.reference, how=c.how_regard) for c in citations)


def _judged(facts: Decision) -> list[str]:
    regime = regime_in_force_on(facts.decided_on) if facts.decided_on else None
    if regime is None or "planning.decision-regard" not in regime.rules:
        return []
    found = regime.evaluate("planning.decision-regard", facts.decided_on, decision=facts)
    return [v.explanation for v in found.violations]


def place_budget_regard(icb: Organisation, on: date | None = None) -> list[tuple[object, list]]:
    """Each approved place budget of the ICB (by the day, if given), and what the regard
    rule finds wrong with it."""
    from openics.allocation.models import PlaceAllocationRun

    cited = _citations("place_budget_id")
    result = []
    runs = PlaceAllocationRun.objects.filter(icb=icb, status="approved").order_by(
        "financial_year", "line"
    )
    for run in runs:
        decided = run.approved_at.date() if run.approved_at else None
        if on is not None and (decided is None or decided > on):
            continue
        facts = Decision(
            title=f"{run.get_line_display()} {run.financial_year}",
            kind="place_budget",
            body_kind=icb.kind,
            decided_on=decided,
            aims=_served(cited.get(run.pk, [])),
        )
        result.append((run, _judged(facts)))
    return result


def board_decision_regard(icb: Organisation, on: date | None = None) -> list[tuple[object, list]]:
    """Each decision the ICB's board and committees took (not a provider selection, whose
    record holds its own regard, nor an item for noting), and what the rule finds wrong."""
    from openics.governance.models import AgendaItem

    cited = _citations("agenda_item_id")
    items = AgendaItem.objects.filter(
        meeting__board__organisation=icb,
        meeting__board__kind__in=ICB_BOARD_KINDS,
        status="decided",
        kind__in=["decision", "reconfiguration"],
    ).select_related("meeting", "meeting__board")
    if on is not None:
        items = items.filter(meeting__held_on__lte=on)
    result = []
    for item in items.order_by("meeting__held_on", "number"):
        facts = Decision(
            title=f"{item.meeting.board.name}, {item.meeting.held_on}, item {item.number}: "
            f"{item.title}",
            kind="board_decision",
            body_kind=icb.kind,
            decided_on=item.meeting.held_on,
            aims=_served(cited.get(item.pk, [])),
        )
        result.append((item, _judged(facts)))
    return result


def _citations(field: str) -> dict:
    found: dict = {}
    for c in AimCitation.objects.filter(**{f"{field}__isnull": False}).select_related(
        "aim__document"
    ):
        found.setdefault(getattr(c, field), []).append(c)
    return found


def regard_gaps(icb: Organisation, on: date | None = None) -> list[RegardGap]:
    """Every decision of the ICB whose record shows no regard to the integrated care
    strategy: provider selections (by their own record), then place budgets and board
    decisions (by the aims they cite and how)."""
    gaps = [
        RegardGap(
            "selection_decision",
            d.reference,
            d.title,
            d.decided_on,
            flags,
            decision=d,
            illustrative=d.illustrative,
        )
        for d, flags in decisions_without_regard(icb)
        if on is None or d.decided_on <= on
    ]
    for run, flags in place_budget_regard(icb, on):
        if flags:
            gaps.append(
                RegardGap(
                    "place_budget",
                    f"{run.line} {run.financial_year}",
                    f"Place budgets: {run.get_line_display()} {run.financial_year}",
                    run.approved_at.date() if run.approved_at else None,
                    flags,
                )
            )
    for item, flags in board_decision_regard(icb, on):
        if flags:
            gaps.append(
                RegardGap(
                    "board_decision",
                    f"{item.meeting.reference} item {item.number}",
                    item.title,
                    item.meeting.held_on,
                    flags,
                    illustrative=item.meeting.illustrative,
                )
            )
    return gaps
