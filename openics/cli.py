"""The `openics` command: set up, load, serve and check an OpenICS installation."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def _django() -> None:
    """Starts Django once, with the project settings unless the environment names others."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openics.config.settings")
    import django

    django.setup()


def _fail(message: str) -> None:
    click.secho(f"Error: {message}", fg="red", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="openics")
def main() -> None:
    """OpenICS: run an NHS integrated care system in the open.

    Follow its money, check its rules. Data lives in var/openics.sqlite3 unless
    DATABASE_URL points at PostgreSQL.
    """


# -- setting up ----------------------------------------------------------------------------
def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _collectstatic() -> None:
    from django.conf import settings
    from django.core.management import call_command

    built = Path(settings.BASE_DIR) / "static" / "build" / "openics.css"
    if not built.exists():
        _fail(
            "the NHS.UK styles are not built yet. Run `npm ci && npm run build` "
            "(scripts/demo does this for you)."
        )
    call_command("collectstatic", interactive=False, verbosity=0)


@main.command()
def migrate() -> None:
    """Create or update the database tables."""
    _django()
    _migrate()
    click.echo("Database is up to date.")


@main.command()
@click.option("--no-serve", is_flag=True, help="Load the demonstration data and exit.")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to serve on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, help="Port to serve on.")
def demo(no_serve: bool, host: str, port: int) -> None:
    """Set up the database, load the demonstration data and serve the portal."""
    _django()
    from openics.demo import DEMO_STEPS

    steps = [("Migrating the database", _migrate), *DEMO_STEPS]
    if not no_serve:
        steps.append(("Collecting static files", _collectstatic))
    with click.progressbar(
        steps, label="Setting up OpenICS", item_show_func=lambda s: s[0] if s else ""
    ) as bar:
        for _label, step in bar:
            step()
    click.echo("Demonstration data loaded.")
    if not no_serve:
        _serve(host, port)


def _serve(host: str, port: int) -> None:
    from waitress import serve as waitress_serve

    from openics.config.wsgi import application

    click.secho(f"OpenICS is serving at http://{host}:{port}/ (press Ctrl+C to stop)", fg="green")
    waitress_serve(application, host=host, port=port, threads=8, _quiet=True)


@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to serve on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, help="Port to serve on.")
def serve(host: str, port: int) -> None:
    """Serve the web portal and the read API."""
    _django()
    _collectstatic()
    _serve(host, port)


# -- regimes -------------------------------------------------------------------------------
@main.group()
def regimes() -> None:
    """The rules as code: list regimes and show their parameters and rules."""


@regimes.command("list")
def regimes_list() -> None:
    """List every regime with its status and the dates it was in force."""
    from openics.regimes import all_regimes

    rows = [(r.id, r.status, r.in_force_text(), r.title) for r in all_regimes()]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    click.echo(f"{'ID':<{widths[0]}}  {'STATUS':<{widths[1]}}  {'IN FORCE':<{widths[2]}}  TITLE")
    for row in rows:
        click.echo(
            "  ".join(f"{cell:<{widths[i]}}" for i, cell in enumerate(row[:3])) + f"  {row[3]}"
        )


@regimes.command("show")
@click.argument("regime_id")
def regimes_show(regime_id: str) -> None:
    """Show one regime: legal basis, rules with citations, parameters with their dates."""
    from openics.regimes import RegimeError, get_regime

    try:
        regime = get_regime(regime_id)
    except RegimeError as exc:
        _fail(str(exc))
    click.secho(f"{regime.title} ({regime.id})", bold=True)
    click.echo(f"Status:      {regime.status}")
    click.echo(f"In force:    {regime.in_force_text()}")
    click.echo(f"Legal basis: {regime.legal_basis}")
    click.echo()
    click.secho("Rules", bold=True)
    for rule in regime.rules.values():
        click.echo(f"  {rule.id}: {rule.title}")
        click.echo(f"    citation: {rule.citation}")
        if rule.citation.url:
            click.echo(f"    {rule.citation.url}")
    click.echo()
    click.secho("Parameters", bold=True)
    for parameter in regime.parameters.values():
        click.echo(f"  {parameter.name}: {parameter.description}")
        for starts, value in parameter.values:
            click.echo(f"    from {starts}: {_plain(value)}")


def _plain(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k} — {v}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


# -- imports -------------------------------------------------------------------------------
def _cli_actor():
    """Imports from the command line are recorded as a named process with the OS user."""
    import getpass
    import re

    from openics.core.audit import Actor

    user = re.sub(r"[^a-z0-9_.-]", "-", getpass.getuser().lower()) or "unknown"
    return Actor.process(f"cli:{user}")


