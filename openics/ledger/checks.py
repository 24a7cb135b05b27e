"""The books' part of `openics check`: double entry, balances and flow totals, break-even, and
the system's financial duties and running-cost limit."""

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
    from openics.population.selectors import registered_by_icb

    registered = {year: registered_by_icb(year) for year in years}  # one query a year
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
            population = int(registered[year].get(icb.pk, (0, 0))[1] or 0)
            results += _system_duties(icb, year, balance, population)
    for year in years:
        results += _principal_purpose(year)
    return results


def _principal_purpose(year: str) -> list[CheckResult]:
    """Each foundation trust with income in the books against s43(2A) of the 2006 Act."""
    from openics.kernel.years import FinancialYear
    from openics.ledger import selectors
    from openics.ledger.models import FlowTotal
    from openics.organisations.models import Organisation
    from openics.regimes.registry import regime_in_force_on

    last_day = FinancialYear.parse(year).last_day
    regime = regime_in_force_on(last_day)
    if regime is None or "organisations.ft-principal-purpose" not in regime.rules:
        return []
    paid = FlowTotal.objects.filter(
        financial_year=year, target__organisation__kind="foundation_trust"
    )
    trusts = Organisation.objects.filter(pk__in=paid.values("target__organisation")).order_by(
        "name"
    )
    results = []
    for trust in trusts:
        health, other = selectors.income_by_source(trust, year)
        result = regime.evaluate(
            "organisations.ft-principal-purpose",
            last_day,
            trust=trust.name,
            health_service_england_income=health,
            other_income=other,
        )
        said = [v.explanation for v in result.violations] or list(result.notes)
        said.append("income from councils and others counts as from elsewhere")
        results.append(
            CheckResult(f"Principal purpose: {trust.code} {year}", result.allowed, "; ".join(said))
        )
    return results


def _system_duties(icb, year: str, balance, population: int) -> list[CheckResult]:
    from openics.ledger import selectors

    duties = selectors.system_duties(icb, year, population=population, balance=balance)
    results = []
    for name, result in (
        (f"System financial duty: {icb.code} {year}", duties.balance),
        (f"System resource limits: {icb.code} {year}", duties.limits),
        (f"Running-cost limit: {icb.code} {year}", duties.running_cost_limit),
    ):
        if result is None:
            results.append(CheckResult(name, True, "no such duty under the law in force"))
            continue
        said = [v.explanation for v in result.violations] or list(result.notes)
        if name.startswith("System resource limits") and not said:
            said = ["no capital or revenue limit is recorded for the system"]
        results.append(CheckResult(name, result.allowed, "; ".join(said)))
    return results


@register("ledger-chain", order=41)
def ledger_chain(on: date) -> list[CheckResult]:
    """The hash chain over the postings, recomputed, and each transaction a service wrote
    against the audit log's copy of its postings."""
    from openics.ledger import chain

    found = chain.recompute(set())
    findings = found.findings + chain.witnesses()
    if findings:
        return [CheckResult("Chain over the postings", False, findings[0].what)]
    postings = chain.head().extra["postings"]
    return [
        CheckResult(
            "Chain over the postings",
            True,
            f"{found.length:,} seals over {postings:,} postings recompute from the rows",
        )
    ]
