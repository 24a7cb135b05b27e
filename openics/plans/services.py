"""The only writers of plans: documents, their aims, and decisions citing an aim."""

from __future__ import annotations

from datetime import date

from openics.core.audit import Auditor, Refused, service, snapshot
from openics.kernel.years import FinancialYear
from openics.organisations.models import Organisation
from openics.plans.models import YEARLY_KINDS, Aim, AimCitation, DocumentKind, PlanDocument
from openics.regimes.rules.planning import RECIPIENTS
from openics.regimes.vocabulary import BodyKind


class PlanError(Refused, ValueError):
    """A plan change refused as asked; kept on the record like every refusal."""


def _given_to_problems(given_to) -> list[str]:
    return [
        f"{who!r} is not one a plan is given to ({', '.join(RECIPIENTS)})"
        for who in given_to
        if who not in RECIPIENTS
    ]


@service("plans.record_document")
def record_document(
    *,
    reference: str,
    kind: str,
    title: str,
    icb: Organisation,
    authors: list[Organisation],
    financial_year: str = "",
    years_covered: int = 5,
    prepared_on: date | None = None,
    published_on: date | None = None,
    given_to: tuple[str, ...] = (),
    document_url: str = "",
    illustrative: bool = False,
    audit: Auditor,
) -> PlanDocument:
    """Records a strategy, a joint forward plan or a needs assessment: its authors, dates,
    who it was given to and its published document."""
    problems = []
    if PlanDocument.objects.filter(reference=reference).exists():
        problems.append(f"there is already a plan document {reference}")
    if kind not in DocumentKind.values:
        problems.append(
            f"{kind!r} is not a kind of plan document ({', '.join(DocumentKind.values)})"
        )
    if not reference.strip() or not title.strip():
        problems.append("a plan document needs a reference and a title")
    if icb.kind != BodyKind.ICB.value:
        problems.append(f"{icb.name} is not an ICB")
    if not authors:
        problems.append("name at least one author")
    year = ""
    if kind in YEARLY_KINDS:
        what = DocumentKind(kind).label.lower()
        try:
            year = FinancialYear.parse(financial_year).label
        except ValueError as exc:
            problems.append(f"a {what} is for a financial year: {exc}")
    if published_on and prepared_on and published_on < prepared_on:
        problems.append(f"it cannot be published ({published_on}) before it was prepared")
    if published_on and not prepared_on:
        problems.append("a published document was prepared first: give the day")
    if document_url and not document_url.startswith(("https://", "http://")):
        problems.append(f"the document link {document_url!r} is not a web address")
    problems += _given_to_problems(given_to)
    if problems:
        raise PlanError(problems, asked={"reference": reference})
    document = PlanDocument.objects.create(
        reference=reference.strip(),
        kind=kind,
        title=title.strip(),
        icb=icb,
        financial_year=year,
        years_covered=years_covered,
        prepared_on=prepared_on,
        published_on=published_on,
        given_to=sorted(set(given_to)),
        document_url=document_url,
        illustrative=illustrative,
    )
    document.authors.set(authors)
    after = {**snapshot(document), "authors": [a.public_code or a.name for a in authors]}
    audit.record(obj=document, after=after)
    return document


@service("plans.publish")
def publish(
    *, document: PlanDocument, on: date, given_to: tuple[str, ...], audit: Auditor
) -> PlanDocument:
    """Records that a prepared document was published and given to those named."""
    problems = _given_to_problems(given_to)
    if document.prepared_on is None:
        problems.append(f"{document.title} has not been prepared")
    elif on < document.prepared_on:
        problems.append(f"it cannot be published ({on}) before it was prepared")
    if problems:
        raise PlanError(problems, asked={"reference": document.reference})
    before = snapshot(document)
    document.published_on = on
    document.given_to = sorted(set(document.given_to) | set(given_to))
    document.save()
    audit.changed(document, before)
    return document


@service("plans.add_aim")
def add_aim(
    *, document: PlanDocument, aim: str, population: str, measure: str, target: str, audit: Auditor
) -> Aim:
    """Adds an aim, as a structured item: what, for whom, measured how, to what target."""
    missing = [
        name
        for name, value in (
            ("aim", aim),
            ("population", population),
            ("measure", measure),
            ("target", target),
        )
        if not value.strip()
    ]
    if missing:
        raise PlanError(
            f"an aim needs its {', '.join(missing)}", asked={"document": document.reference}
        )
    number = (document.aims.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    item = Aim.objects.create(
        document=document,
        number=number,
        aim=aim.strip(),
        population=population.strip(),
        measure=measure.strip(),
        target=target.strip(),
    )
    audit.created(item)
    return item


@service("plans.cite_aim")
def cite_aim(
    *,
    aim: Aim,
    how_regard: str,
    decision=None,
    place_budget=None,
    agenda_item=None,
    audit: Auditor,
) -> AimCitation:
    """Records that a decision serves an aim, and how it had regard to the strategy."""
    named = [x for x in (decision, place_budget, agenda_item) if x is not None]
    if len(named) != 1:
        raise PlanError(
            "cite exactly one of a selection decision, a place budget or a board item",
            asked={"aim": aim.reference},
        )
    icb_id = aim.document.icb_id
    deciding = (
        decision.commissioner_id
        if decision is not None
        else place_budget.icb_id
        if place_budget is not None
        else agenda_item.meeting.board.organisation_id
    )
    if deciding != icb_id:
        raise PlanError(
            f"{named[0]} is not a decision of {aim.document.icb.name}, whose aim "
            f"{aim.reference} is",
            asked={"aim": aim.reference},
        )
    if AimCitation.objects.filter(
        aim=aim, decision=decision, place_budget=place_budget, agenda_item=agenda_item
    ).exists():
        raise PlanError(
            f"{named[0]} already cites aim {aim.reference}", asked={"aim": aim.reference}
        )
    citation = AimCitation.objects.create(
        aim=aim,
        decision=decision,
        place_budget=place_budget,
        agenda_item=agenda_item,
        how_regard=how_regard.strip(),
    )
    audit.created(citation)
    return citation
