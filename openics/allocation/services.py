"""Writes of allocation: loading published figures, running and approving place shares."""

from __future__ import annotations

import functools
import hashlib
import json

from django.utils import timezone

from openics.allocation import formula, selectors
from openics.allocation.models import (
    AllocationLine,
    AllocationTotal,
    PlaceAllocationRun,
    PublishedAllocation,
    RunStatus,
)
from openics.core.audit import Auditor, Refused, service
from openics.core.changes import change
from openics.core.imports import ImportRejected, ImportReport, create_or_update, record_import
from openics.kernel.money import Money
from openics.kernel.years import FinancialYear
from openics.organisations.importers import unknown_icb_rows
from openics.organisations.models import Organisation
from openics.population.models import WEIGHTED_FIELDS
from openics.regimes.vocabulary import BodyKind
from openics.sources.base import SourceError


class AllocationError(Refused, ValueError):
    """An allocation step was refused; the message says why. Nothing was written but the
    refusal, which the audit log keeps like every other."""


_FIELDS = ("baseline_k", "target_k", "base_growth", "convergence", "recurrent_k")


@service("allocation.import_published")
def _apply_published(*, parsed, source_name: str, sha256: str, audit: Auditor) -> ImportReport:
    icbs = {o.code: o for o in Organisation.objects.filter(kind=BodyKind.ICB.value)}
    report = ImportReport("published-allocations", source_name, parsed.layout, len(parsed.rows))
    existing = {
        (p.icb.code, p.financial_year, p.line): p
        for p in PublishedAllocation.objects.select_related("icb")
    }
    changes = []
    for row in parsed.rows:
        values = {
            "baseline_k": row.baseline_k,
            "target_k": row.target_k,
            "distance_from_target": row.distance,
            "base_growth": row.base_growth,
            "convergence": row.convergence,
            "recurrent_k": row.recurrent_k,
        }
        values = {k: PublishedAllocation._meta.get_field(k).quantize(v) for k, v in values.items()}
        create_or_update(
            existing.get((row.icb_code, row.financial_year, row.line_item)),
            values,
            create=functools.partial(
                PublishedAllocation.objects.create,
                icb=icbs[row.icb_code],
                financial_year=row.financial_year,
                line=row.line_item,
                source_name=source_name,
            ),
            report=report,
            changes=changes,
        )
    audit.record_many(changes)
    _record_published_totals(parsed.rows, source_name, audit)
    record_import(audit, report, sha256)
    return report


def _record_published_totals(rows, source_name: str, audit: Auditor) -> None:
    """England's total per year and line: the sum of the published recurrent allocations."""
    sums: dict = {}
    for row in rows:
        key = (row.financial_year, row.line_item)
        sums[key] = sums.get(key, 0) + row.recurrent_k
    for (year, line), thousands in sorted(sums.items()):
        amount = Money.from_pounds(thousands * 1000)
        current = AllocationTotal.objects.filter(financial_year=year, line=line, icb=None).first()
        if current is not None and current.amount == amount:
            continue
        if current is None:
            total = AllocationTotal.objects.create(
                financial_year=year,
                line=line,
                amount=amount,
                source=f"sum of published recurrent allocations in {source_name}",
            )
            audit.created(total)
        else:
            change(current, audit, amount=amount)


def import_published_allocations(data: bytes, *, source_name: str, actor, reason: str):
    """NHS England's ICB allocations workbook: baselines, targets, growth and allocations."""
    from openics.sources.allocations import parse_allocations_workbook

    try:
        parsed = parse_allocations_workbook(data, source_name)
    except SourceError as exc:
        raise ImportRejected(source_name, message=f"{source_name} was rejected: {exc}") from exc
    errors = parsed.errors + unknown_icb_rows(
        parsed.rows, "{row.sheet}: unknown ICB code {row.icb_code}; import the practice file first"
    )
    if errors:
        raise ImportRejected(source_name, sorted(errors, key=lambda e: e.line))
    return _apply_published(
        parsed=parsed,
        source_name=source_name,
        sha256=hashlib.sha256(data).hexdigest(),
        actor=actor,
        reason=reason,
    )