def _run_import(label: str, function, path: Path, reason: str | None, **kwargs) -> None:
    from openics.organisations.importers import ImportRejected

    data = path.read_bytes()
    steps = ["read", "apply"]
    try:
        with click.progressbar(steps, label=f"Importing {label} from {path.name}") as bar:
            for step in bar:
                if step == "apply":
                    report = function(
                        data,
                        source_name=path.name,
                        actor=_cli_actor(),
                        reason=reason or f"import of {label} from {path.name}",
                        **kwargs,
                    )
    except ImportRejected as exc:
        click.secho(exc.report(limit=200), fg="red", err=True)
        sys.exit(1)
    click.echo(report.summary())
    for note in report.notes:
        click.echo(f"  note: {note}")


@main.group("import")
def import_() -> None:
    """Import public data files. All or nothing: a file with a bad row writes nothing."""


_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_REASON = click.option("--reason", help="Why you are importing (kept in the audit log).")


@import_.command("practices")
@click.argument("file", type=_FILE)
@click.option(
    "--year",
    help="Financial year the populations apply to, e.g. 2025/26 "
    "(read from the file name when it holds one, like 2025_2026.csv).",
)
@_REASON
def import_practices(file: Path, year: str | None, reason: str | None) -> None:
    """NHS England's national practice file (ICB place-based allocation tool).

    Creates or updates regions, ICBs, local authorities, PCNs and practices, and the
    registered and weighted populations of each practice for the year.
    """
    _django()
    from openics.organisations.importers import import_practice_file

    _run_import("practices", import_practice_file, file, reason, financial_year=year)


@import_.command("ods")
@click.argument("file", type=_FILE)
@_REASON
def import_ods(file: Path, reason: str | None) -> None:
    """An ODS file: GP practices (epraccur.csv), NHS trusts (etr.csv) or PCNs (ePCN.xlsx)."""
    _django()
    from openics.organisations.ods_import import import_ods_file

    _run_import("ODS organisations", import_ods_file, file, reason)


@import_.command("practice-map")
@click.argument("file", type=_FILE)
@_REASON
def import_practice_map_command(file: Path, reason: str | None) -> None:
    """NHS Digital's map of practices to PCNs, sub-ICB locations, ICBs and regions."""
    _django()
    from openics.organisations.ods_import import import_practice_map

    _run_import("practice map", import_practice_map, file, reason)


@import_.command("geography")
@click.argument("file", type=_FILE)
@_REASON
def import_geography(file: Path, reason: str | None) -> None:
    """ONS lookup of small areas (LSOA) to ICBs and local authorities: who covers where."""
    _django()
    from openics.population.importers import import_lsoa_lookup

    _run_import("geography", import_lsoa_lookup, file, reason)


@import_.command("deprivation")
@click.argument("file", type=_FILE)
@_REASON
def import_deprivation(file: Path, reason: str | None) -> None:
    """Indices of Deprivation 2025 summaries for local authorities or ICBs."""
    _django()
    from openics.population.importers import import_deprivation_summary

    _run_import("deprivation", import_deprivation_summary, file, reason)


# -- registry ------------------------------------------------------------------------------
@main.command("responsibility")
@click.option("--icb", "icb_code", required=True, help="ICB ODS code, e.g. QUA.")
@click.option("--year", help="Financial year, e.g. 2025/26 (default: the latest loaded).")
def responsibility(icb_code: str, year: str | None) -> None:
    """Whom an ICB is responsible for, and for what, with how each figure was found."""
    _django()
    from openics.organisations import selectors
    from openics.organisations.models import Organisation
    from openics.population.responsibility import responsibility_for_icb

    icb = Organisation.objects.filter(kind="icb", code=icb_code.upper()).first()
    if icb is None:
        _fail(f"no ICB with code {icb_code}")
    year = year or selectors.latest_financial_year()
    if not year:
        _fail("no populations are loaded; run `openics import practices FILE` first")
    result = responsibility_for_icb(icb, year)
    click.secho(f"{icb.name} ({icb.code}), {year}, under {result.regime_id}", bold=True)
    for c in result.classes:
        count = "not known" if c.count is None else f"{c.count:,.0f}"
        click.echo(f"- {c.title}: {count}")
        click.echo(f"    basis: {c.basis}")
        click.echo(f"    method: {c.method}")
    click.echo(
        f"Practices of this ICB located in another ICB's local authority: {len(result.outgoing)}"
    )
    click.echo(f"Other ICBs' practices located in its local authorities: {len(result.incoming)}")
    for caveat in result.caveats:
        click.echo(f"Note: {caveat}")


