"""Setting up, serving and checking an installation: migrate, demo, serve, check."""

from __future__ import annotations

from pathlib import Path

import click

from openics.cli.runtime import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    fail,
    main,
    setup_django,
)


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _collectstatic() -> None:
    from django.conf import settings
    from django.core.management import call_command

    built = Path(settings.BASE_DIR) / "static" / "build" / "openics.css"
    if not built.exists():
        fail(
            "the NHS.UK styles are not built yet. Run `npm ci && npm run build` "
            "(scripts/demo does this for you)."
        )
    call_command("collectstatic", interactive=False, verbosity=0)


@main.command()
def migrate() -> None:
    """Create or update the database tables."""
    setup_django()
    _migrate()
    click.echo("Database is up to date.")


@main.command()
@click.option("--no-serve", is_flag=True, help="Load the demonstration data and exit.")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to serve on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, help="Port to serve on.")
def demo(no_serve: bool, host: str, port: int) -> None:
    """Set up the database, load the demonstration data and serve the portal."""
    setup_django()
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
    setup_django()
    _collectstatic()
    _serve(host, port)


@main.command()
@click.option(
    "--on",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Check the record as it stood on this day (YYYY-MM-DD; default today).",
)
def check(on) -> None:
    """Check the installation and the record against the rules; exit 1 on any problem."""
    setup_django()
    from openics.core.checks import run_checks

    problems = 0
    for result in run_checks(on.date() if on else None):
        colour = "green" if result.ok else "red"
        click.secho(f"[{'ok' if result.ok else 'FAIL'}] {result.name}: {result.detail}", fg=colour)
        problems += not result.ok
    if problems:
        fail(f"{problems} check(s) failed")
    click.echo("All checks passed.")
