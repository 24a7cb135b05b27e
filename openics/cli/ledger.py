"""`openics ledger …` and `openics money …`: the books from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from openics.cli.runtime import YEAR, cli_actor, fail, financial_year, organisation, setup_django


@click.group("ledger")
def ledger_group() -> None:
    """The books: balances, exports and bulk payments."""


@ledger_group.command("balance")
@click.option("--icb", "code", required=True, help="ICB code, e.g. QUA.")
@click.option("--year", type=YEAR, required=True, help="Financial year, e.g. 2025-26.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def balance(code: str, year: str, fmt: str) -> None:
    """The ICB's duty to break even, its providers' surplus or deficit, and the system's."""
    setup_django()
    from openics.ledger.selectors import icb_balance

    result = icb_balance(organisation(code), financial_year(year))
    if fmt == "json":
        click.echo(json.dumps(result.as_data(), indent=2))
        return
    click.echo(f"{result.icb.name} ({result.icb.code}), {result.year}")
    if not result.has_books:
        click.echo(
            f"  There are no books for {result.year}: OpenICS holds no transaction of this "
            "body in that year, so whether it breaks even cannot be judged."
        )
        return
    click.echo(f"  Figures: {result.provenance.label}. {result.provenance.sentence()}")
    rows = [
        ("Received (allocations and grants)", result.received),
        ("Spent (paid to providers and pools)", result.spent),
        ("Surplus (deficit if negative)", result.surplus),
        ("Committed to contracts, not yet paid", result.committed_unpaid),
        ("Budget not yet committed", result.unspent),
    ]
    for label, amount in rows:
        click.echo(f"  {label:<40} {amount!s:>22}")
    verdict = "meets" if result.breaks_even else "BREAKS"
    click.echo(f"  Duty to break even: {verdict} it ({result.duty_source})")
    for breach in result.duty:
        click.secho(f"    {breach}", fg="red")
    if result.providers:
        click.echo("  NHS providers holding its contracts (income − expenditure in the year):")
        for p in result.providers:
            click.echo(f"    {p.organisation.name:<50} {p.surplus!s:>20}")
        click.echo(f"  System surplus (ICB and these providers): {result.system_surplus}")


@ledger_group.group("export")
def export_group() -> None:
    """Open data from the books."""


@export_group.command("beancount")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_beancount(out: Path) -> None:
    """The whole ledger as a beancount journal (check it with bean-check)."""
    setup_django()
    from openics.ledger.exports import write_beancount

    with out.open("w", encoding="utf-8") as stream:
        counts = write_beancount(stream)
    click.echo(
        f"Wrote {out}: {counts['accounts']:,} accounts, {counts['transactions']:,} "
        f"transactions, {counts['postings']:,} postings"
    )


