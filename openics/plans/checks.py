"""Plans' part of `openics check`: each system's joint forward plan prepared, published and
given to those the law names by its deadline (s14Z52), year by year."""

from __future__ import annotations

from datetime import date

from openics.core.checks import CheckResult, register


@register("plans", order=65)
def plans(on: date) -> list[CheckResult]:
    from openics.plans import selectors

    results = []
    for icb in selectors.plan_icbs():
        for deadline in selectors.forward_plan_deadlines(icb, on):
            label = (
                " (illustrative)" if deadline.document and deadline.document.illustrative else ""
            )
            results.append(
                CheckResult(
                    f"Joint forward plan: {icb.code} {deadline.year}",
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