@main.group("organisations")
def organisations_group() -> None:
    """Change the registry: merge, rename or dissolve bodies, and set up places."""


def _body(code: str):
    from openics.organisations.models import Organisation

    matches = list(
        Organisation.objects.filter(code=code.upper())
        or Organisation.objects.filter(ons_code=code.upper())
    )
    if len(matches) != 1:
        _fail(f"{len(matches)} organisations have the code {code}; expected exactly one")
    return matches[0]


def _lifecycle(fn, **kwargs) -> None:
    from openics.organisations.lifecycle import LifecycleError

    try:
        fn(actor=_cli_actor(), **kwargs)
    except LifecycleError as exc:
        _fail(str(exc))


_ON = click.option(
    "--on",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    help="The day the change takes effect (YYYY-MM-DD).",
)
_WHY = click.option("--reason", required=True, help="Why (kept in the audit log).")


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
@_ON
@_WHY
def organisations_establish(
    kind, name, code, ownership, legal_form, company_number, charity_number, on, reason
) -> None:
    """Establish a body (the regime in force must know its kind on that day)."""
    _django()
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
@_ON
@_WHY
def organisations_join(member, body, kind, on, reason) -> None:
    """Link MEMBER (a code) to BODY (a code), e.g. a trust joining a collaborative."""
    _django()
    from openics.organisations.lifecycle import join

    _lifecycle(
        join, child=_body(member), parent=_body(body), kind=kind, on=on.date(), reason=reason
    )
    click.echo("Linked.")


@organisations_group.command("merge")
@click.argument("sources", nargs=-1, required=True)
@click.option("--into", "into", required=True, help="Code of the body that takes everything.")
@_ON
@_WHY
def organisations_merge(sources, into, on, reason) -> None:
    """Merge bodies (by code) into another; every holding, link and member of staff moves."""
    _django()
    from openics.organisations.lifecycle import holdings_of, merge

    bodies = [_body(code) for code in sources]
    target = _body(into)
    _lifecycle(merge, sources=bodies, into=target, on=on.date(), reason=reason)
    target.refresh_from_db()
    held = ", ".join(f"{n} {what}" for what, n in holdings_of(target).items()) or "nothing"
    click.echo(f"Merged {len(bodies)} into {target.name}; it now holds {held}.")


@organisations_group.command("rename")
@click.argument("code")
@click.argument("name")
@_WHY
def organisations_rename(code, name, reason) -> None:
    """Give a body a new name (the old one stays in the audit log)."""
    _django()
    from openics.organisations.lifecycle import rename

    _lifecycle(rename, organisation=_body(code), name=name, reason=reason)
    click.echo(f"Renamed to {name}.")


@organisations_group.command("dissolve")
@click.argument("code")
@click.option("--successor", help="Code of the body that takes what it holds.")
@_ON
@_WHY
def organisations_dissolve(code, successor, on, reason) -> None:
    """Close a body; whatever it holds must pass to a successor."""
    _django()
    from openics.organisations.lifecycle import dissolve

    _lifecycle(
        dissolve,
        organisation=_body(code),
        on=on.date(),
        successor=_body(successor) if successor else None,
        reason=reason,
    )
    click.echo("Dissolved.")


@organisations_group.command("create-places")
@click.option("--icb", "icb_code", required=True, help="ICB ODS code, e.g. QUA.")
@_ON
@_WHY
def organisations_create_places(icb_code, on, reason) -> None:
    """Create the default places of an ICB: one per local authority within it."""
    _django()
    from openics.organisations.places import create_default_places

    icb = _body(icb_code)
    _lifecycle(create_default_places, icb=icb, on=on.date(), reason=reason)
    click.echo(f"Places created for {icb.name}.")


# -- allocation ----------------------------------------------------------------------------
@main.group("allocation")
def allocation_group() -> None:
    """Fair shares: NHS England's published allocations, and budgets shared between places."""


@import_.command("allocations")
@click.argument("file", type=_FILE)
@_REASON
def import_allocations(file: Path, reason: str | None) -> None:
    """NHS England's ICB allocations workbook (baselines, targets, growth, allocations)."""
    _django()
    from openics.allocation.services import import_published_allocations

    _run_import("published allocations", import_published_allocations, file, reason)