@export_group.command("spend-over-25k")
@click.option("--body", "code", required=True, help="The paying body's code, e.g. QUA.")
@click.option("--year", type=YEAR, required=True, help="Financial year, e.g. 2025-26.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def export_spend(code: str, year: str, out: Path | None) -> None:
    """HM Treasury's "spend over £25,000" file for one body and year (CSV)."""
    setup_django()
    from openics.core.checkpoints import reference_text
    from openics.ledger.exports import write_spend_over_25k

    body = organisation(code)
    if out is None:
        count = write_spend_over_25k(body, financial_year(year), sys.stdout)
        click.echo(f"{count} payment(s) of £25,000 or more", err=True)
        click.echo(f"At checkpoint {reference_text()}", err=True)
        return
    with out.open("w", encoding="utf-8", newline="") as stream:
        count = write_spend_over_25k(body, financial_year(year), stream)
    click.echo(f"Wrote {out}: {count} payment(s) of £25,000 or more")
    click.echo(f"At checkpoint {reference_text()}")


@ledger_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reason", help="Why (kept in the audit log).")
def import_payments_command(file: Path, reason: str | None) -> None:
    """Payments from a CSV (contract, invoice, date_paid, amount[, element]); all or nothing."""
    setup_django()
    from openics.core.imports import ImportRejected
    from openics.ledger.ingest import import_payments

    data = file.read_bytes()
    lines = max(data.count(b"\n"), 1)
    try:
        with click.progressbar(length=lines, label=f"Checking {file.name}", file=sys.stderr) as bar:
            report = import_payments(
                data,
                source_name=file.name,
                actor=cli_actor(),
                reason=reason or f"payments from {file.name}",
                progress=bar.update,
            )
            bar.update(lines)
    except ImportRejected as exc:
        click.secho(exc.report(limit=500), fg="red", err=True)
        sys.exit(1)
    click.echo(report.summary())


@click.group("money")
def money_group() -> None:
    """Follow the money through the books."""


@money_group.command("trace")
@click.option(
    "--from",
    "start",
    required=True,
    help="nhse, dhsc, icb:CODE, place:NAME, provider:CODE or account:KEY.",
)
@click.option("--year", type=YEAR, required=True, help="Financial year, e.g. 2025-26.")
@click.option(
    "--reverse", is_flag=True, help="Where the money came from, instead of where it went."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def trace_command(start: str, year: str, reverse: bool, fmt: str) -> None:
    """Where the money went (or came from): recipients, sectors, ownership, subcontract depth."""
    setup_django()
    from openics.ledger.selectors import TraceError, follow, resolve_start

    try:
        account = resolve_start(start)
    except TraceError as exc:
        fail(str(exc))
    traced = follow(account, financial_year(year), upstream=reverse)
    if fmt == "json":
        click.echo(json.dumps(traced.as_data(), indent=2))
        return
    direction = "came into" if reverse else "left"
    click.echo(f"{traced.total} {direction} {account.name} in {traced.year}.")
    if traced.provenance:
        click.echo(f"  Figures: {traced.provenance.label}. {traced.provenance.sentence()}")
    if not reverse:
        click.echo(f"  Reached providers and their subcontractors: {traced.reached}")
        click.echo(f"  Still held in budgets and commitments:      {traced.still_held}")
        if traced.kept_by_start:
            click.echo(f"  Kept by {account.name} (never left it):   {traced.kept_by_start}")
        if traced.reconciliation():
            click.echo(f"  {traced.reconciliation()}")
    click.echo("  By organisation (depth 0 = paid by a commissioner, 1 = by a prime provider):")
    for org, amount, depth in traced.by_organisation():
        click.echo(f"    {org.name:<55} {amount!s:>20}  depth {depth}")
    for title, table in (
        ("By sector", traced.by_sector),
        ("By ownership", traced.by_ownership),
        ("By subcontract depth", traced.by_depth),
    ):
        if table:
            click.echo(f"  {title}:")
            for key, amount in table.items():
                click.echo(f"    {key!s:<55} {amount!s:>20}")
    total = sum((d.amount for d in traced.destinations), type(traced.total)(0))
    click.echo(f"  Reconciles: destinations add up to {total} of {traced.total}")


def _report_out(report, fmt: str, title: str) -> None:
    """A report as JSON (as the API gives it) or as its CSV table's lines, with provenance."""
    if fmt == "json":
        click.echo(json.dumps(report.as_data(), indent=2))
        return
    from openics.kernel import spreadsheets

    click.echo(title)
    provenance = getattr(report, "provenance", None)
    if provenance is not None and not (
        provenance.published or provenance.illustrative or provenance.recorded
    ):
        click.echo(f"There are no books for {report.year}: OpenICS holds no transaction then.")
        return
    if provenance is not None:
        click.echo(f"Figures: {provenance.label}. {provenance.sentence()}")
    if hasattr(report, "reconciliation") and report.reconciliation():
        click.echo(report.reconciliation())
    header, rows = report.table()
    out = spreadsheets.writer(sys.stdout)
    out.writerow(header)
    out.writerows(rows)


_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json"]),
    default="csv",
    help="csv: the page's table; json: the API's answer.",
)


@money_group.command("providers")
@click.option("--year", type=YEAR, required=True, help="Financial year, e.g. 2025-26.")
@click.option("--icb", "code", default=None, help="Only the trusts holding this ICB's contracts.")
@_FORMAT
def providers_command(year: str, code: str | None, fmt: str) -> None:
    """NHS providers in surplus or deficit: income, expenditure and surplus, deficits first."""
    setup_django()
    from openics.ledger.reports import provider_results

    report = provider_results(financial_year(year), icb=organisation(code) if code else None)
    _report_out(report, fmt, f"NHS providers in {report.year}: {len(report.in_deficit)} in deficit")


@money_group.command("provider")
@click.argument("code")
@click.option("--year", type=YEAR, required=True, help="Financial year, e.g. 2025-26.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def provider_command(code: str, year: str, fmt: str) -> None:
    """One provider's income, spending and surplus, and what each ICB's trace leaves with it."""
    setup_django()
    from openics.ledger.reports import provider_money

    report = provider_money(organisation(code), financial_year(year))
    if fmt == "json":
        click.echo(json.dumps(report.as_data(), indent=2))
        return
    click.echo(f"{report.organisation.name}, {report.year}")
    click.echo(f"  Figures: {report.provenance.label}. {report.provenance.sentence()}")
    click.echo(f"  Income:  {report.income}")
    click.echo(f"  Spent:   {report.spent}")
    click.echo(f"  Surplus: {report.surplus}")
    for icb, reached in report.traced_from:
        click.echo(f"  Traced from {icb.name}: {reached}")
    click.echo(f"  {report.reconciliation()}")


@money_group.command("subcontracts")
@click.option("--year", type=YEAR, required=True, help="Financial year, e.g. 2025-26.")
@_FORMAT
def subcontracts_command(year: str, fmt: str) -> None:
    """Contracts that let subcontracts and every subcontract under them, by depth, with names."""
    setup_django()
    from openics.ledger.reports import subcontracting

    report = subcontracting(financial_year(year))
    depths = ", ".join(f"depth {d}: {m}" for d, m in report.by_depth().items())
    _report_out(report, fmt, f"Subcontracting in {report.year} ({depths or 'none'})")


@money_group.command("funds")
@click.option("--year", type=YEAR, required=True, help="Financial year, e.g. 2025-26.")
@click.option("--fund", "key", default=None, help="One fund, by its id or name.")
@_FORMAT
def funds_command(year: str, key: str | None, fmt: str) -> None:
    """Ring-fenced and pooled funds: received, spent by purpose, services, refused payments."""
    setup_django()
    from openics.ledger.reports import FundNotFound, find_fund, fund_report, ring_fenced_funds

    if key:
        try:
            fence = find_fund(key)
        except FundNotFound as exc:
            fail(str(exc))
        found = [fund_report(fence, financial_year(year))]
    else:
        found = ring_fenced_funds(financial_year(year))
    if fmt == "json":
        click.echo(json.dumps([f.as_data() for f in found], indent=2))
        return
    if not found:
        click.echo(f"No ring-fenced fund has money in {financial_year(year)}.")
    for f in found:
        _report_out(f, "csv", f"{f.fence.name} ({f.fence.get_kind_display()}), {f.year}")


@money_group.command("places")
@click.option("--icb", "code", required=True, help="ICB code, e.g. QUA.")
@click.option("--year", type=YEAR, required=True, help="Financial year, e.g. 2025-26.")
@_FORMAT
def places_command(code: str, year: str, fmt: str) -> None:
    """Spend by place against need: each place's share of need beside its share of budgets."""
    setup_django()
    from openics.ledger.reports import place_spend

    report = place_spend(organisation(code), financial_year(year))
    _report_out(report, fmt, f"{report.icb.name}: spend by place against need, {report.year}")


@money_group.command("allocations")
@click.option("--icb", "code", required=True, help="ICB code, e.g. QUA.")
@click.option("--year", type=YEAR, required=True, help="Financial year, e.g. 2025-26.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def allocations_command(code: str, year: str, fmt: str) -> None:
    """An ICB's target, allocation, fair share and books' receipts, with the year each is for."""
    setup_django()
    from openics.ledger.reports import allocation_figures

    report = allocation_figures(organisation(code), financial_year(year))
    if fmt == "json":
        click.echo(json.dumps(report.as_data(), indent=2))
        return
    click.echo(f"{report.icb.name}, {report.year}")
    for f in report.figures:
        click.echo(f"  {f.name:<18} {f.amount!s:>22}  for {f.year}  {f.provenance}: {f.source}")
    for f in report.received:
        click.echo(f"  received: {f.amount} for {f.year} ({f.source})")
    click.echo(f"  {report.reconciliation()}")
