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
