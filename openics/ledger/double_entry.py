"""The arithmetic of double entry, as pure functions over plain data (no database).

A transaction is a list of legs (account, pence). Money leaves an account on a negative
leg and arrives on a positive one; the legs of one transaction always add up to zero.
Each transaction is also read as edges "from → to, amount", which is what lets the
books follow a pound from NHS England to the organisation that spends it.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass


class UnbalancedError(ValueError):
    """The legs of a transaction do not add up to zero, or are otherwise unusable."""


@dataclass(frozen=True)
class Leg:
    account: Hashable
    pence: int


@dataclass(frozen=True)
class Edge:
    source: Hashable
    target: Hashable
    pence: int


def check_balanced(legs: Sequence[Leg]) -> None:
    if len(legs) < 2:
        raise UnbalancedError("a transaction needs at least two postings")
    for leg in legs:
        if isinstance(leg.pence, bool) or not isinstance(leg.pence, int):
            raise UnbalancedError(f"a posting is whole pence, not {leg.pence!r}")
        if leg.pence == 0:
            raise UnbalancedError(f"a posting of £0.00 to {leg.account} moves nothing")
    total = sum(leg.pence for leg in legs)
    if total != 0:
        raise UnbalancedError(
            f"the postings add up to {total:+,}p, not zero: money would appear or disappear"
        )


def edges(legs: Sequence[Leg]) -> list[Edge]:
    """The flows a balanced transaction makes, from the accounts it takes from to the others.

    With one account on either side the flows are exact. With several on both sides,
    outgoing amounts are matched to incoming ones in the order the legs were given, so
    the result is still exact to the penny and always the same for the same legs. A reversal is
    recorded with reversal_edges() so that it cancels the original flows.
    """
    check_balanced(legs)
    outs = [[leg.account, -leg.pence] for leg in legs if leg.pence < 0]
    ins = [[leg.account, leg.pence] for leg in legs if leg.pence > 0]
    result: list[Edge] = []
    i = j = 0
    while i < len(outs) and j < len(ins):
        moved = min(outs[i][1], ins[j][1])
        result.append(Edge(outs[i][0], ins[j][0], moved))
        outs[i][1] -= moved
        ins[j][1] -= moved
        if outs[i][1] == 0:
            i += 1
        if ins[j][1] == 0:
            j += 1
    return _merge(result)


def reversal_edges(legs: Sequence[Leg]) -> list[Edge]:
    """The edges of the reversal of these legs: the original flows, negated."""
    return [Edge(e.source, e.target, -e.pence) for e in edges(legs)]


def _merge(found: list[Edge]) -> list[Edge]:
    totals: dict[tuple, int] = {}
    for edge in found:
        key = (edge.source, edge.target)
        totals[key] = totals.get(key, 0) + edge.pence
    return [Edge(s, t, p) for (s, t), p in totals.items() if p]