@allocation_group.command("verify")
@click.option("--year", help="Financial year, e.g. 2024/25 (default: every year loaded).")
def allocation_verify(year: str | None) -> None:
    """Recompute every published distance from target and recurrent allocation."""
    _django()
    from openics.allocation.selectors import reproduce_published

    rows = reproduce_published(year)
    if not rows:
        _fail("no published allocations are loaded; run `openics import allocations FILE`")
    wrong = [r for r in rows if not r.matches]
    for r in wrong:
        p = r.published
        click.echo(
            f"MISMATCH {p.icb.code} {p.line} {p.financial_year}: published "
            f"£{p.recurrent_k:,.0f}k, recomputed £{r.recurrent_k:,.0f}k"
        )
    click.echo(
        f"{len(rows) - len(wrong)} of {len(rows)} published allocations reproduced "
        "exactly (distance from target, and recurrent allocation to the £k)."
    )
    if wrong:
        sys.exit(1)


@allocation_group.command("places")
@click.option("--icb", "icb_code", required=True, help="ICB ODS code, e.g. QUA.")
@click.option("--year", required=True, help="Financial year of the populations, e.g. 2025/26.")
@click.option("--budget", required=True, help="The ICB's budget for the line, e.g. £2,500,000,000.")
@click.option(
    "--component",
    default="core",
    show_default=True,
    help="Weighted population to share by (core, primary_medical_care_final, …).",
)
@click.option(
    "--pace",
    help="Move each place's share at most this far towards target "
    "from the approved split, e.g. 0.01 (default: straight to target).",
)
@click.option("--approve", is_flag=True, help="Approve the run at once (the delegation).")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
def allocation_places(icb_code, year, budget, component, pace, approve, reason) -> None:
    """Share an ICB's budget between its places by weighted population, and explain it."""
    _django()
    from openics.allocation.services import AllocationError, approve_run, run_place_allocation
    from openics.kernel.money import Money, MoneyError

    try:
        amount = Money.parse(budget)
    except MoneyError as exc:
        _fail(str(exc))
    icb = _body(icb_code)
    try:
        run = run_place_allocation(
            icb=icb,
            financial_year=year,
            budget=amount,
            component=component,
            max_step=_rate(pace) if pace else None,
            actor=_cli_actor(),
            reason=reason,
        )
        if approve:
            run = approve_run(run=run, actor=_cli_actor(), reason=reason)
    except AllocationError as exc:
        _fail(str(exc))
    _print_run(run)


def _rate(text: str):
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(text)
    except InvalidOperation:
        _fail(f"{text!r} is not a rate like 0.01")


def _print_run(run) -> None:
    from decimal import Decimal

    from openics.kernel.money import Money

    click.secho(
        f"{run.icb.name}: {run.budget} for {run.financial_year}, shared by "
        f"{run.component} weighted population ({run.status})",
        bold=True,
    )
    click.echo(f"inputs sha256 {run.inputs_sha256}")
    click.echo(
        f"{'place':<32}{'practices':>10}{'registered':>14}{'weighted':>14}"
        f"{'share':>9}{'need':>7}{'budget':>20}{'per head':>11}"
    )
    for r in run.results:
        click.echo(
            f"{r['name'][:31]:<32}{r['practices']:>10}{Decimal(r['registered']):>14,.0f}"
            f"{Decimal(r['weighted']):>14,.0f}{Decimal(r['share']):>9.2%}"
            f"{Decimal(r['need_index']):>7.3f}{Money(r['budget_pence']).format():>20}"
            f"{Money(r['per_head_pence']).format():>11}"
        )
    click.echo(f"pace: {run.parameters.get('pace', 'straight to target')}")
    click.echo(
        "need = (weighted ÷ registered population of the place) ÷ the same for the ICB; "
        "budgets by share of weighted population, pennies by largest remainder."
    )