def _inputs_hash(inputs: list[formula.PlaceInput], budget: Money, component: str) -> str:
    payload = json.dumps(
        {
            "budget_pence": budget.pence,
            "component": component,
            "places": [[p.key, str(p.registered), str(p.weighted), p.practices] for p in inputs],
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@service("allocation.run_place_shares")
def run_place_allocation(
    *,
    icb: Organisation,
    financial_year: str,
    budget: Money,
    line: str = AllocationLine.CORE,
    component: str = "core",
    budget_source: str = "",
    max_step=None,
    audit: Auditor,
) -> PlaceAllocationRun:
    """Shares an ICB's budget for one line between its places by weighted population."""
    if component not in WEIGHTED_FIELDS:
        raise AllocationError(f"no weighted population called {component!r}")
    if budget.pence <= 0:
        raise AllocationError("a budget to share must be more than £0.00")
    inputs = selectors.place_inputs(icb, financial_year, component)
    if not inputs:
        raise AllocationError(f"{icb.name} has no practice populations for {financial_year}")
    shares = formula.place_budgets(budget, inputs)
    paced, paced_from = _paced(icb, line, budget, shares, max_step)
    results = [_result_row(s, paced[s.key]) for s in shares]
    for key in paced.keys() - {s.key for s in shares}:
        # a place that has lost its practices, stepping down under the pace of change
        previous = next(r for r in _approved_results(icb, line) if r["key"] == key)
        results.append(
            {
                **previous,
                "practices": 0,
                "registered": "0",
                "weighted": "0",
                "share": "0",
                "need_index": "0",
                "target_pence": 0,
                "budget_pence": paced[key].pence,
                "per_head_pence": 0,
            }
        )
    if sum(r["budget_pence"] for r in results) != budget.pence:  # nothing lost or made
        raise AllocationError("place budgets do not add up to the budget; nothing was saved")
    run = PlaceAllocationRun.objects.create(
        icb=icb,
        financial_year=financial_year,
        line=line,
        component=component,
        budget=budget,
        inputs_sha256=_inputs_hash(inputs, budget, component),
        parameters={
            "method": "share of weighted population, largest remainder to the penny",
            "component": component,
            "budget_source": budget_source or "entered by the person who ran it",
            "pace": (
                f"at most {max_step} of the budget's share per place towards target, "
                f"from the approved run of {paced_from}"
                if paced_from
                else "straight to target"
            ),
        },
        results=results,
        run_by=str(audit.actor),
    )
    audit.created(run)
    return run


def _result_row(share: formula.PlaceShare, budget: Money) -> dict:
    per_head = (
        Money.from_decimal_rounded(budget.to_decimal() / share.registered)
        if share.registered > 0
        else Money(0)
    )
    return {
        "key": share.key,
        "name": share.name,
        "practices": share.practices,
        "registered": str(share.registered),
        "weighted": str(share.weighted),
        "share": str(share.share),
        "need_index": str(share.need_index),
        "target_pence": share.budget.pence,
        "budget_pence": budget.pence,
        "per_head_pence": per_head.pence,
    }


def _approved_results(icb, line) -> list[dict]:
    current = PlaceAllocationRun.objects.filter(
        icb=icb, line=line, status=RunStatus.APPROVED
    ).first()
    return current.results if current else []


def _paced(icb, line, budget, shares, max_step):
    """Place budgets moved towards target from the approved split, when a pace is asked."""
    targets = {s.key: s.budget for s in shares}
    if max_step is None:
        return targets, None
    current = PlaceAllocationRun.objects.filter(
        icb=icb, line=line, status=RunStatus.APPROVED
    ).first()
    if current is None:
        raise AllocationError("a pace of change needs an approved split to start from")
    budgets = {r["key"]: Money(r["budget_pence"]) for r in current.results}
    return formula.place_pace_of_change(budget, budgets, targets, max_step), (
        f"{current.financial_year} approved {current.approved_at:%Y-%m-%d}"
    )


@service("allocation.approve_place_shares")
def approve_run(*, run: PlaceAllocationRun, audit: Auditor) -> PlaceAllocationRun:
    """Approves a run: its place budgets become the delegation; an earlier one is superseded."""
    user = audit.actor.user
    if user is not None and not user.has_perm("openics.approve_allocation", run.icb):
        raise AllocationError(
            f"{user.get_username()} may not approve allocations for {run.icb.name}"
        )
    if run.status != RunStatus.DRAFT:
        raise AllocationError(f"this run is {run.status}; only a draft can be approved")
    for old in PlaceAllocationRun.objects.filter(
        icb=run.icb, financial_year=run.financial_year, line=run.line, status=RunStatus.APPROVED
    ):
        change(old, audit, status=RunStatus.SUPERSEDED, update_fields=["status", "updated_at"])
    return change(
        run,
        audit,
        status=RunStatus.APPROVED,
        approved_by=str(audit.actor),
        approved_at=timezone.now(),
        update_fields=["status", "approved_by", "approved_at", "updated_at"],
    )


@service("allocation.set_total")
def set_total(
    *,
    financial_year: str,
    line: str,
    amount: Money,
    icb: Organisation | None = None,
    source: str,
    audit: Auditor,
) -> AllocationTotal:
    """Records the total for a year and line (England's, or one ICB's); a change is audited."""
    try:
        financial_year = FinancialYear.parse(financial_year).label
    except ValueError as exc:
        raise AllocationError(str(exc)) from None
    if line not in AllocationLine.values:
        raise AllocationError(
            f"no allocation line {line!r}; known: {', '.join(AllocationLine.values)}"
        )
    if amount.pence <= 0:
        raise AllocationError("a total must be more than £0.00")
    current = AllocationTotal.objects.filter(
        financial_year=financial_year, line=line, icb=icb
    ).first()
    if current is None:
        total = AllocationTotal.objects.create(
            financial_year=financial_year, line=line, icb=icb, amount=amount, source=source
        )
        audit.created(total)
        return total
    return change(current, audit, amount=amount, source=source)
