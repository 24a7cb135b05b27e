"""The Sankey layout: columns follow the money, heights are in proportion to it."""

from openics.ledger.sankey import layout


def test_columns_follow_the_flows_and_heights_are_proportional():
    labels = {"nhse": "NHS England", "icb": "ICB", "a": "Trust A", "b": "Trust B"}
    flows = {("nhse", "icb"): 400, ("icb", "a"): 300, ("icb", "b"): 100}
    drawing = layout(labels, flows, height=400, gap=0, line=0)
    nodes = {n.key: n for n in drawing.nodes}
    assert [nodes[k].column for k in ("nhse", "icb", "a", "b")] == [0, 1, 2, 2]
    assert nodes["a"].height == 3 * nodes["b"].height
    assert nodes["nhse"].height == nodes["icb"].height == 400
    assert len(drawing.bands) == 3
    assert all(band.path.startswith("M") for band in drawing.bands)


def test_thin_nodes_still_get_room_for_their_labels():
    labels = {"s": "Source", **{f"t{i}": f"T{i}" for i in range(40)}}
    flows = {("s", f"t{i}"): 1 for i in range(40)} | {("s", "t0"): 10**9}
    drawing = layout(labels, flows, height=200, line=15)
    ys = sorted(n.y for n in drawing.nodes if n.column == 1)
    assert all(b - a >= 15 for a, b in zip(ys, ys[1:], strict=False))
    assert drawing.height >= 39 * 15