@allocation_group.command("explain")
@click.option("--icb", "icb_code", required=True, help="ICB ODS code, e.g. QUA.")
@click.option("--year", required=True, help="Financial year of the populations, e.g. 2025/26.")
@click.option(
    "--total",
    help="National total to share, e.g. £100,000,000,000.00 (default: "
    "the sum of the published recurrent allocations for the year, if loaded).",
)
def allocation_explain(icb_code: str, year: str, total: str | None) -> None:
    """Trace an ICB's fair share: population, each weighted component, share, target."""
    _django()
    from openics.allocation.selectors import national_fair_shares, published_total

    amount = _money_option(total) if total else published_total(year)
    if amount is None:
        _fail(f"give --total: no published allocations for {year} are loaded")
    icb = _body(icb_code)
    rows = {r.icb.pk: r for r in national_fair_shares(year, amount)}
    if icb.pk not in rows:
        _fail(f"no populations for {icb.name} in {year}")
    r = rows[icb.pk]
    click.secho(f"{icb.name}: fair share of {amount} in {year}", bold=True)
    click.echo(f"{'component':<30}{'ICB':>16}{'England':>18}{'share':>10}")
    for name, value, share in r.component_shares():
        click.echo(
            f"{name.replace('_', ' '):<30}{value:>16,.1f}{r.national[name]:>18,.1f}{share:>10.4%}"
        )
    click.echo(f"target = core weighted share {r.fair.share:.6%} × {amount} = {r.fair.target}")
    click.echo("rounding: the national total is shared to the penny by largest remainders")
    if r.published is not None:
        click.echo(
            f"published {year} recurrent allocation: £{r.published.recurrent_k:,.0f}k; "
            f"distance from this target: {r.distance:.2%}"
        )


def _money_option(text: str):
    from openics.kernel.money import Money, MoneyError

    try:
        return Money.parse(text)
    except MoneyError as exc:
        _fail(str(exc))


@allocation_group.command("pace")
@click.option(
    "--baseline-year",
    required=True,
    help="Year whose published allocations are the baselines, e.g. 2024/25.",
)
@click.option("--population-year", required=True, help="Year of the weighted populations.")
@click.option("--total", required=True, help="Next year's national total, e.g. £105,000,000,000.")
@click.option("--base-growth", required=True, help="Base growth as a rate, e.g. 0.04.")
@click.option(
    "--on",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    help="Day whose convergence policy applies (from the regime in force).",
)
def allocation_pace(baseline_year, population_year, total, base_growth, on) -> None:
    """Model next year's ICB allocations under the regime's pace-of-change policy."""
    _django()
    from decimal import Decimal, InvalidOperation

    from openics.allocation import formula
    from openics.allocation.models import PublishedAllocation
    from openics.allocation.selectors import national_fair_shares
    from openics.kernel.money import Money
    from openics.kernel.money import total as money_total
    from openics.regimes import regime_in_force_on

    amount = _money_option(total)
    try:
        growth = Decimal(base_growth)
    except InvalidOperation:
        _fail(f"base growth {base_growth!r} is not a number")
    regime = regime_in_force_on(on.date())
    policy = formula.ConvergencePolicy.from_parameter(
        regime.parameter("allocation.convergence_policy").at(on.date())
    )
    baselines = {
        str(p.icb_id): Money.from_pounds(p.recurrent_k * 1000)
        for p in PublishedAllocation.objects.filter(financial_year=baseline_year, line="core")
    }
    fair = {str(r.icb.pk): r for r in national_fair_shares(population_year, amount)}
    keys = sorted(set(baselines) & set(fair), key=lambda k: fair[k].icb.name)
    if not keys:
        _fail("no ICB has both a published baseline and populations for those years")
    rows = formula.pace_of_change(
        amount,
        {k: baselines[k] for k in keys},
        {k: fair[k].fair.target for k in keys},
        growth,
        policy,
    )
    click.secho(f"{len(rows)} ICBs under {regime.id}: {policy}", bold=True)
    for row in rows:
        click.echo(
            f"{fair[row.key].icb.name[:40]:<41}{row.distance:>8.2%}{row.growth:>9.3%}"
            f"{row.allocation.format():>24}"
        )
    click.echo(f"total {money_total(r.allocation for r in rows)} (asked for {amount})")


@allocation_group.command("set-total")
@click.option("--year", required=True, help="Financial year, e.g. 2025/26.")
@click.option(
    "--line",
    default="core",
    show_default=True,
    help="Allocation line: core or primary_medical_care.",
)
@click.option("--amount", required=True, help="The total, e.g. £105,000,000,000.00.")
@click.option("--icb", "icb_code", help="An ICB's total (default: England's).")
@click.option("--reason", required=True, help="Why, and where the figure comes from.")
def allocation_set_total(year, line, amount, icb_code, reason) -> None:
    """Record a total to share for a year and line (England's, or one ICB's)."""
    _django()
    from openics.allocation.services import AllocationError, set_total

    try:
        total = set_total(
            financial_year=year,
            line=line,
            amount=_money_option(amount),
            icb=_body(icb_code) if icb_code else None,
            source=reason,
            actor=_cli_actor(),
            reason=reason,
        )
    except AllocationError as exc:
        _fail(str(exc))
    click.echo(f"Recorded: {total}")


