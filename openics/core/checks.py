"""What `openics check` looks at: a registry each context adds its checks to.

The installation comes first (Django's own checks, the database, the rulebooks); then each
context's checks of the record against its rules, in the order the contexts flow. A context
registers its checks in its own `checks` module, which is found the way Django finds
`admin` modules: `core` itself knows no context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class _Check:
    order: int
    name: str
    run: Callable[[date], Iterable[CheckResult]]
    needs_database: bool


_CHECKS: dict[str, _Check] = {}


def register(name: str, *, order: int, needs_database: bool = True):
    """Adds a check: a function of the day checked that yields results."""

    def add(function: Callable[[date], Iterable[CheckResult]]):
        _CHECKS[name] = _Check(order, name, function, needs_database)
        return function

    return add


def run_checks(on: date | None = None) -> Iterator[CheckResult]:
    """Every registered check, in order, for the record as it stood on a day (today unless
    given). Checks that read the record are skipped when the database cannot be used."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("checks")
    on = on or date.today()
    database_ok = True
    for check in sorted(_CHECKS.values(), key=lambda c: (c.order, c.name)):
        if check.needs_database and not database_ok:
            continue
        for result in _results_of(check, on):
            if result.name == "Database" and not result.ok:
                database_ok = False
            yield result


def _results_of(check: _Check, on: date) -> list[CheckResult]:
    """A check's results; a check that breaks on what it finds is a failure it reports,
    never the end of the others (a record broken enough to crash a check is a finding)."""
    from contextlib import nullcontext

    from django.db import transaction

    # A failed query must not poison the checks after it (PostgreSQL aborts the transaction).
    guard = transaction.atomic() if check.needs_database else nullcontext()
    try:
        with guard:
            return list(check.run(on))
    except Exception as exc:  # noqa: BLE001 — any error of a check is reported, not raised
        return [
            CheckResult(
                f"Check {check.name}",
                False,
                f"the check could not finish: {type(exc).__name__}: {exc}",
            )
        ]


@register("django", order=0, needs_database=False)
def _django_system_checks(on: date) -> Iterator[CheckResult]:
    from django.core import checks

    messages = [m for m in checks.run_checks() if m.level >= checks.WARNING and not m.is_silenced()]
    if messages:
        yield CheckResult("Django system checks", False, "; ".join(str(m) for m in messages))
    else:
        yield CheckResult("Django system checks", True, "no warnings")


@register("database", order=1, needs_database=False)
def _database(on: date) -> Iterator[CheckResult]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # any driver error means the database cannot be used
        yield CheckResult("Database", False, f"cannot reach the database: {exc}")
        return
    vendor = connection.vendor
    if pending:
        yield CheckResult(
            "Database", False, f"{len(pending)} migration(s) not applied; run `openics migrate`"
        )
    else:
        yield CheckResult("Database", True, f"{vendor}, all migrations applied")


@register("regimes", order=2, needs_database=False)
def _regimes(on: date) -> Iterator[CheckResult]:
    from openics.regimes import RegimeError, all_regimes

    try:
        regimes = all_regimes()
    except RegimeError as exc:
        yield CheckResult("Regimes", False, str(exc))
        return
    uncited = [
        f"{r.id}:{rule.id}"
        for r in regimes
        for rule in r.rules.values()
        if not rule.citation.source
    ]
    if uncited:
        yield CheckResult("Regimes", False, f"rules without a citation: {', '.join(uncited)}")
        return
    rules = sum(len(r.rules) for r in regimes)
    yield CheckResult("Regimes", True, f"{len(regimes)} regimes, {rules} rules, every rule cited")


@register("checkpoints", order=95)
def checkpoints_check(on: date) -> list[CheckResult]:
    """The database's own signed checkpoints, each against the chains recomputed now."""
    from openics.core import checkpoints, signing

    try:
        key = checkpoints.public_key()
    except signing.CheckpointKeyError as exc:
        return [CheckResult("Checkpoints", False, str(exc))]
    lines = checkpoints.stored_lines()
    if not lines:
        said = "none written yet" + ("" if key else "; no signing key is configured")
        return [CheckResult("Checkpoints", True, said)]
    # The record's and the books' own checks recompute the chains from the rows; here the
    # checkpoints are held against the hashes stored with them.
    result = checkpoints.verify_against(lines, source="database", recompute=False)
    problems = result.refused + [f.what for f in result.findings]
    if problems:
        return [CheckResult("Checkpoints", False, problems[0])]
    return [
        CheckResult(
            "Checkpoints",
            True,
            f"{len(lines):,} signed checkpoints, each signed and matching the chains' hashes"
            + ("" if key else "; no signing key is configured, so no new one is written"),
        )
    ]
