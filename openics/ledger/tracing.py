"""Following money through the books, as a pure function over flows (no database).

The books are pots of money joined by flows (edge: from → to, amount). Money entering a
pot is mixed with whatever else came in, so when a pot passes money on, each source is
credited with its share: if a trust received £3 from an ICB and £1 from a council and
paid £2 to a subcontractor, £1.50 of that is traced to the ICB. Shares are kept as exact
fractions and rounded once, at the end, with the largest-remainder method, so the
amounts at the destinations always add up to the amount traced, to the penny.

The same walk run against the flow direction answers the reverse question: where a
provider's money came from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from openics.ledger.double_entry import Edge


@dataclass
class TracedNode:
    key: Hashable
    depth: int
    through: int = 0  # pence of the traced money that reached (or, upstream, came via) it
    held: int = 0  # pence of it that stayed here: spent by, or still held by, this pot


@dataclass
class Trace:
    start: Hashable
    total: int
    nodes: dict[Hashable, TracedNode] = field(default_factory=dict)
    flows: list[Edge] = field(default_factory=list)  # the traced part of each flow, in pence
    cycles_ignored: list[Edge] = field(default_factory=list)

    def destinations(self) -> list[TracedNode]:
        return [n for n in self.nodes.values() if n.held and n.key != self.start] + (
            [self.nodes[self.start]] if self.nodes[self.start].held else []
        )


def trace(flows: Iterable[Edge], start: Hashable, *, upstream: bool = False) -> Trace:
    """Traces the money leaving `start` (or, upstream=True, arriving at it) through the flows."""
    graph: dict[Hashable, dict[Hashable, int]] = defaultdict(dict)
    for edge in flows:
        source, target = (edge.target, edge.source) if upstream else (edge.source, edge.target)
        if edge.pence > 0 and source != target:
            graph[source][target] = graph[source].get(target, 0) + edge.pence
    inflow: dict[Hashable, int] = defaultdict(int)
    for targets in graph.values():
        for target, pence in targets.items():
            inflow[target] += pence

    order, depth, back_edges = _walk(graph, start)
    for source, target in back_edges:
        graph[source].pop(target)
    reached: dict[Hashable, Fraction] = defaultdict(Fraction)
    traced_flows: dict[tuple, Fraction] = {}
    start_out = sum(graph[start].values())
    reached[start] = Fraction(start_out)
    held: dict[Hashable, Fraction] = {}
    for node in order:
        amount = reached[node]
        if amount == 0:
            continue
        out_total = sum(graph[node].values())
        in_total = start_out if node == start else inflow[node]
        denominator = max(in_total, out_total)
        # amount × pence / denominator for each flow out, as one Fraction each (one gcd,
        # not two operations' worth): exact, and what makes a national trace quick.
        top, bottom = amount.numerator, amount.denominator * denominator
        for target, pence in graph[node].items():
            part = Fraction(top * pence, bottom)
            traced_flows[(node, target)] = part
            reached[target] += part
        # What stays: the parts add up to amount × out_total / denominator exactly.
        held[node] = Fraction(top * (denominator - out_total), bottom)

    result = Trace(start=start, total=start_out)
    rounded_held = _round_exactly(held, start_out)
    for node in order:
        if reached[node] == 0 and node != start:
            continue
        result.nodes[node] = TracedNode(
            key=node,
            depth=depth[node],
            through=_nearest(reached[node]),
            held=rounded_held.get(node, 0),
        )
    for (source, target), part in traced_flows.items():
        pence = _nearest(part)
        if pence:
            result.flows.append(
                Edge(target, source, pence) if upstream else Edge(source, target, pence)
            )
    result.cycles_ignored = [Edge(s, t, 0) for s, t in back_edges]
    return result


def _walk(graph, start):
    """Nodes reachable from start in an order where every node follows its sources."""
    depth = {start: 0}
    seen, on_path, post, back = set(), set(), [], []

    def visit(node):
        seen.add(node)
        on_path.add(node)
        for target in list(graph.get(node, {})):
            if target in on_path:
                back.append((node, target))
                continue
            depth[target] = min(depth.get(target, depth[node] + 1), depth[node] + 1)
            if target not in seen:
                visit(target)
        on_path.discard(node)
        post.append(node)

    visit(start)
    return list(reversed(post)), depth, back


def _nearest(value: Fraction) -> int:
    """Rounded to the nearest whole, halves away from zero (in whole-number arithmetic)."""
    n, d = value.numerator, value.denominator
    return (2 * n + d) // (2 * d) if n >= 0 else -((-2 * n + d) // (2 * d))


def _round_exactly(shares: dict[Hashable, Fraction], whole: int) -> dict[Hashable, int]:
    """Whole pence for each share, adding up exactly to `whole` (largest remainder)."""
    floors = {k: v.numerator // v.denominator for k, v in shares.items()}
    left = whole - sum(floors.values())
    order = sorted(
        shares,
        key=lambda k: -Fraction(shares[k].numerator % shares[k].denominator, shares[k].denominator),
    )
    for key in order[: max(left, 0)]:
        floors[key] += 1
    return {k: v for k, v in floors.items() if v}
