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
        ["integrated_care_strategy", "joint_forward_plan", "joint_strategic_needs_assessment"]
    ),
    required=True,
)
@click.option("--title", required=True)
@click.option("--icb", "icb_code", required=True)
@click.option("--author", "authors", multiple=True, required=True, help="ODS or ONS code.")
@click.option("--year", default="", help="For a joint forward plan: the year it is for.")
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
    """A system's documents, each aim with what was decided and spent for it, and the joint
    forward plan's deadlines."""
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
    for deadline in selectors.forward_plan_deadlines(icb, day):
        state = "; ".join(deadline.problems) or ("in time" if deadline.document else "not yet due")
        click.echo(f"  joint forward plan {deadline.year}: {state}")
