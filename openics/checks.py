"""What `openics check` looks at: the installation first, then the record against its rules."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def _django_system_checks() -> CheckResult:
    from django.core import checks

    messages = [m for m in checks.run_checks() if m.level >= checks.WARNING]
    if messages:
        return CheckResult("Django system checks", False, "; ".join(str(m) for m in messages))
    return CheckResult("Django system checks", True, "no warnings")


def _database() -> CheckResult:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # any driver error means the database cannot be used
        return CheckResult("Database", False, f"cannot reach the database: {exc}")
    vendor = connection.vendor
    if pending:
        return CheckResult(
            "Database", False, f"{len(pending)} migration(s) not applied; run `openics migrate`"
        )
    return CheckResult("Database", True, f"{vendor}, all migrations applied")


def _regimes() -> CheckResult:
    from openics.regimes import RegimeError, all_regimes

    try:
        regimes = all_regimes()
    except RegimeError as exc:
        return CheckResult("Regimes", False, str(exc))
    uncited = [
        f"{r.id}:{rule.id}"
        for r in regimes
        for rule in r.rules.values()
        if not rule.citation.source
    ]
    if uncited:
        return CheckResult("Regimes", False, f"rules without a citation: {', '.join(uncited)}")
    rules = sum(len(r.rules) for r in regimes)
    return CheckResult("Regimes", True, f"{len(regimes)} regimes, {rules} rules, every rule cited")


def _registry() -> list[CheckResult]:
    """The registry keeps its own promises: nothing current hangs off a closed body."""
    from django.db.models import Count, Q

    from openics.organisations.lifecycle import holding_fields
    from openics.organisations.models import Organisation, Relationship

    results = []
    dangling = (
        Relationship.objects.current()
        .filter(Q(child__active_to__isnull=False) | Q(parent__active_to__isnull=False))
        .count()
    )
    results.append(
        CheckResult(
            "Registry links",
            dangling == 0,
            "no current link touches a closed body"
            if dangling == 0
            else f"{dangling} current link(s) touch a closed body",
        )
    )
    orphans = []
    for holding in holding_fields():
        n = holding.model._default_manager.filter(
            **{f"{holding.field_name}__active_to__isnull": False}
        )
        if holding.model._meta.label_lower == "population.practicepopulation":
            continue  # the lists of practices that closed stay with them, as history
        if n.exists():
            orphans.append(f"{n.count()} {holding.label}")
    results.append(
        CheckResult(
            "Registry holdings",
            not orphans,
            "nothing is held by a closed body"
            if not orphans
            else "held by closed bodies: " + ", ".join(orphans),
        )
    )
    multi = (
        Relationship.objects.current()
        .filter(kind="within", child__kind="gp_practice", parent__kind="icb")
        .values("child")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    practices = Organisation.objects.current().filter(kind="gp_practice").count()
    results.append(
        CheckResult(
            "Practices",
            multi == 0,
            f"{practices:,} current practices, each in at most one ICB"
            if multi == 0
            else f"{multi} practice(s) are in more than one ICB at once",
        )
    )
    return results


def _ledger() -> list[CheckResult]:
    from openics.ledger import selectors
    from openics.ledger.models import Account, Posting, Purpose

    postings = Posting.objects.count()
    if not postings:
        return [CheckResult("Ledger", True, "no postings yet")]
    problems = selectors.recompute_check()
    results = [
        CheckResult(
            "Ledger",
            not problems,
            "; ".join(problems[:5])
            if problems
            else f"{postings:,} postings; every transaction balances and every balance and "
            "flow total agrees with its postings",
        )
    ]
    years = sorted(set(Posting.objects.values_list("financial_year", flat=True).distinct()))
    icbs = {
        a.organisation
        for a in Account.objects.filter(purpose=Purpose.ALLOCATION).select_related("organisation")
    }
    for icb in sorted(icbs, key=lambda o: o.code):
        for year in years:
            balance = selectors.icb_balance(icb, year)
            results.append(
                CheckResult(
                    f"Break-even: {icb.code} {year}",
                    balance.breaks_even,
                    "; ".join(balance.duty)
                    or f"received {balance.received}, spent {balance.spent}",
                )
            )
    return results


def _governance(on=None) -> list[CheckResult]:
    """Each board against its constitution under every regime (only the law in force can
    fail), the register of interests, board recusals against decision records, the chain."""
    from datetime import date

    from openics.governance import checks
    from openics.governance.models import Board, Recusal

    on = on or date.today()
    results = []
    boards = Board.objects.filter(established_on__lte=on).exclude(dissolved_on__lt=on)
    for board in boards.order_by("name"):
        for c in checks.constitution(board, on):
            name = f"Constitution: {board.name} under {c.regime_id}"
            if not c.applies:
                results.append(CheckResult(name, True, c.note))
            elif c.in_force:
                detail = "; ".join(c.breaches) or "meets its constitution" + (
                    f" ({c.note})" if c.note else ""
                )
                results.append(CheckResult(name, c.ok, detail))
            else:
                detail = (
                    "would fall short: " + "; ".join(c.breaches)
                    if c.breaches
                    else "would also meet it"
                )
                results.append(CheckResult(name, True, f"not in force on {on}; {detail}"))
    owed = [o for o in checks.declarations_owed(on) if o.overdue]
    results.append(
        CheckResult(
            "Register of interests",
            not owed,
            "no declaration is overdue"
            if not owed
            else "; ".join(
                f"{o.person.name}: {d.what} was due by {d.due_by}" for o in owed for d in o.overdue
            ),
        )
    )
    missing = []
    recusals = Recusal.objects.filter(item__selection_decision__isnull=False).select_related(
        "item__selection_decision", "membership__person"
    )
    for recusal in recusals:
        decision = recusal.item.selection_decision
        name = recusal.membership.person.name
        if not any(str(c.get("person", "")).startswith(name) for c in decision.conflicts):
            missing.append(f"{name} stepped out of {decision.reference} at the board, but the "
                           "decision record does not list the conflict (SI 2023/1348 reg 24)")
    results.append(
        CheckResult(
            "Conflicts in decision records",
            not missing,
            "; ".join(missing) or f"every one of {recusals.count()} board recusal(s) on a "
            "provider selection decision is in its decision record",
        )
    )
    chain = checks.chain()
    results.append(
        CheckResult(
            "Record of decisions",
            chain.intact,
            f"the hash chain of {chain.entries} entries is intact" if chain.intact else
            chain.problem,
        )
    )
    return results


def run_checks() -> Iterator[CheckResult]:
    yield _django_system_checks()
    database = _database()
    yield database
    yield _regimes()
    if database.ok:
        yield from _registry()
        yield from _ledger()
        yield from _governance()
