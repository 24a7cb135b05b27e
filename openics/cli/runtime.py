"""What every command shares: the `openics` group, starting Django, failing clearly, the
actor a command is recorded as, and the options and lookups the commands have in common."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def setup_django() -> None:
    """Starts Django once, with the project settings unless the environment names others."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openics.config.settings")
    import django

    django.setup()


def fail(message: str):
    """Stops the command with a message on stderr and exit status 1; nothing is written."""
    raise click.ClickException(message)


@contextmanager
def failing_on(*errors: type[Exception]):
    """Turns any of `errors` raised inside into a clear failure, with the error's message."""
    try:
        yield
    except errors as exc:
        fail(str(exc))


def refused(exc) -> None:
    """Fails with each reason a service gave for refusing (a Refused or a domain error
    carrying `reasons`), saying nothing was changed."""
    for reason in exc.reasons:
        click.secho(f"  - {reason}", fg="red", err=True)
    fail("refused; nothing was changed")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="openics")
def main() -> None:
    """OpenICS: run an NHS integrated care system in the open.

    Follow its money, check its rules. Data lives in var/openics.sqlite3 unless
    DATABASE_URL points at PostgreSQL.
    """


@main.group("import")
def import_group() -> None:
    """Import public data files. All or nothing: a file with a bad row writes nothing."""


FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


class FinancialYearType(click.ParamType):
    """A financial year as people write it (2025-26 or 2025/26), given to the command as
    stored (2025/26); anything else is a usage error naming the text."""

    name = "year"

    def convert(self, value, param, ctx):
        from openics.kernel.years import FinancialYear

        try:
            return FinancialYear.parse(value).label
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


YEAR = FinancialYearType()
ICB = click.option("--icb", "icb_code", required=True, help="ICB ODS code, e.g. QUA.")
POPULATION_YEAR = click.option(
    "--year", type=YEAR, required=True, help="Financial year of the populations, e.g. 2025-26."
)
REASON = click.option("--reason", help="Why you are importing (kept in the audit log).")
WHY = click.option("--reason", required=True, help="Why (kept in the audit log).")
ON = click.option(
    "--on",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    help="The day the change takes effect (YYYY-MM-DD).",
)


def cli_actor():
    """Commands are recorded in the audit log as a named process with the OS user."""
    import getpass
    import re

    from openics.core.audit import Actor

    user = re.sub(r"[^a-z0-9_.-]", "-", getpass.getuser().lower()) or "unknown"
    return Actor.process(f"cli:{user}")


def run_import(label: str, function, path: Path, reason: str | None, **kwargs) -> None:
    """Reads a file and hands it to an importer; a rejected file prints every bad line."""
    from openics.core.imports import ImportRejected

    data = path.read_bytes()
    steps = ["read", "apply"]
    try:
        with click.progressbar(steps, label=f"Importing {label} from {path.name}") as bar:
            for step in bar:
                if step == "apply":
                    report = function(
                        data,
                        source_name=path.name,
                        actor=cli_actor(),
                        reason=reason or f"import of {label} from {path.name}",
                        **kwargs,
                    )
    except ImportRejected as exc:
        click.secho(exc.report(limit=200), fg="red", err=True)
        sys.exit(1)
    click.echo(report.summary())
    for note in report.notes:
        click.echo(f"  note: {note}")
    for reported in getattr(report, "reported", ()):
        click.echo(f"  not imported: {reported}")


def file_import(name: str, label: str, importer: str):
    """Makes the decorated function `openics import NAME FILE [--reason]`, its docstring the
    command's help: the file is handed by run_import to `importer`, a dotted path imported
    once Django is set up."""

    def decorate(described) -> click.Command:
        @import_group.command(name, help=described.__doc__)
        @click.argument("file", type=FILE)
        @REASON
        def command(file: Path, reason: str | None) -> None:
            import importlib

            setup_django()
            module, function = importer.rsplit(".", 1)
            run_import(label, getattr(importlib.import_module(module), function), file, reason)

        return command

    return decorate


def organisation(code: str, *, kind: str | None = None):
    """The one body a code names, or a clear failure."""
    from openics.organisations.selectors import OrganisationNotFound, organisation_by_code

    with failing_on(OrganisationNotFound):
        return organisation_by_code(code, kind=kind)


def financial_year(text: str) -> str:
    """A financial year as people write it (2025-26 or 2025/26), stored as 2025/26."""
    from openics.kernel.years import FinancialYear

    with failing_on(ValueError):
        return FinancialYear.parse(text).label


def parse_day(text: str | None) -> date:
    """A day written YYYY-MM-DD, or today when none is given."""
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-04-01")
