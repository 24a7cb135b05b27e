"""The books' part of `openics check`: double entry, balances and flow totals, break-even."""

from __future__ import annotations

from datetime import date

from openics.core.checks import CheckResult, register


@register("ledger", order=40)
def ledger(on: date) -> list[CheckResult]:
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
