"""`openics verify` and `openics checkpoint`: the hash chains of the record of decisions and
the books, and their signed checkpoints."""

from __future__ import annotations

from pathlib import Path

import click

from openics.cli.runtime import cli_actor, fail, setup_django

_UNITS = {"record": ("entry", "entries"), "ledger": ("seal", "seals")}


def _first(finding) -> str:
    unit = _UNITS.get(finding.chain, ("link", "links"))[0]
    if finding.position:
        return f"{unit.capitalize()} {finding.position} is the first that does not verify."
    return "The rows do not match their other copies."


@click.command("verify")
@click.option(
    "--against",
    "against",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A checkpoint log downloaded earlier (JSON lines): prove nothing before it changed.",
)
@click.option(
    "--export-checkpoints",
    "export",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the installation's checkpoint log (JSON lines) to this file.",
)
def verify(against: Path | None, export: Path | None) -> None:
    """Recompute every hash chain (the record of decisions, the books' postings) from its
    rows; compare the record with the minutes, the powers, the notices and the audit log;
    check the signed checkpoints. Exit 1 on any difference, naming the first."""
    setup_django()
    from openics.core import chains, checkpoints

    if export is not None:
        with export.open("w", encoding="utf-8") as out:
            n = checkpoints.export(checkpoints.log_lines(), out)
        click.echo(f"Wrote {n} checkpoint(s) to {export}.")
    problems = 0
    for chain in chains.chains():
        found = chain.recompute(set())
        findings = found.findings + chain.witnesses()
        singular, plural = _UNITS.get(chain.name, ("link", "links"))
        if findings:
            problems += len(findings)
            click.secho(f"{chain.title}: {_first(findings[0])}", fg="red")
            for finding in findings:
                click.secho(f"  - {finding.what}", fg="red")
            continue
        extra = chain.head().extra
        covers = f" ({extra['postings']:,} postings)" if "postings" in extra else ""
        noun = singular if found.length == 1 else plural
        if chain.name == "record":
            click.echo(f"The record of decisions is intact: {found.length} {noun} verified.")
        else:
            click.echo(f"{chain.title} are intact: {found.length:,} {noun}{covers} verified.")
    problems += _checked(checkpoints.stored_lines(), "database", "the database's own checkpoints")
    if against is not None:
        lines, refused = checkpoints.parse_log(against.read_text(encoding="utf-8"))
        if refused:
            for why in refused:
                click.secho(f"  - {why}", fg="red")
            fail(f"{against} is not a checkpoint log; nothing was compared")
        if not lines:
            fail(f"{against} holds no checkpoints")
        problems += _checked(lines, str(against), f"the {len(lines)} checkpoint(s) of {against}")
    if problems:
        fail(f"{problems} difference(s) found")


def _checked(lines: list[dict], source: str, label: str) -> int:
    from openics.core import checkpoints

    if not lines:
        click.echo("No checkpoint has been written yet.")
        return 0
    result = checkpoints.verify_against(lines, source=source)
    if result.refused:
        click.secho(f"Refused {label}:", fg="red")
        for why in result.refused:
            click.secho(f"  - {why}", fg="red")
        return len(result.refused)
    if result.findings:
        click.secho(f"Against {label}:", fg="red")
        for finding in result.findings:
            click.secho(f"  - {finding.what}", fg="red")
        return len(result.findings)
    last = max(lines, key=lambda line: line["sequence"])
    keys = ", ".join(sorted(result.keys))
    click.echo(
        f"Every chain matches {label} (signed by {keys}), to checkpoint {last['sequence']} "
        f"of {last['made_at']}."
    )
    return 0


@click.command("checkpoint")
@click.option("--occasion", default="daily", show_default=True, help="Why it is written.")
def checkpoint(occasion: str) -> None:
    """Write a signed checkpoint of every hash chain now (run daily, from cron)."""
    setup_django()
    from openics.core.audit import Refused
    from openics.core.services import write_checkpoint

    try:
        made = write_checkpoint(
            occasion=occasion, actor=cli_actor(), reason=f"{occasion} checkpoint"
        )
    except Refused as exc:
        fail("; ".join(exc.reasons))
    heads = ", ".join(
        f"{name} {head['length']} at {head['head'][:16]}…"
        for name, head in sorted(made.heads.items())
    )
    click.echo(f"Checkpoint {made.sequence} signed by key {made.key_id}: {heads}.")
