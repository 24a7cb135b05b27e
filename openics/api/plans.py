"""Plans through the read API: documents, aims with what serves them, and deadlines."""

from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from openics.organisations.selectors import OrganisationNotFound, organisation_by_code
from openics.plans import selectors

router = Router(tags=["plans"])


class AimOut(Schema):
    reference: str
    aim: str
    population: str
    measure: str
    target: str
    decisions: list[str]
    paid: str


class DocumentOut(Schema):
    reference: str
    kind: str
    title: str
    financial_year: str
    authors: list[str]
    prepared_on: str | None
    published_on: str | None
    given_to: list[str]
    document_url: str
    provenance: str


class DeadlineOut(Schema):
    kind: str
    year: str
    document: str | None
    problems: list[str]


class RegardGapOut(Schema):
    kind: str
    reference: str
    title: str
    decided_on: str | None
    flags: list[str]
    provenance: str


class PlansOut(Schema):
    icb: str
    documents: list[DocumentOut]
    aims: list[AimOut]
    deadlines: dict[str, list[str]]
    yearly: list[DeadlineOut]
    without_regard: list[RegardGapOut]


@router.get("/{icb_code}", response=PlansOut)
def plans(request, icb_code: str):
    """A system's strategy, plans and needs assessments, each aim with the decisions citing
    it and what was paid on their contracts, the joint forward plan's deadline problems as
    of today (an empty list when in time or not yet due), the same for every yearly
    document (joint forward plan, capital resource use plan, annual report), and the
    decisions that record no regard to the integrated care strategy."""
    try:
        icb = organisation_by_code(icb_code, kind="icb")
    except OrganisationNotFound as exc:
        raise HttpError(404, str(exc)) from exc
    today = timezone.localdate()
    return PlansOut(
        icb=icb.code,
        documents=[
            DocumentOut(
                reference=d.reference,
                kind=d.kind,
                title=d.title,
                financial_year=d.financial_year,
                authors=[a.public_code or a.name for a in d.authors.all()],
                prepared_on=d.prepared_on.isoformat() if d.prepared_on else None,
                published_on=d.published_on.isoformat() if d.published_on else None,
                given_to=d.given_to,
                document_url=d.document_url,
                provenance="illustrative" if d.illustrative else "recorded",
            )
            for d in selectors.documents(icb)
        ],
        aims=[
            AimOut(
                reference=p.aim.reference,
                aim=p.aim.aim,
                population=p.aim.population,
                measure=p.aim.measure,
                target=p.aim.target,
                decisions=[
                    c.decision.reference
                    if c.decision
                    else (
                        f"place budgets {c.place_budget.financial_year}"
                        if c.place_budget
                        else f"board item {c.agenda_item.number}"
                    )
                    for c in p.citations
                ],
                paid=p.spent.format_plain(),
            )
            for p in selectors.aims_of(icb)
        ],
        deadlines={d.year: d.problems for d in selectors.forward_plan_deadlines(icb, today)},
        yearly=[
            DeadlineOut(
                kind=d.kind,
                year=d.year,
                document=d.document.reference if d.document else None,
                problems=d.problems,
            )
            for d in selectors.all_deadlines(icb, today)
        ],
        without_regard=[
            RegardGapOut(
                kind=g.kind,
                reference=g.reference,
                title=g.title,
                decided_on=g.decided_on.isoformat() if g.decided_on else None,
                flags=g.flags,
                provenance="illustrative" if g.illustrative else "recorded",
            )
            for g in selectors.regard_gaps(icb, today)
        ],
    )
