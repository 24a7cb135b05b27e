"""`openics capital …`: the capital limit, the capital plan, and PFI schemes and charges."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from openics.cli.runtime import (
    FILE,
    REASON,
    WHY,
    YEAR,
    cli_actor,
    fail,
    organisation,
    refused,
    setup_django,
)


@click.group("capital")
def capital_group() -> None:
    """Capital resource use limits, capital plans by provider, and what PFI costs."""


@capital_group.command("import-pfi")
@click.argument("file", type=FILE)
@click.option(
    "--post", "post_years", type=YEAR, multiple=True, help="Pay that year's charges (repeatable)."
)
@click.option("--illustrative", is_flag=True, help="The file is made up, not published.")
@REASON
def import_pfi_command(file: Path, post_years, illustrative: bool, reason) -> None:
    """Imports PFI schemes from a CSV in the layout of HM Treasury's PFI and PF2 summary data
    (see openics/sources/pfi.py for the columns). All or nothing."""
    setup_django()
    from openics.capital.services import import_pfi
    from openics.core.imports import ImportRejected

    try:
        report = import_pfi(
            file.read_bytes(),
            source_name=file.name,
            post_years=post_years,
            illustrative=illustrative,
            actor=cli_actor(),
            reason=reason or f"import of PFI schemes from {file.name}",
        )
    except ImportRejected as exc:
        click.secho(exc.report(limit=200), fg="red", err=True)
        sys.exit(1)
    click.echo(report.summary())
    for note in report.notes:
        click.echo(f"  note: {note}")


@capital_group.command("set-limit")
@click.option("--icb", "icb_code", required=True)
@click.option("--year", type=YEAR, required=True)
@click.option("--amount", required=True, help="e.g. £150,000,000")
@click.option("--source", required=True, help="Where the limit comes from.")
@click.option("--illustrative", is_flag=True)
@WHY
def set_limit_command(icb_code, year, amount, source, illustrative, reason) -> None:
    """Sets the capital resource use limit of an ICB's system for a year."""
    setup_django()
    from openics.capital.services import CapitalError, set_limit
    from openics.kernel.money import Money, MoneyError

    try:
        money = Money.parse(amount)
    except MoneyError as exc:
        fail(str(exc))
    try:
        set_limit(
            icb=organisation(icb_code, kind="icb"),
            financial_year=year,
            amount=money,
            source=source,
            illustrative=illustrative,
            actor=cli_actor(),
            reason=reason,
        )
    except CapitalError as exc:
        refused(exc)
    click.echo(f"capital limit of {icb_code} for {year}: {money}")


@capital_group.command("add-scheme")
@click.option("--icb", "icb_code", required=True)
@click.option("--provider", "provider_code", required=True)
@click.option("--reference", required=True)
@click.option("--name", required=True)
@click.option("--purpose", required=True)
@click.option(
    "--funding",
    type=click.Choice(["operational", "national_programme", "pfi", "lease", "disposal"]),
    required=True,
)
@click.option("--cost", "costs", multiple=True, required=True, help="YEAR=AMOUNT, repeatable.")
@click.option("--illustrative", is_flag=True)
@WHY
def add_scheme_command(
    icb_code, provider_code, reference, name, purpose, funding, costs, illustrative, reason
) -> None:
    """Adds a scheme to an ICB's capital plan, with its cost by year."""
    setup_django()
    from openics.capital.services import CapitalError, plan_scheme
    from openics.kernel.money import Money, MoneyError

    by_year = {}
    for text in costs:
        year, _, amount = text.partition("=")
        try:
            by_year[year.strip()] = Money.parse(amount)
        except MoneyError as exc:
            fail(f"--cost {text!r}: {exc}")
    try:
        plan_scheme(
            reference=reference,
            icb=organisation(icb_code, kind="icb"),
            provider=organisation(provider_code),
            name=name,
            purpose=purpose,
            funding_source=funding,
            costs=by_year,
            illustrative=illustrative,
            actor=cli_actor(),
            reason=reason,
        )
    except CapitalError as exc:
        refused(exc)
    click.echo(f"capital scheme {reference} added")


@capital_group.command("show")
@click.option("--icb", "icb_code", required=True)
def show_command(icb_code: str) -> None:
    """An ICB's capital plan against its limit by year, and its trusts' PFI charges."""
    setup_django()
    from openics.capital import selectors
    from openics.kernel.money import Money
    from openics.organisations.selectors import system_employers

    icb = organisation(icb_code, kind="icb")
    click.echo(f"Capital plan of {icb.name}")
    for year in selectors.capital_plan(icb):
        p = year.position
        limit = "no limit set" if p.limit_pence is None else f"limit {Money(p.limit_pence)}"
        flag = " (illustrative)" if year.illustrative else ""
        state = " OVER THE LIMIT" if p.over_limit else ""
        click.echo(
            f"  {year.year}: {Money(p.against_limit_pence)} against the {limit}; "
            f"{Money(p.outside_limit_pence)} national programmes{state}{flag}"
        )
        for scheme, amount in year.schemes:
            click.echo(
                f"    {scheme.reference:<14}{scheme.provider.code:<6}{amount.format():>18}  "
                f"{scheme.get_funding_source_display()}: {scheme.name}"
            )
    costs = selectors.pfi_costs(system_employers(icb))
    if costs.schemes:
        click.echo(f"PFI unitary charges of its trusts: {costs.total} in all")
        for year, amount in costs.by_year.items():
            paid = costs.posted_by_year.get(year)
            click.echo(f"  {year}: {amount}{' (paid in the books)' if paid else ''}")
        for partner, amount in costs.by_partner.items():
            click.echo(f"  to {partner.name}: {amount}")
