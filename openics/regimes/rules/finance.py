"""Money rules: ring-fenced funds and the duty to break even. Pure; no database."""

from collections.abc import Iterator

from openics.kernel.money import Money
from openics.regimes.model import RuleContext


def ring_fence(
    ctx: RuleContext, *, fund: str, fund_name: str, sector: str, agreement_sectors=()
) -> Iterator[str]:
    """Money in a ring-fenced fund is spent only on what the fund is for.

    `fund` is the kind of ring-fence ('' for none); `sector` is what the money would be
    spent on; `agreement_sectors` are the purposes a section 75 agreement names.
    """
    if not fund:
        return
    funds = ctx.param("ledger.ring_fences")
    if fund not in funds:
        yield f"{fund_name} is ring-fenced as {fund!r}, a kind of fund OpenICS does not know"
        return
    rule = funds[fund]
    allowed = list(agreement_sectors) if rule.get("by_agreement") else list(rule["sectors"])
    if sector not in allowed:
        purposes = ", ".join(s.replace("_", " ") for s in allowed) or "nothing yet agreed"
        yield (
            f"{fund_name} is a ring-fenced {rule['title']} and may be spent only on "
            f"{purposes}; this spending is for {sector.replace('_', ' ')}. {rule['basis']}"
        )


def break_even(ctx: RuleContext, *, body: str, received: Money, spent: Money) -> Iterator[str]:
    """Spending in a financial year is not more than the sums received in that year."""
    duty = ctx.param("ledger.break_even_duty")
    if not duty:
        return
    if spent > received:
        yield (
            f"{body} spent {spent} in the year against {received} received: "
            f"{spent - received} over. {duty}"
        )
