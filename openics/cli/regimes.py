"""The rules as code: `openics regimes list|show`."""

from __future__ import annotations

import click

from openics.cli.runtime import (
    fail,
    main,
)


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
