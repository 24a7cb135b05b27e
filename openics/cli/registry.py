"""The registry: `openics import …`, `openics responsibility`, `openics organisations …`."""

from __future__ import annotations

from pathlib import Path

import click

from openics.cli.runtime import (
    FILE,
    ICB,
    ON,
    REASON,
    WHY,
    YEAR,
    cli_actor,
    fail,
    failing_on,
    file_import,
    import_group,
    main,
    organisation,
    run_import,
    setup_django,
)


@import_group.command("practices")
@click.argument("file", type=FILE)
@click.option(
    "--year",
    type=YEAR,
    help="Financial year the populations apply to, e.g. 2025-26 "
    "(read from the file name when it holds one, like 2025_2026.csv). For a workbook, "
    "the sheet of that year is read.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse a file that names a local authority code two ways, instead of importing "
    "it under one name with a warning for each line that differs.",
)
@REASON
def import_practices(file: Path, year: str | None, strict: bool, reason: str | None) -> None:
    """NHS England's national practice file (ICB place-based allocation tool), as CSV or as
    the Excel workbook NHS England publishes (one sheet per year).

    Creates or updates regions, ICBs, local authorities, PCNs and practices, and the
    registered and weighted populations of each practice for the year.
    """
    setup_django()
    from openics.population.importers import import_practice_file

    run_import("practices", import_practice_file, file, reason, financial_year=year, strict=strict)


@file_import("ods", "ODS organisations", "openics.organisations.ods_import.import_ods_file")
def import_ods():
    """An ODS file: GP practices (epraccur), NHS trusts (etr), sub-ICB locations (eccg) or
    PCN membership (ePCN.xlsx, epcncorepartnerdetails), in the legacy or the Data Search and
    Export layout, recognised from the content; the report names the layout read."""


@file_import("practice-map", "practice map", "openics.organisations.ods_import.import_practice_map")
def import_practice_map_command():
    """NHS Digital's map of practices to PCNs, sub-ICB locations, ICBs and regions."""


@file_import("geography", "geography", "openics.population.importers.import_lsoa_lookup")
def import_geography():
    """ONS lookup of small areas (LSOA) to ICBs and local authorities: who covers where."""


@file_import(
    "deprivation", "deprivation", "openics.population.importers.import_deprivation_summary"
)
def import_deprivation():
    """Indices of Deprivation 2025 summaries for local authorities or ICBs."""


@import_group.command("residents")
@click.argument("file", type=FILE)
@click.option(
    "--mid-year",
    type=click.IntRange(2001, 2100),
    help="Year of the estimates, e.g. 2024 "
    "(read from ONS's file name, like mye24…, when it holds one).",
)
@REASON
def import_residents(file: Path, mid_year: int | None, reason: str | None) -> None:
    """ONS mid-year population estimates (MYE2 persons, by single year of age).

    Stores the usual residents of every English district, unitary authority and county
    council for the year; the country, region and metropolitan county rows are used to
    check the totals.
    """
    setup_django()
    from openics.population.importers import import_resident_estimates

    run_import("residents", import_resident_estimates, file, reason, mid_year=mid_year)


@main.command("responsibility")
@ICB
@click.option(
    "--year", type=YEAR, help="Financial year, e.g. 2025-26 (default: the latest loaded)."
)
def responsibility(icb_code: str, year: str | None) -> None:
    """Whom an ICB is responsible for, and for what, with how each figure was found."""
    setup_django()
    from openics.population import selectors as population_selectors
    from openics.population.responsibility import responsibility_for_icb

    icb = organisation(icb_code, kind="icb")
    year = year or population_selectors.latest_financial_year()
    if not year:
        fail("no populations are loaded; run `openics import practices FILE` first")
    result = responsibility_for_icb(icb, year)
    click.secho(f"{icb.name} ({icb.code}), {year}, under {result.regime_id}", bold=True)
    for c in result.classes:
        count = "not known" if c.count is None else f"{c.count:,.0f}"
        click.echo(f"- {c.title}: {count}")
        click.echo(f"    basis: {c.basis}")
        click.echo(f"    method: {c.method}")
    if result.residents is not None:
        r = result.residents
        click.echo(
            f"Residents (ONS, mid-{r.mid_year}): {r.residents:,}; registered ({year}): "
            f"{r.registered:,.0f}; estimated not registered: {r.not_registered:,.0f}"
        )
        for p in result.places:
            e = p.estimate
            click.echo(
                f"  {p.place.name}: residents {e.residents:,}, registered {e.registered:,.0f}, "
                f"estimated not registered {e.not_registered:,.0f}"
            )
    click.echo(
        f"Practices of this ICB located in another ICB's local authority: {len(result.outgoing)}"
    )
    click.echo(f"Other ICBs' practices located in its local authorities: {len(result.incoming)}")
    for caveat in result.caveats:
        click.echo(f"Note: {caveat}")


@main.group("organisations")
def organisations_group() -> None:
    """Change the registry: merge, rename or dissolve bodies, and set up places."""


def _lifecycle(fn, **kwargs) -> None:
    from openics.organisations.lifecycle import LifecycleError

    with failing_on(LifecycleError):
        fn(actor=cli_actor(), **kwargs)


