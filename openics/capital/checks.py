"""Capital's part of `openics check`: no system's capital plan over its limit."""

from __future__ import annotations

from datetime import date

from openics.core.checks import CheckResult, register


@register("capital", order=45)
def capital(on: date) -> list[CheckResult]:
    from openics.capital import selectors
    from openics.kernel.money import Money

    results = []
    for icb in selectors.capital_icbs():
        for year in selectors.capital_plan(icb):
            if year.limit is None:
                continue
            p = year.position
            planned, limit = Money(p.against_limit_pence), Money(p.limit_pence)
            label = " (illustrative)" if year.illustrative else ""
            if p.over_limit:
                detail = (
                    f"the capital plan spends {planned} against a limit of {limit}: "
                    f"{Money(-p.headroom_pence)} over{label}"
                )
            else:
                detail = f"{planned} planned against a limit of {limit}{label}"
            results.append(
                CheckResult(
                    f"Capital plan against its limit: {icb.code} {year.year}",
                    not p.over_limit,
                    detail,
                )
            )
    return results
