"""Double entry as pure arithmetic: balance and edges."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openics.ledger.double_entry import (
    Edge,
    Leg,
    UnbalancedError,
    check_balanced,
    edges,
    reversal_edges,
)


def test_legs_must_add_up_to_zero():
    with pytest.raises(UnbalancedError, match=r"\+1p, not zero"):
        check_balanced([Leg("a", -5), Leg("b", 6)])


@pytest.mark.parametrize(
    ("legs", "why"),
    [([Leg("a", 0), Leg("b", 0)], "moves nothing"), ([Leg("a", 0)], "at least two")],
)
def test_empty_or_single_postings_are_refused(legs, why):
    with pytest.raises(UnbalancedError, match=why):
        check_balanced(legs)


def test_one_source_to_many_targets_gives_one_edge_each():
    assert edges([Leg("budget", -10), Leg("x", 3), Leg("y", 7)]) == [
        Edge("budget", "x", 3),
        Edge("budget", "y", 7),
    ]


def test_many_to_many_is_matched_in_order_and_exact():
    found = edges([Leg("a", -6), Leg("b", -4), Leg("x", 5), Leg("y", 5)])
    assert found == [Edge("a", "x", 5), Edge("a", "y", 1), Edge("b", "y", 4)]


def test_a_reversal_cancels_the_original_edges():
    legs = [Leg("a", -6), Leg("x", 6)]
    assert reversal_edges(legs) == [Edge("a", "x", -6)]


@given(
    st.lists(st.integers(1, 10**9), min_size=1, max_size=5),
    st.lists(st.integers(1, 10**9), min_size=1, max_size=5),
)
def test_edges_carry_every_penny_out_and_in(outs, ins):
    # balance the two sides by topping up the smaller one
    gap = sum(outs) - sum(ins)
    if gap > 0:
        ins = [*ins, gap]
    elif gap < 0:
        outs = [*outs, -gap]
    legs = [Leg(f"o{i}", -p) for i, p in enumerate(outs)] + [
        Leg(f"i{i}", p) for i, p in enumerate(ins)
    ]
    found = edges(legs)
    assert sum(e.pence for e in found) == sum(outs)
    for i, p in enumerate(outs):
        assert sum(e.pence for e in found if e.source == f"o{i}") == p
    for i, p in enumerate(ins):
        assert sum(e.pence for e in found if e.target == f"i{i}") == p
