"""The rules as code: `openics regimes list|show|evaluate|explain`."""

from __future__ import annotations

import click

from openics.cli.runtime import fail, main, parse_day


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
        fail(str(exc))
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


@regimes.command("evaluate")
@click.argument("rule_id")
@click.option("--regime", "regime_id", required=True, help="The regime to ask, e.g. hca-2022.")
@click.option("--on", "on", required=True, help="The day to ask about (YYYY-MM-DD).")
@click.option(
    "--facts",
    "facts_file",
    required=True,
    type=click.File("r", encoding="utf-8"),
    help="The facts as JSON: a file, or - for standard input (`regimes explain` lists them).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def regimes_evaluate(rule_id: str, regime_id: str, on: str, facts_file, fmt: str) -> None:
    """Ask one rule of one regime a question: allowed or not, with every reason and citation.

    Exits 0 when the rule allows it, 2 when it does not, and 1 when the question cannot be
    asked (an unknown rule, regime or fact)."""
    import json
    import sys

    from openics.regimes import RegimeError, evaluate_rule

    day = parse_day(on)
    try:
        facts = json.load(facts_file)
    except json.JSONDecodeError as exc:
        fail(f"the facts are not JSON: {exc}")
    if not isinstance(facts, dict):
        fail("the facts must be a JSON object, one entry per fact the rule reads")
    try:
        result = evaluate_rule(regime_id, rule_id, day, facts)
    except (RegimeError, ValueError) as exc:
        fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        _print_result(result)
    sys.exit(0 if result["allowed"] else 2)


def _print_result(result: dict) -> None:
    verdict = "allowed" if result["allowed"] else "NOT allowed"
    click.secho(
        f"{result['rule_id']} under {result['regime_id']} (version {result['regime_version']}) "
        f"on {result['on']}: {verdict}",
        bold=True,
        fg="green" if result["allowed"] else "red",
    )
    for v in result["violations"]:
        click.echo(f"  - {v['explanation']}")
        if v["citation"]:
            click.echo(f"    [{v['rule_id']}] {_cited(v['citation'])}")
    for note in result["notes"]:
        click.echo(f"  note: {note}")
    if result["parameters"]:
        click.echo("Parameters used:")
        for p in result["parameters"]:
            click.echo(f"  {p['name']} (from {p['applies_from']}): {_plain(p['value'])}")
            if p["citation"]:
                click.echo(f"    {_cited(p['citation'])}")


def _cited(citation: dict) -> str:
    mark = citation.get("confidence", "C")
    return citation["source"] + ("" if mark == "C" else f" [{mark}]")


@regimes.command("explain")
@click.argument("rule_id")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def regimes_explain(rule_id: str, fmt: str) -> None:
    """What a rule reads: each fact with its type and meaning, an example, and its regimes."""
    import json

    from openics.regimes import RegimeError, explain_rule

    try:
        found = explain_rule(rule_id)
    except RegimeError as exc:
        fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    click.secho(f"{found['rule_id']}: {found['title']}", bold=True)
    if found["summary"]:
        click.echo(found["summary"])
    click.echo("Facts:")
    _print_facts(found["facts"], indent=2)
    click.echo("Example (use with `openics regimes evaluate … --facts FILE`):")
    click.echo(json.dumps(found["example"], indent=2, ensure_ascii=False))
    click.echo("In the regimes:")
    for r in found["regimes"]:
        click.echo(f"  {r['regime_id']} (version {r['regime_version']}): {_cited(r['citation'])}")


def _print_facts(facts: list[dict], indent: int) -> None:
    pad = " " * indent
    for fact in facts:
        needed = "" if fact.get("required", True) else " (optional)"
        click.echo(f"{pad}{fact['name']}: {fact['type']}{needed} — {fact['meaning']}")
        if fact.get("fields"):
            _print_facts(fact["fields"], indent + 4)


@regimes.command("compare")
@click.option("--system", "code", required=True, help="The ICB's ODS code, e.g. QUA.")
@click.option("--on", "on", default=None, help="The day (YYYY-MM-DD); today by default.")
@click.option("--regimes", "ids", default="", help="Regime ids, comma-separated; all by default.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True
)
def regimes_compare(code: str, on: str | None, ids: str, fmt: str) -> None:
    """Judge one whole system under each regime: what would not be allowed or would not
    exist (counted, in pounds), what would be required and is missing, what cannot be told."""
    import json
    import sys

    from openics.cli.runtime import organisation, setup_django

    setup_django()
    from decimal import Decimal

    from openics.arranging.whole_system import compare
    from openics.kernel import spreadsheets
    from openics.kernel.money import Money
    from openics.regimes import RegimeError
    from openics.regimes.judgement import VERDICTS, comparison_rows

    def money(text: str) -> str:
        return Money.from_pounds(Decimal(text)).format()

    day = parse_day(on)
    icb = organisation(code, kind="icb")
    try:
        data = compare(icb.code, day, [i.strip() for i in ids.split(",") if i.strip()])
    except RegimeError as exc:
        fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if fmt == "csv":
        spreadsheets.writer(sys.stdout).writerows(comparison_rows(data))
        return
    click.secho(f"{data['system']['name']} ({data['system']['code']}) on {data['on']}", bold=True)
    for line in data["provenance"]:
        click.echo(f"  {line}")
    for r in data["regimes"]:
        s = r["summary"]
        click.echo()
        click.secho(f"{r['title']} ({r['id']}, {r['status']})", bold=True)
        click.echo(
            f"  not allowed: {s['not_allowed']} ({money(s['not_allowed_pounds'])}); "
            f"would not exist: {s['would_not_exist']}; required and missing: {s['missing']}; "
            f"cannot tell: {s['cannot_tell']}"
        )
        for f in r["findings"]:
            pounds = f" [{money(f['pounds'])}]" if f["pounds"] else ""
            click.echo(f"  - {VERDICTS[f['verdict']]}: {f['explanation']}{pounds}")
            if f["citation"]:
                click.echo(f"    [{f['rule_id']}] {f['citation']['text']}")
