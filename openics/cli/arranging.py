"""`openics arranging …` (provider selection decisions) and `openics export ocds`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from openics.cli.runtime import (
    FILE,
    REASON,
    fail,
    import_group,
    parse_day,
    run_import,
    setup_django,
)


@click.group("arranging")
def arranging_group() -> None:
    """Provider selection: decisions, standstill periods, and checks under each regime."""


@arranging_group.command("standstill")
@click.option("--published", required=True, help="Day the notice of intention is published.")
@click.option("--regime", "regime_id", default="hca-2022", show_default=True)
def standstill(published: str, regime_id: str) -> None:
    """When a standstill begins and ends, and which days were not counted."""
    setup_django()
    from openics.kernel.working_days import skipped_days
    from openics.regimes.model import RegimeError, RuleContext
    from openics.regimes.registry import get_regime
    from openics.regimes.rules.procurement import standstill_period

    day = parse_day(published)
    try:
        ctx = RuleContext(get_regime(regime_id), day)
        rule = ctx.param("procurement.standstill")
    except RegimeError as exc:
        fail(str(exc))
    if not int(rule["working_days"]):
        fail(f"{ctx.regime.title} has no standstill ({rule['basis']})")
    period = standstill_period(ctx, day)
    click.echo(f"Notice of intention published {day:%A %-d %B %Y}")
    click.echo(f"Standstill begins              {period.begins:%A %-d %B %Y}")
    click.echo(
        f"Standstill ends                midnight at the end of {period.ends:%A %-d %B %Y} "
        f"({period.working_days} working days after it begins)"
    )
    for skipped, why in skipped_days(period.begins, period.ends):
        click.echo(f"  not counted: {skipped:%a %-d %b %Y} ({why})")
    click.echo(f"Rule: {rule['basis']}")


@arranging_group.command("decisions")
@click.option("--status", default=None, help="decided, standstill, review, awarded, abandoned")
def decisions(status: str | None) -> None:
    """The register of provider selection decisions."""
    setup_django()
    from openics.arranging.models import SelectionDecision

    rows = SelectionDecision.objects.select_related("provider").order_by("decided_on", "reference")
    if status:
        rows = rows.filter(status=status)
    for d in rows:
        mark = " [illustrative]" if d.illustrative else ""
        click.echo(
            f"{d.reference:<18} {d.decided_on}  {d.get_process_display():<30} "
            f"{d.lifetime_value.format():>18}  {d.status:<10} {d.provider.name}{mark}"
        )


@arranging_group.command("check")
@click.argument("reference")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def check_decision(reference: str, fmt: str) -> None:
    """Check one decision under every regime and say where they differ."""
    setup_django()
    from openics.arranging.facts import compare, facts_of
    from openics.arranging.models import SelectionDecision

    decision = SelectionDecision.objects.filter(reference=reference).first()
    if decision is None:
        fail(f"no decision {reference!r}; `openics arranging decisions` lists them")
    verdicts = compare(facts_of(decision), decision.decided_on)
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "regime": v.regime_id,
                        "in_force": v.in_force,
                        "allowed": v.allowed,
                        "violations": [
                            {
                                "rule": x.rule_id,
                                "explanation": x.explanation,
                                "citation": str(x.citation),
                            }
                            for r in v.results
                            for x in r.violations
                        ],
                    }
                    for v in verdicts
                ],
                indent=2,
            )
        )
        return
    click.echo(
        f"{decision.reference} {decision.title}, taken on {decision.decided_on} under "
        f"{decision.regime_id}"
    )
    for v in verdicts:
        where = "in force" if v.in_force else "not in force that day; applied as written"
        click.echo(
            f"\n{v.title} ({v.regime_id}, {where}): {'allowed' if v.allowed else 'NOT ALLOWED'}"
        )
        for result in v.results:
            for violation in result.violations:
                click.echo(f"  - {violation.explanation} [{violation.citation}]")


@click.group("export")
def export_group() -> None:
    """Open data exports."""


@export_group.command("ocds")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--decision", "decisions", multiple=True, help="Only these decisions (repeatable).")
def export_ocds(out: Path, decisions: tuple[str, ...]) -> None:
    """Every decision, award, contract, modification and payment as an OCDS 1.1 package."""
    setup_django()
    from openics.arranging.ocds import dumps, release_package

    package = release_package(decisions=list(decisions) or None)
    out.write_text(dumps(package) + "\n", encoding="utf-8")
    processes = len({r["ocid"] for r in package["releases"]})
    click.echo(
        f"Wrote {len(package['releases'])} releases in {processes} contracting processes to {out}"
    )


@import_group.command("notices")
@click.argument("file", type=FILE)
@REASON
def import_notices_command(file: Path, reason: str | None) -> None:
    """Notices published on Contracts Finder or Find a Tender, as an OCDS release package,
    record package, list of packages or JSON Lines.

    Imports every release whose buyer is an NHS body (known to the registry as one, or
    named so) and reports each of the rest; a release that cannot be read refuses the
    whole file. A release already held is not imported twice.
    """
    setup_django()
    from openics.arranging.published import import_notices

    run_import("published notices", import_notices, file, reason)
