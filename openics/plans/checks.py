"""Plans' part of `openics check`: each system's joint forward plan, capital resource use
plan and annual report prepared, published and given to those the law names by its
deadline (ss14Z52, 14Z56 and 14Z58), year by year; and the place budgets and board
decisions that record no regard to the integrated care strategy (s116B of the 2007 Act).
Provider selection decisions are judged by their own record in `arranging.regard`."""

from __future__ import annotations

from datetime import date

from openics.core.checks import CheckResult, register


@register("plans", order=65)
def plans(on: date) -> list[CheckResult]:
    from openics.plans import selectors

    results = []
    for icb in selectors.plan_icbs():
        for deadline in selectors.all_deadlines(icb, on):
            label = (
                " (illustrative)" if deadline.document and deadline.document.illustrative else ""
            )
            results.append(
                CheckResult(
                    f"{deadline.title}: {icb.code} {deadline.year}",
                    not deadline.problems,
                    "; ".join(deadline.problems) + label
                    if deadline.problems
                    else (
                        "not yet due"
                        if deadline.document is None
                        else f"prepared, published and shared{label}"
                    ),
                )
            )
    return results


@register("plans.regard", order=66)
def regard_to_the_strategy(on: date) -> list[CheckResult]:
    """Place budgets and board decisions of each system with plans on record that record no
    regard to the integrated care strategy."""
    from openics.plans import selectors

    results = []
    for icb in selectors.plan_icbs():
        judged = selectors.place_budget_regard(icb, on) + selectors.board_decision_regard(icb, on)
        flags = [flag for _, found in judged for flag in found]
        results.append(
            CheckResult(
                f"Regard to the strategy: {icb.code} place budgets and board decisions",
                not flags,
                "; ".join(flags[:5]) + (f"; … and {len(flags) - 5} more" if len(flags) > 5 else "")
                if flags
                else f"every one of {len(judged)} place budget(s) and board decision(s) records "
                "how it had regard to the integrated care strategy",
            )
        )
    return results
