"""A Sankey diagram laid out on the server as plain numbers, drawn as inline SVG.

Pure: nodes and flows in, rectangles and bands out. No script runs in the browser, so
the diagram works without JavaScript and nothing is fetched from elsewhere; the page
shows the same flows as a table for screen readers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass


@dataclass
class SankeyNode:
    key: Hashable
    label: str
    column: int = 0
    value: int = 0
    x: float = 0
    y: float = 0
    height: float = 0


@dataclass
class SankeyBand:
    source: SankeyNode
    target: SankeyNode
    value: int
    path: str = ""
    width: float = 0


@dataclass
class Sankey:
    nodes: list[SankeyNode]
    bands: list[SankeyBand]
    width: int
    height: int
    node_width: int


def layout(
    labels: dict[Hashable, str],
    flows: dict[tuple[Hashable, Hashable], int],
    *,
    width: int = 1100,
    height: int = 520,
    node_width: int = 14,
    gap: int = 10,
    label_space: int = 270,
    line: float = 15.0,
) -> Sankey:
    """Columns by longest path from the sources; heights in proportion to the money.

    A thin node still gets a line of height for its label, so the drawing may grow
    taller than asked.
    """
    flows = {k: v for k, v in flows.items() if v > 0 and k[0] != k[1]}
    nodes = {key: SankeyNode(key, label) for key, label in labels.items()}
    outgoing, incoming = defaultdict(int), defaultdict(int)
    for (s, t), v in flows.items():
        outgoing[s] += v
        incoming[t] += v
    for key, node in nodes.items():
        node.value = max(outgoing[key], incoming[key])
    # longest-path columns (flows are acyclic once aggregated; loops are cut by a limit)
    for _ in range(len(nodes)):
        moved = False
        for s, t in flows:
            if nodes[t].column < nodes[s].column + 1 and nodes[s].column < len(nodes):
                nodes[t].column = nodes[s].column + 1
                moved = True
        if not moved:
            break
    columns = max((n.column for n in nodes.values()), default=0) + 1
    per_column = defaultdict(list)
    for node in sorted(nodes.values(), key=lambda n: (-n.value, n.label)):
        if node.value:
            per_column[node.column].append(node)
    biggest = max((sum(n.value for n in col) for col in per_column.values()), default=1) or 1
    tallest = max((len(col) for col in per_column.values()), default=1)
    scale = (height - gap * (tallest - 1)) / biggest
    step = (width - label_space - node_width) / max(columns - 1, 1)
    for column, members in per_column.items():
        y = 0.0
        for node in members:
            node.x = column * step
            node.y = y
            node.height = max(node.value * scale, 1.0)
            y += max(node.height + gap, line)  # room for the label of a thin node
        height = max(height, int(y))
    bands = []
    out_offset, in_offset = defaultdict(float), defaultdict(float)
    for (s, t), value in sorted(
        flows.items(), key=lambda kv: (nodes[kv[0][0]].y, nodes[kv[0][1]].y)
    ):
        source, target = nodes[s], nodes[t]
        band_width = max(value * scale, 0.5)
        y0 = source.y + out_offset[s] + band_width / 2
        y1 = target.y + in_offset[t] + band_width / 2
        out_offset[s] += band_width
        in_offset[t] += band_width
        x0, x1 = source.x + node_width, target.x
        middle = (x0 + x1) / 2
        path = f"M{x0:.1f},{y0:.1f} C{middle:.1f},{y0:.1f} {middle:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"
        bands.append(SankeyBand(source, target, value, path, band_width))
    drawn = [n for n in nodes.values() if n.value]
    return Sankey(drawn, bands, width, height, node_width)
