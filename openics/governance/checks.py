"""Governance's part of `openics check`."""

from __future__ import annotations

from datetime import date

from openics.core.checks import CheckResult, register


@register("governance", order=50)
def governance(on: date) -> list[CheckResult]:
    """Each board against its constitution under every regime (only the law in force can
    fail), the register of interests, and the hash chain of the record of decisions."""
    from openics.governance import compliance as checks
    from openics.governance.models import Board

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
    flagged = checks.gifts_before_votes(on)
    results.append(
        CheckResult(
            "Gifts before votes",
            not flagged,
            "no member voted on an item after accepting a gift or hospitality from an "
            "organisation it affects"
            if not flagged
            else "; ".join(
                f"{f.item.meeting.reference} item {f.item.number}: {f.explanation}" for f in flagged
            ),
        )
    )
    conflicted = checks.conflicted_votes(on)
    results.append(
        CheckResult(
            "Conflicted votes",
            not conflicted,
            "no member of a deciding board or committee voted with a post or interest that "
            "conflicts with an organisation the item affects"
            if not conflicted
            else "; ".join(
                f"{f.item.meeting.reference} item {f.item.number} ({f.board}): {f.explanation} "
                f"(rule governance.conflicts under {f.regime_id}: {f.citation})"
                for f in conflicted
            ),
        )
    )
    chain = checks.chain()
    results.append(
        CheckResult(
            "Record of decisions",
            chain.intact,
            f"the hash chain of {chain.entries} entries is intact"
            if chain.intact
            else chain.problem,
        )
    )
    return results