@organisations_group.command("establish")
@click.option(
    "--kind",
    required=True,
    help="Kind of body, e.g. provider_collaborative, "
    "independent_provider, voluntary_provider, clinical_network.",
)
@click.option("--name", required=True, help="The body's name.")
@click.option("--code", default="", help="Its ODS code, where it has one.")
@click.option(
    "--ownership",
    required=True,
    type=click.Choice(["nhs", "local_authority", "voluntary", "gp_partnership", "independent"]),
    help="Ownership class.",
)
@click.option("--legal-form", default="", help="e.g. company limited by guarantee.")
@click.option("--company-number", default="", help="Companies House number, if a company.")
@click.option("--charity-number", default="", help="Charity Commission number, if a charity.")
@ON
@WHY
def organisations_establish(
    kind, name, code, ownership, legal_form, company_number, charity_number, on, reason
) -> None:
    """Establish a body (the regime in force must know its kind on that day)."""
    setup_django()
    from openics.organisations.lifecycle import establish

    _lifecycle(
        establish,
        kind=kind,
        name=name,
        code=code.upper(),
        ownership=ownership,
        legal_form=legal_form,
        company_number=company_number,
        charity_number=charity_number,
        active_from=on.date(),
        reason=reason,
    )
    click.echo(f"Established {name}.")


@organisations_group.command("join")
@click.argument("member")
@click.argument("body")
@click.option(
    "--as",
    "kind",
    default="member",
    show_default=True,
    type=click.Choice(["member", "within", "in_place"]),
    help="Kind of link.",
)
@ON
@WHY
def organisations_join(member, body, kind, on, reason) -> None:
    """Link MEMBER (a code) to BODY (a code), e.g. a trust joining a collaborative."""
    setup_django()
    from openics.organisations.lifecycle import join

    _lifecycle(
        join,
        child=organisation(member),
        parent=organisation(body),
        kind=kind,
        on=on.date(),
        reason=reason,
    )
    click.echo("Linked.")


@organisations_group.command("merge")
@click.argument("sources", nargs=-1, required=True)
@click.option("--into", "into", required=True, help="Code of the body that takes everything.")
@ON
@WHY
def organisations_merge(sources, into, on, reason) -> None:
    """Merge bodies (by code) into another; every holding, link and member of staff moves."""
    setup_django()
    from openics.organisations.lifecycle import holdings_of, merge

    bodies = [organisation(code) for code in sources]
    target = organisation(into)
    _lifecycle(merge, sources=bodies, into=target, on=on.date(), reason=reason)
    target.refresh_from_db()
    held = ", ".join(f"{n} {what}" for what, n in holdings_of(target).items()) or "nothing"
    click.echo(f"Merged {len(bodies)} into {target.name}; it now holds {held}.")


@organisations_group.command("rename")
@click.argument("code")
@click.argument("name")
@WHY
def organisations_rename(code, name, reason) -> None:
    """Give a body a new name (the old one stays in the audit log)."""
    setup_django()
    from openics.organisations.lifecycle import rename

    _lifecycle(rename, organisation=organisation(code), name=name, reason=reason)
    click.echo(f"Renamed to {name}.")


@organisations_group.command("dissolve")
@click.argument("code")
@click.option("--successor", help="Code of the body that takes what it holds.")
@ON
@WHY
def organisations_dissolve(code, successor, on, reason) -> None:
    """Close a body; whatever it holds must pass to a successor."""
    setup_django()
    from openics.organisations.lifecycle import dissolve

    _lifecycle(
        dissolve,
        organisation=organisation(code),
        on=on.date(),
        successor=organisation(successor) if successor else None,
        reason=reason,
    )
    click.echo("Dissolved.")


@organisations_group.command("create-places")
@ICB
@ON
@WHY
def organisations_create_places(icb_code, on, reason) -> None:
    """Create the default places of an ICB: one per local authority within it."""
    setup_django()
    from openics.population.places import create_default_places

    icb = organisation(icb_code)
    _lifecycle(create_default_places, icb=icb, on=on.date(), reason=reason)
    click.echo(f"Places created for {icb.name}.")


@import_group.command("successions")
@click.argument("files", nargs=-1, required=True, type=FILE)
@REASON
def import_successions_command(files: tuple[Path, ...], reason: str | None) -> None:
    """ICB successions (the April 2026 mergers, splits and acquisition), dated.

    Give the predecessor → successor table, and with it the list of ICBs from the day
    (for new ICBs' ONS codes and regions), the districts each successor takes from a
    split ICB, and any stated weights for a split sub-ICB location: each file is
    recognised by its columns. Applied through the lifecycle services, all or nothing.
    """
    setup_django()
    from openics.core.imports import ImportRejected
    from openics.organisations.successions import import_successions

    names = ", ".join(f.name for f in files)
    try:
        report = import_successions(
            [(f.name, f.read_bytes()) for f in files],
            actor=cli_actor(),
            reason=reason or f"import of ICB successions from {names}",
        )
    except ImportRejected as exc:
        click.secho(exc.report(limit=200), fg="red", err=True)
        raise SystemExit(1) from exc
    click.echo(report.summary())
    for note in report.notes:
        click.echo(f"  note: {note}")
