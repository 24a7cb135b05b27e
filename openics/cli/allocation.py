"""Fair shares: `openics allocation …` (and `openics allocate …`, the place-based tool's tables)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from openics.cli.runtime import (
    FILE,
    ICB,
    POPULATION_YEAR,
    YEAR,
    cli_actor,
    fail,
    failing_on,
    file_import,
    financial_year,
    main,
    organisation,
    setup_django,
)


@main.group("allocation")
def allocation_group() -> None:
    """Fair shares: NHS England's published allocations, and budgets shared between places."""


@file_import(
    "allocations",
    "published allocations",
    "openics.allocation.services.import_published_allocations",
)
def import_allocations():
    """NHS England's ICB allocations workbook (baselines, targets, growth, allocations)."""


@allocation_group.command("verify")
@click.option(
    "--year", type=YEAR, help="Financial year, e.g. 2024-25 (default: every year loaded)."
)
def allocation_verify(year: str | None) -> None:
    """Recompute every published distance from target and recurrent allocation."""
    setup_django()
    from openics.allocation.selectors import reproduce_published

    rows = reproduce_published(year)
    if not rows:
        fail("no published allocations are loaded; run `openics import allocations FILE`")
    wrong = [r for r in rows if not r.matches]
    for r in wrong:
        p = r.published
        click.echo(
            f"MISMATCH {p.icb.code} {p.line} {p.financial_year}: published "
            f"{_thousands(p.recurrent_k)}, recomputed {_thousands(r.recurrent_k)}"
        )
    click.echo(
        f"{len(rows) - len(wrong)} of {len(rows)} published allocations reproduced "
        "exactly (distance from target, and recurrent allocation to the £k)."
    )
    if wrong:
        sys.exit(1)


@allocation_group.command("places")
@ICB
@POPULATION_YEAR
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
    setup_django()
    from openics.allocation.services import AllocationError, approve_run, run_place_allocation

    amount = _money_option(budget)
    icb = organisation(icb_code)
    try:
        run = run_place_allocation(
            icb=icb,
            financial_year=year,
            budget=amount,
            component=component,
            max_step=_rate(pace) if pace else None,
            actor=cli_actor(),
            reason=reason,
        )
        if approve:
            run = approve_run(run=run, actor=cli_actor(), reason=reason)
    except AllocationError as exc:
        fail(str(exc))
    _print_run(run)


def _rate(text: str):
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(text)
    except InvalidOperation:
        fail(f"{text!r} is not a rate like 0.01")


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
@ICB
@POPULATION_YEAR
@click.option(
    "--total",
    help="National total to share, e.g. £100,000,000,000.00 (default: "
    "the sum of the published recurrent allocations for the year, if loaded).",
)
def allocation_explain(icb_code: str, year: str, total: str | None) -> None:
    """Trace an ICB's fair share: population, each weighted component, share, target."""
    setup_django()
    from openics.allocation.selectors import national_fair_shares, published_total

    amount = _money_option(total) if total else published_total(year)
    if amount is None:
        fail(f"give --total: no published allocations for {year} are loaded")
    icb = organisation(icb_code)
    rows = {r.icb.pk: r for r in national_fair_shares(year, amount)}
    if icb.pk not in rows:
        fail(f"no populations for {icb.name} in {year}")
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
            f"published {year} recurrent allocation: {_thousands(r.published.recurrent_k)}; "
            f"distance from this target: {r.distance:.2%}"
        )


def _thousands(k) -> str:
    """A figure published in £k (a Decimal of thousands), as Money writes it."""
    from openics.kernel.money import Money

    return Money.from_decimal_rounded(k * 1000).format_thousands()


def _money_option(text: str):
    from openics.kernel.money import Money, MoneyError

    with failing_on(MoneyError):
        return Money.parse(text)


@allocation_group.command("pace")
@click.option(
    "--baseline-year",
    type=YEAR,
    required=True,
    help="Year whose published allocations are the baselines, e.g. 2024-25.",
)
@click.option(
    "--population-year", type=YEAR, required=True, help="Year of the weighted populations."
)
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
    setup_django()
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
        fail(f"base growth {base_growth!r} is not a number")
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
        fail("no ICB has both a published baseline and populations for those years")
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
@click.option("--year", type=YEAR, required=True, help="Financial year, e.g. 2025-26.")
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
    setup_django()
    from openics.allocation.services import AllocationError, set_total

    try:
        total = set_total(
            financial_year=year,
            line=line,
            amount=_money_option(amount),
            icb=organisation(icb_code) if icb_code else None,
            source=reason,
            actor=cli_actor(),
            reason=reason,
        )
    except AllocationError as exc:
        fail(str(exc))
    click.echo(f"Recorded: {total}")


@allocation_group.command("totals")
def allocation_totals() -> None:
    """List every recorded total, years side by side."""
    setup_django()
    from openics.allocation.selectors import totals_by_year

    rows = list(totals_by_year())
    if not rows:
        fail("no totals recorded; import allocations or use `openics allocation set-total`")
    for total in rows:
        scope = total.icb.name if total.icb_id else "England"
        click.echo(
            f"{scope:<45}{total.line:<22}{total.financial_year:<9}"
            f"{total.amount.format():>26}  {total.source}"
        )


# -- fair shares as tables (the place-based tool's job) -------------------------------------
# `openics allocation national` and `openics allocation shares`; `openics allocate national|
# places` is the older name of the same two commands, kept hidden so scripts still run.
@main.group("allocate", hidden=True, deprecated=True)
def allocate_group() -> None:
    """The older name of `openics allocation national` and `openics allocation shares`."""


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
    fail(str(exc))


@allocate_group.command("national")
@POPULATION_YEAR
@click.option(
    "--totals",
    type=FILE,
    help="CSV of scope,line,amount: ENGLAND totals and, optionally, each ICB's actual allocation.",
)
@_FORMAT
@_OUT
def allocate_national(year, totals, fmt, out) -> None:
    """Each ICB's weighted population and target share per line (and target, distance)."""
    setup_django()
    from openics.allocation.tool import ToolError, national_rows, read_totals
    from openics.organisations.models import Organisation

    try:
        parsed = None
        if totals:
            codes = set(Organisation.objects.filter(kind="icb").values_list("code", flat=True))
            parsed = read_totals(totals.read_bytes(), totals.name, codes)
        rows = national_rows(financial_year(year), parsed)
    except ToolError as exc:
        _tool_failed(exc)
    _emit(rows, fmt, out)


@allocate_group.command("places")
@ICB
@POPULATION_YEAR
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
    setup_django()
    from openics.allocation.tool import ToolError, place_rows

    icb = organisation(icb_code)
    mapping, source, how = None, "", by
    if by not in ("lad", "pcn"):
        path = Path(by)
        if not path.is_file():
            fail(f"--by takes lad, pcn or a mapping file; {by!r} is none of those")
        mapping, source, how = path.read_bytes(), path.name, "file"
    try:
        rows = place_rows(icb, financial_year(year), how, mapping, source)
    except ToolError as exc:
        _tool_failed(exc)
    _emit(rows, fmt, out)


allocation_group.add_command(allocate_national, "national")
allocation_group.add_command(allocate_places, "shares")
