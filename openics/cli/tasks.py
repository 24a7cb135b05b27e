"""The background worker (ADR 0022): `openics worker` runs one alone, and `openics serve` (and
the demonstration) starts one in a thread beside the web server. Tasks are queued in the
database by django-tasks-db, so the worker needs nothing but the database."""

from __future__ import annotations

import logging
import threading
import time

import click

from openics.cli.runtime import fail, main, setup_django

log = logging.getLogger("openics.worker")


def _queue_is_the_database() -> bool:
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)


def make_worker(*, batch: bool = False, max_tasks: int | None = None, interval: float = 1.0):
    """django-tasks-db's worker for the default queue, with an id that names OpenICS."""
    from django.utils.crypto import get_random_string
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["default"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=f"openics-{get_random_string(16)}",
        excluded_queue_names=[],
    )


def start_in_thread() -> threading.Thread | None:
    """A worker in a daemon thread of this process (it stops with the server). Returns None
    when tasks do not go through the database (then they run as they are queued)."""
    if not _queue_is_the_database():
        return None

    def run() -> None:
        while True:
            try:
                make_worker().run()
                return
            except Exception:  # a lost database connection: log it and start again
                log.exception("the background worker stopped; starting it again in 5 seconds")
                time.sleep(5)

    thread = threading.Thread(target=run, name="openics-worker", daemon=True)
    thread.start()
    return thread


@main.command()
@click.option("--once", is_flag=True, help="Run the tasks waiting now, then exit.")
@click.option(
    "--max-tasks", type=click.IntRange(1, 1_000_000), help="Exit after running this many tasks."
)
@click.option(
    "--interval",
    type=click.FloatRange(0.1, 60),
    default=1.0,
    show_default=True,
    help="Seconds to wait between looks at an empty queue.",
)
def worker(once: bool, max_tasks: int | None, interval: float) -> None:
    """Run the background tasks (uploads checked and applied) on their own, without serving;
    start it with `openics serve --no-worker` elsewhere."""
    setup_django()
    if not _queue_is_the_database():
        fail("tasks are not queued in the database here (TASKS), so there is nothing to run")
    runner = make_worker(batch=once, max_tasks=max_tasks, interval=interval)
    if threading.current_thread() is threading.main_thread():
        runner.configure_signals()
    click.echo("OpenICS worker: running background tasks" + (" waiting now" if once else ""))
    runner.run()
    if once or max_tasks:
        click.echo("OpenICS worker: done")
