"""Setting up, serving and checking an installation: migrate, demo, serve, check."""

from __future__ import annotations

import os
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

    _demonstration_key()

    steps = [("Migrating the database", _migrate), *DEMO_STEPS]
    if not no_serve:
        steps.append(("Collecting static files", _collectstatic))
    with click.progressbar(
        steps, label="Setting up OpenICS", item_show_func=lambda s: s[0] if s else ""
    ) as bar:
        for _label, step in bar:
            step()
    click.echo("Demonstration data loaded.")
    _print_demo_accounts(host, port)
    if not no_serve:
        _serve(host, port, demonstration=True)


def _print_demo_accounts(host: str, port: int) -> None:
    """The demonstration's accounts, one per role, with this run's passwords (demo only)."""
    from openics.demo import DEMO_PEOPLE, demo_password

    click.echo(f"Sign in to the staff workspace at http://{host}:{port}/sign-in/ as:")
    for username, role, scope in DEMO_PEOPLE:
        where = f"for {scope}" if scope else "for every organisation"
        click.echo(f"  {username:<22} {demo_password(username):<19} {role.label} {where}")
    click.echo(
        "These passwords are for the demonstration only: they come from the secret key, "
        "which for the demonstration is public."
    )


def _demonstration_key() -> None:
    """The demonstration signs its checkpoints with a key of its own under var/, made the
    first time (a deployment names its key in OPENICS_CHECKPOINT_KEY)."""
    from django.conf import settings

    from openics.core import signing

    if signing.key_path() is not None:
        return
    path = Path(settings.VAR_DIR) / "checkpoint-key.pem"
    if not path.exists():
        signing.create_key(path)
        click.echo(f"Made a checkpoint signing key for the demonstration: {path}")
    os.environ[signing.KEY_VARIABLE] = str(path)


def _serve(
    host: str,
    port: int,
    *,
    demonstration: bool = False,
    workers: int = 1,
    threads: int = 4,
    worker: bool = True,
) -> None:
    """Serves with waitress (one process) or, for several workers, granian; outside the
    demonstration, refuses an unsafe configuration."""
    from openics.config.deployment import refusals

    problems = [] if demonstration else refusals()
    if problems:
        fail("refusing to serve: " + "; ".join(problems))
    if demonstration:
        os.environ["OPENICS_DEMO"] = "1"  # the WSGI application checks it too
    from openics.config.wsgi import application

    if worker:
        from openics.cli.tasks import start_in_thread

        if start_in_thread() is not None:
            click.echo("A background worker runs uploads beside the server (ADR 0022).")
    if workers > 1:
        from django.db import connections

        connections.close_all()  # each worker opens its own
        click.secho(
            f"OpenICS is serving at http://{host}:{port}/ with {workers} worker processes "
            f"of {threads} threads (press Ctrl+C to stop)",
            fg="green",
        )
        _granian(host=host, port=port, workers=workers, threads=threads).serve()
        return
    from waitress import serve as waitress_serve

    click.secho(f"OpenICS is serving at http://{host}:{port}/ (press Ctrl+C to stop)", fg="green")
    waitress_serve(application, host=host, port=port, threads=threads, _quiet=True)


def _default_workers() -> int:
    return min((os.cpu_count() or 1) + 1, 9)


def _granian(*, host: str, port: int, workers: int, threads: int):
    """granian (HTTP handled in Rust, the application in Python): each worker process loads
    the WSGI application itself; no access log, since it would record people's addresses."""
    from granian import Granian
    from granian.constants import Interfaces

    return Granian(
        "openics.config.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        log_access=False,
        respawn_failed_workers=True,
    )


@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to serve on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, help="Port to serve on.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Worker processes (granian); default one per CPU core plus one. 1 serves with "
    "waitress in one process.",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Threads per worker.",
)
@click.option(
    "--no-worker",
    is_flag=True,
    help="Do not start the background worker here (run `openics worker` instead).",
)
def serve(host: str, port: int, workers: int | None, threads: int, no_worker: bool) -> None:
    """Serve the web portal, the read API and the workspace, with a background worker for
    uploads (a deployment sets OPENICS_SECRET_KEY; the demonstration on one machine sets
    OPENICS_DEMO=1 instead)."""
    setup_django()
    from openics.config.deployment import refusals

    problems = refusals()
    if problems:
        fail("refusing to serve: " + "; ".join(problems))
    _collectstatic()
    _serve(host, port, workers=workers or _default_workers(), threads=threads, worker=not no_worker)


@main.command()
@click.option(
    "--on",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Check the record as it stood on this day (YYYY-MM-DD; default today).",
)
@click.option(
    "--deploy",
    is_flag=True,
    help="Also run Django's deployment checks and refuse what a deployment must not run with.",
)
def check(on, deploy: bool) -> None:
    """Check the installation and the record against the rules; exit 1 on any problem."""
    setup_django()
    from openics.core.checks import run_checks

    results = list(run_checks(on.date() if on else None))
    if deploy:
        results = _deployment_results() + results
    problems = 0
    for result in results:
        colour = "green" if result.ok else "red"
        click.secho(f"[{'ok' if result.ok else 'FAIL'}] {result.name}: {result.detail}", fg=colour)
        problems += not result.ok
    if problems:
        fail(f"{problems} check(s) failed")
    click.echo("All checks passed.")


def _deployment_results():
    """Django's deployment checks, each warning its own failure, and our own refusals."""
    from django.core import checks

    from openics.config.deployment import refusals
    from openics.core.checks import CheckResult

    found = [
        CheckResult(f"Deployment: {m.id}", False, m.msg + (f" ({m.hint})" if m.hint else ""))
        for m in checks.run_checks(include_deployment_checks=True)
        if m.level >= checks.WARNING
    ]
    found += [CheckResult("Deployment: OpenICS", False, problem) for problem in refusals()]
    return found or [CheckResult("Deployment", True, "Django's deployment checks pass")]
