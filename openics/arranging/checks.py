"""Arranging's part of `openics check`: what the boards did agrees with the decision records."""

from __future__ import annotations

from datetime import date

from openics.core.checks import CheckResult, register


@register("arranging", order=60)
def conflicts_in_decision_records(on: date) -> list[CheckResult]:
    """A member recused at the board from a provider selection item must be in that
    decision's record of conflicts (SI 2023/1348 reg 24)."""
    from openics.arranging.models import SelectionDecision
    from openics.governance.models import Recusal

    missing = []
    taken = SelectionDecision.objects.filter(agenda_item__isnull=False)
    recusals = Recusal.objects.filter(item__selection_decisions__in=taken).select_related(
        "membership__person"
    )
    decisions = {d.agenda_item_id: d for d in taken}
    for recusal in recusals:
        decision = decisions[recusal.item_id]
        name = recusal.membership.person.name
        if not any(str(c.get("person", "")).startswith(name) for c in decision.conflicts):
            missing.append(
                f"{name} stepped out of {decision.reference} at the board, but the "
                "decision record does not list the conflict (SI 2023/1348 reg 24)"
            )
    return [
        CheckResult(
            "Conflicts in decision records",
            not missing,
            "; ".join(missing)
            or f"every one of {recusals.count()} board recusal(s) on a "
            "provider selection decision is in its decision record",
        )
    ]


@register("arranging.annual-summary", order=61)
def annual_summaries(on: date) -> list[CheckResult]:
    """Each authority's provider selection summary (PSR reg 25) for every year it awarded in,
    worked out from the record up to the day checked."""
    from openics.arranging import selectors
    from openics.arranging.models import SelectionDecision
    from openics.kernel.years import FinancialYear

    results = []
    for commissioner in selectors.annual_summary_commissioners():
        days = SelectionDecision.objects.filter(
            commissioner=commissioner, awarded_on__isnull=False, awarded_on__lte=on
        ).values_list("awarded_on", flat=True)
        years = sorted({FinancialYear.containing(day) for day in days})
        for year in years:
            found = selectors.annual_summary(commissioner, year)
            name = f"PSR annual summary: {commissioner.code or commissioner.name} {year.label}"
            if found.summary is None:
                results.append(CheckResult(name, True, f"no annual summary covers {year.label}"))
                continue
            awarded = ", ".join(
                f"{value} by {item.removeprefix('contracts awarded by ')}"
                for item, value in found.rows
                if item.startswith("contracts awarded by ") and value != "0"
            )
            state = "the year is over" if year.last_day < on else "the year is still running"
            detail = (
                f"{found.entries} decision(s) and change(s) from {found.summary.period_from} to "
                f"{found.summary.period_to}: {awarded or 'no awards'}; "
                f"{found.summary.representations} representation(s); {state}"
                + (" (illustrative)" if found.illustrative else "")
            )
            if found.problems:
                detail = "; ".join(found.problems)
            results.append(CheckResult(name, not found.problems, detail))
    return results


@register("arranging.regard", order=62)
def regard_in_decision_records(on: date) -> list[CheckResult]:
    """Decisions that record no regard to the integrated care strategy or the triple aim."""
    from openics.arranging.facts import regard_flags
    from openics.arranging.models import SelectionDecision

    flagged = []
    decisions = SelectionDecision.objects.filter(decided_on__lte=on).select_related("commissioner")
    for decision in decisions.order_by("decided_on", "reference"):
        flags = regard_flags(decision)
        if flags:
            flagged.append(
                f"{decision.reference}: {flags[0]}"
                + (f" (+{len(flags) - 1})" if len(flags) > 1 else "")
            )
    return [
        CheckResult(
            "Regard in decision records",
            not flagged,
            "; ".join(flagged[:5])
            + (f"; … and {len(flagged) - 5} more" if len(flagged) > 5 else "")
            if flagged
            else f"every one of {decisions.count()} decision(s) records how it had regard to the "
            "strategy and the triple aim, where the law in force asks",
        )
    ]
