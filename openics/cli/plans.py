"""`openics plans …`: strategies, joint forward plans, needs assessments and their aims."""

from __future__ import annotations

import click

from openics.cli.runtime import WHY, cli_actor, fail, organisation, parse_day, refused, setup_django


def _document(reference: str):
    from openics.plans.models import PlanDocument

    document = PlanDocument.objects.filter(reference=reference).first()
    if document is None:
        fail(f"no plan document {reference!r}")
    return document


@click.group("plans")
def plans_group() -> None:
    """The integrated care strategy, joint forward plans, needs assessments and their aims."""


@plans_group.command("add")
@click.option("--reference", required=True)
@click.option(
    "--kind",
    type=click.Choice(
        [
            "integrated_care_strategy",
            "joint_forward_plan",
            "joint_strategic_needs_assessment",
            "capital_resource_use_plan",
            "annual_report",
        ]
    ),
    required=True,
)
@click.option("--title", required=True)
@click.option("--icb", "icb_code", required=True)
@click.option("--author", "authors", multiple=True, required=True, help="ODS or ONS code.")
@click.option(
    "--year",
    default="",
    help="For a joint forward plan or capital plan: the year it is for; for an annual "
    "report: the year it reports on.",
)
@click.option("--prepared-on", default=None)
@click.option("--published-on", default=None)
@click.option("--given-to", multiple=True, help="icp, health_and_wellbeing_boards, nhs_england")
@click.option("--url", "document_url", default="")
@WHY
def add_command(
    reference,
    kind,
    title,
    icb_code,
    authors,
    year,
    prepared_on,
    published_on,
    given_to,
    document_url,
    reason,
) -> None:
    """Records a strategy, a plan or a needs assessment (audited)."""
    setup_django()
    from openics.plans.services import PlanError, record_document

    try:
        record_document(
            reference=reference,
            kind=kind,
            title=title,
            icb=organisation(icb_code, kind="icb"),
            authors=[organisation(code) for code in authors],
            financial_year=year,
            prepared_on=parse_day(prepared_on) if prepared_on else None,
            published_on=parse_day(published_on) if published_on else None,
            given_to=tuple(given_to),
            document_url=document_url,
            actor=cli_actor(),
            reason=reason,
        )
    except PlanError as exc:
        refused(exc)
    click.echo(f"recorded {reference}")


@plans_group.command("aim")
@click.option("--document", "reference", required=True)
@click.option("--aim", required=True)
@click.option("--population", required=True)
@click.option("--measure", required=True)
@click.option("--target", required=True)
@WHY
def aim_command(reference, aim, population, measure, target, reason) -> None:
    """Adds an aim to a document: what, for whom, measured how, to what target."""
    setup_django()
    from openics.plans.services import PlanError, add_aim

    try:
        item = add_aim(
            document=_document(reference),
            aim=aim,
            population=population,
            measure=measure,
            target=target,
            actor=cli_actor(),
            reason=reason,
        )
    except PlanError as exc:
        refused(exc)
    click.echo(f"added aim {item.reference}")


@plans_group.command("show")
@click.option("--icb", "icb_code", required=True)
@click.option("--on", "on", default=None, help="The day to check deadlines on (default today).")
def show_command(icb_code: str, on: str | None) -> None:
    """A system's documents, each aim with what was decided and spent for it, the deadlines
    of its yearly plans and reports, and decisions that record no regard to the strategy."""
    setup_django()
    from openics.plans import selectors

    icb = organisation(icb_code, kind="icb")
    day = parse_day(on)
    for d in selectors.documents(icb):
        flag = " (illustrative)" if d.illustrative else ""
        year = f" {d.financial_year}" if d.financial_year else ""
        click.echo(
            f"{d.reference}: {d.title} [{d.get_kind_display()}{year}]{flag}; "
            f"prepared {d.prepared_on or '—'}, published {d.published_on or '—'}"
        )
    for p in selectors.aims_of(icb):
        click.echo(
            f"  aim {p.aim.reference}: {p.aim.aim} — {p.decided} decision(s), {p.spent} paid"
        )
    for deadline in selectors.all_deadlines(icb, day):
        state = "; ".join(deadline.problems) or ("in time" if deadline.document else "not yet due")
        click.echo(f"  {deadline.title.lower()} {deadline.year}: {state}")
    for gap in selectors.regard_gaps(icb, day):
        flag = " (illustrative)" if gap.illustrative else ""
        click.echo(f"  no regard: {gap.reference}{flag}: {'; '.join(gap.flags)}")


def _aim(reference: str):
    from openics.plans.models import Aim

    document, _, number = reference.rpartition(".")
    found = (
        Aim.objects.filter(document__reference=document, number=int(number)).first()
        if number.isdigit()
        else None
    )
    if found is None:
        fail(f"no aim {reference!r} (give the document's reference, a dot and its number)")
    return found


def _cited(decision, place_budget, board_item, icb_code):
    from openics.allocation.models import PlaceAllocationRun
    from openics.arranging.models import SelectionDecision
    from openics.governance.models import AgendaItem

    if sum(bool(x) for x in (decision, place_budget, board_item)) != 1:
        fail("name exactly one of --decision, --place-budget or --board-item")
    if decision:
        found = SelectionDecision.objects.filter(reference=decision).first()
        return {"decision": found or fail(f"no selection decision {decision!r}")}
    if place_budget:
        line, _, year = place_budget.partition(":")
        if not icb_code:
            fail("a place budget is the ICB's: give --icb")
        found = PlaceAllocationRun.objects.filter(
            icb=organisation(icb_code, kind="icb"),
            line=line,
            financial_year=year.replace("-", "/"),
            status="approved",
        ).first()
        return {"place_budget": found or fail(f"no approved place budget {place_budget!r}")}
    meeting, _, number = board_item.partition(":")
    found = AgendaItem.objects.filter(meeting__reference=meeting, number=number).first()
    return {"agenda_item": found or fail(f"no board item {board_item!r}")}


@plans_group.command("cite")
@click.option("--aim", "aim_reference", required=True, help="The aim, like BC-ICS-2023.2.")
@click.option("--decision", default="", help="A provider selection decision's reference.")
@click.option("--place-budget", default="", help="LINE:YEAR of an approved place budget.")
@click.option("--board-item", default="", help="MEETING:NUMBER of a board item.")
@click.option("--icb", "icb_code", default="", help="The ICB, for a place budget.")
@click.option("--how", "how_regard", required=True, help="How it had regard to the aim.")
@WHY
def cite_command(
    aim_reference, decision, place_budget, board_item, icb_code, how_regard, reason
) -> None:
    """Records that a decision serves an aim, and how it had regard to the strategy."""
    setup_django()
    from openics.plans.services import PlanError, cite_aim

    try:
        cite_aim(
            aim=_aim(aim_reference),
            how_regard=how_regard,
            **_cited(decision, place_budget, board_item, icb_code),
            actor=cli_actor(),
            reason=reason,
        )
    except PlanError as exc:
        refused(exc)
    click.echo(f"recorded regard to aim {aim_reference}")
