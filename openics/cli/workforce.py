"""`openics workforce …`: staff by organisation and group, and staff transfers."""

from __future__ import annotations

from pathlib import Path

import click

from openics.cli.runtime import FILE, REASON, WHY, cli_actor, fail, organisation, run_import
from openics.cli.runtime import setup_django as _setup


@click.group("workforce")
def workforce_group() -> None:
    """Staff by organisation and staff group (NHS Digital), and staff who moved between bodies."""


@workforce_group.command("import")
@click.argument("file", type=FILE)
@REASON
def workforce_import(file: Path, reason: str | None) -> None:
    """Imports NHS Digital's HCHS staff by staff group and organisation (long format, .xlsx);
    staff by group is the file's lines summed over nationality. All or nothing."""
    _setup()
    from openics.organisations.workforce import import_workforce

    run_import("staff by organisation and staff group", import_workforce, file, reason)


@workforce_group.command("show")
@click.option("--org", "code", required=True, help="ODS code of the body, e.g. RNA.")
def workforce_show(code: str) -> None:
    """A body's staff by group on each published day (FTE), and its staff transfers."""
    _setup()
    from openics.organisations import selectors

    body = organisation(code)
    table = selectors.staff_of(body)
    click.echo(f"{body.name} ({body.code})")
    if not table.days:
        click.echo("  no published staff figures are held for this body")
    else:
        click.echo(f"  FTE, from {', '.join(table.sources)} (real, NHS Digital)")
        click.echo(
            "  " + f"{'staff group':<44}" + "".join(f"{d.isoformat():>14}" for d in table.days)
        )
        for group in table.groups:
            cells = "".join(f"{_fte(table.fte.get((group, d))):>14}" for d in table.days)
            click.echo(f"  {group:<44}{cells}")
        click.echo(
            "  "
            + f"{'all staff groups':<44}"
            + "".join(f"{_fte(table.totals[d]):>14}" for d in table.days)
        )
    for t in selectors.staff_transfers(body):
        flag = " (illustrative)" if t.illustrative else ""
        click.echo(
            f"  transfer {t.on}: {t.staff} staff {t.source.name} → {t.target.name}, "
            f"{t.get_legal_basis_display()}; Agenda for Change protected: "
            f"{'yes' if t.agenda_for_change else 'no'}; NHS pension protected: "
            f"{'yes' if t.nhs_pension else 'no'}{flag}"
        )


def _fte(value) -> str:
    return "–" if value is None else f"{value:,.1f}"


@workforce_group.command("transfer")
@click.option("--from", "source", required=True, help="ODS code of the body staff leave.")
@click.option("--to", "target", required=True, help="ODS code of the body they join.")
@click.option("--on", "on", required=True, help="Day of the transfer (YYYY-MM-DD).")
@click.option("--staff", type=int, required=True, help="Headcount transferred.")
@click.option("--functions", required=True, help="What moved with them.")
@click.option(
    "--basis",
    type=click.Choice(["tupe", "cosop", "transfer_scheme"]),
    required=True,
    help="Legal basis of the transfer.",
)
@click.option("--agenda-for-change/--no-agenda-for-change", default=True)
@click.option("--nhs-pension/--no-nhs-pension", default=True)
@click.option("--terms", default="", help="Other protections of terms, in words.")
@WHY
def workforce_transfer(
    source, target, on, staff, functions, basis, agenda_for_change, nhs_pension, terms, reason
) -> None:
    """Records staff who moved between bodies, and on what terms (audited)."""
    _setup()
    from openics.cli.runtime import parse_day
    from openics.organisations.lifecycle import LifecycleError, transfer_staff

    try:
        record = transfer_staff(
            source=organisation(source),
            target=organisation(target),
            on=parse_day(on),
            staff=staff,
            functions=functions,
            legal_basis=basis,
            agenda_for_change=agenda_for_change,
            nhs_pension=nhs_pension,
            other_terms=terms,
            actor=cli_actor(),
            reason=reason,
        )
    except LifecycleError as exc:
        fail(f"refused, nothing was written: {exc}")
    click.echo(f"recorded: {record}")