@allocation_group.command("totals")
def allocation_totals() -> None:
    """List every recorded total, years side by side."""
    _django()
    from openics.allocation.selectors import totals_by_year

    rows = list(totals_by_year())
    if not rows:
        _fail("no totals recorded; import allocations or use `openics allocation set-total`")
    for total in rows:
        scope = total.icb.name if total.icb_id else "England"
        click.echo(
            f"{scope:<45}{total.line:<22}{total.financial_year:<9}"
            f"{total.amount.format():>26}  {total.source}"
        )


# -- allocate (the place-based tool's job, as tables) ----------------------------------------
@main.group("allocate")
def allocate_group() -> None:
    """Compute fair shares as tables: nationally by ICB, or by place within an ICB."""


_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
_OUT = click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of the screen.",
)


def _year(text: str) -> str:
    from openics.kernel.years import FinancialYear

    try:
        return FinancialYear.parse(text).label
    except ValueError as exc:
        _fail(str(exc))


def _emit(rows, fmt: str, out: Path | None) -> None:
    from openics.allocation.tool import render

    text = render(rows, fmt)
    if out:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {len(rows)} rows to {out}")
    else:
        click.echo(text, nl=False)


def _tool_failed(exc) -> None:
    for error in exc.errors:
        click.secho(f"  {error}", fg="red", err=True)
    _fail(str(exc))


@allocate_group.command("national")
@click.option("--year", required=True, help="Financial year of the populations, e.g. 2025-26.")
@click.option(
    "--totals",
    type=_FILE,
    help="CSV of scope,line,amount: ENGLAND totals and, optionally, each ICB's actual allocation.",
)
@_FORMAT
@_OUT
def allocate_national(year, totals, fmt, out) -> None:
    """Each ICB's weighted population and target share per line (and target, distance)."""
    _django()
    from openics.allocation.tool import ToolError, national_rows, read_totals
    from openics.organisations.models import Organisation

    try:
        parsed = None
        if totals:
            codes = set(Organisation.objects.filter(kind="icb").values_list("code", flat=True))
            parsed = read_totals(totals.read_bytes(), totals.name, codes)
        rows = national_rows(_year(year), parsed)
    except ToolError as exc:
        _tool_failed(exc)
    _emit(rows, fmt, out)


@allocate_group.command("places")
@click.option("--icb", "icb_code", required=True, help="ICB ODS code, e.g. QUA.")
@click.option("--year", required=True, help="Financial year of the populations, e.g. 2025-26.")
@click.option(
    "--by",
    "by",
    required=True,
    help="lad (local authority district), pcn, or a CSV mapping file of "
    "practice_code,place_code[,place_name].",
)
@_FORMAT
@_OUT
def allocate_places(icb_code, year, by, fmt, out) -> None:
    """Each place's population, weighted population and need index, per component."""
    _django()
    from openics.allocation.tool import ToolError, place_rows

    icb = _body(icb_code)
    mapping, source, how = None, "", by
    if by not in ("lad", "pcn"):
        path = Path(by)
        if not path.is_file():
            _fail(f"--by takes lad, pcn or a mapping file; {by!r} is none of those")
        mapping, source, how = path.read_bytes(), path.name, "file"
    try:
        rows = place_rows(icb, _year(year), how, mapping, source)
    except ToolError as exc:
        _tool_failed(exc)
    _emit(rows, fmt, out)


# -- checks --------------------------------------------------------------------------------
@main.command()
def check() -> None:
    """Check the installation and the record against the rules; exit 1 on any problem."""
    _django()
    from openics.checks import run_checks

    problems = 0
    for result in run_checks():
        colour = "green" if result.ok else "red"
        click.secho(f"[{'ok' if result.ok else 'FAIL'}] {result.name}: {result.detail}", fg=colour)
        problems += not result.ok
    if problems:
        _fail(f"{problems} check(s) failed")
    click.echo("All checks passed.")


def _add_app_commands() -> None:
    from openics.commissioning.cli import arranging_group, export_group
    from openics.governance.cli import boards_group, verify
    from openics.ledger.cli import ledger_group, money_group

    main.add_command(ledger_group)
    main.add_command(money_group)
    main.add_command(arranging_group)
    main.add_command(export_group)
    main.add_command(boards_group)
    main.add_command(verify)


_add_app_commands()


if __name__ == "__main__":
    main()
