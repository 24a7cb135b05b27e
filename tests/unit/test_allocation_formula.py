"""The allocation formula, checked by hand-worked figures and by properties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openics.allocation import formula
from openics.kernel.money import Money, total

D = Decimal


def test_distance_from_target_as_published():
    # NHS Humber and North Yorkshire ICB, core services 2023/24 (NHS England workbook).
    distance = formula.distance_from_target(D("2839062.4010363906"), D("2784985.9815958035"))
    assert abs(distance - D("0.01941712446595556")) < D("1e-15")


def test_recurrent_allocation_compounds_growth_and_convergence_then_rounds_to_the_k():
    # Same ICB: base growth 5.176…%, convergence −0.71% → £2,964,813k published.
    allocation = formula.recurrent_allocation_k(
        D("2839062.4010363906"), D("0.05176067961391384"), D("-0.0071")
    )
    assert allocation == D("2964813")
    # adding the two rates instead of compounding them would give a different answer
    added = (D("2839062.4010363906") * (1 + D("0.05176067961391384") - D("0.0071"))).quantize(1)
    assert added != allocation


def test_a_target_of_nothing_is_refused():
    with pytest.raises(ValueError):
        formula.distance_from_target(D(1), D(0))


def test_need_index_is_one_for_average_need():
    assert formula.need_index(D(120), D(100), D(1200), D(1000)) == D(1)
    assert formula.need_index(D(150), D(100), D(1200), D(1000)) == D("1.25")


def test_place_budgets_share_by_weighted_population_to_the_penny():
    places = [
        formula.PlaceInput("a", "Dudley", D(300), D(330), 3),
        formula.PlaceInput("b", "Sandwell", D(300), D(300), 2),
        formula.PlaceInput("c", "Walsall", D(400), D(370), 4),
    ]
    result = formula.place_budgets(Money.parse("£1,000,000.00"), places)
    assert [r.budget for r in result] == [
        Money.parse("£330,000.00"),
        Money.parse("£300,000.00"),
        Money.parse("£370,000.00"),
    ]
    assert [r.need_index for r in result] == [D("1.1"), D(1), D("0.925")]
    assert result[0].per_head == Money.parse("£1,100.00")


@given(
    st.integers(min_value=1, max_value=10**13),
    st.lists(
        st.decimals(min_value=D("0.001"), max_value=D(10**7), places=6), min_size=1, max_size=12
    ),
)
def test_place_budgets_always_add_up_to_the_budget(pence, weights):
    places = [formula.PlaceInput(str(i), f"p{i}", w, w, 1) for i, w in enumerate(weights)]
    result = formula.place_budgets(Money(pence), places)
    assert total(r.budget for r in result) == Money(pence)


POLICY = formula.ConvergencePolicy(
    minimum_growth=D("0.01"), under_target_extra=D("0.002"), over_target_reduction=D("0.0071")
)


def test_fair_shares_follow_weighted_population_and_add_up():
    shares = formula.fair_shares(Money.parse("£100.00"), {"a": D(1), "b": D(1), "c": D(1)})
    assert [s.target for s in shares.values()] == [Money(3334), Money(3333), Money(3333)]
    assert sum(s.share for s in shares.values()) == 1  # exactly: largest remainders


def test_pace_of_change_moves_each_icb_towards_target_within_the_caps():
    baselines = {"under": Money(100_000_00), "over": Money(100_000_00), "near": Money(100_000_00)}
    targets = {"under": Money(110_000_00), "over": Money(90_000_00), "near": Money(103_100_00)}
    rows = {
        r.key: r
        for r in formula.pace_of_change(Money(309_000_00), baselines, targets, D("0.03"), POLICY)
    }
    assert rows["under"].growth == D("0.032")  # base + the most extra allowed
    assert rows["over"].growth == D("0.0229")  # base − the most reduction allowed
    assert rows["near"].growth == D("0.031")  # only what it needs to reach target
    assert total(r.allocation for r in rows.values()) == Money(309_000_00)


def test_no_icb_grows_by_less_than_the_minimum():
    rows = formula.pace_of_change(
        Money(200_000_00),
        {"a": Money(100_000_00), "b": Money(100_000_00)},
        {"a": Money(50_000_00), "b": Money(150_000_00)},
        D("0.012"),
        POLICY,
    )
    assert min(r.growth for r in rows) == D("0.01")


@given(
    st.integers(min_value=1, max_value=10**12),
    st.lists(st.tuples(st.integers(1, 10**10), st.integers(1, 10**10)), min_size=1, max_size=10),
)
def test_pace_of_change_always_reconciles_to_the_total(pence, pairs):
    baselines = {str(i): Money(b) for i, (b, _t) in enumerate(pairs)}
    targets = {str(i): Money(t) for i, (_b, t) in enumerate(pairs)}
    rows = formula.pace_of_change(Money(pence), baselines, targets, D("0.03"), POLICY)
    assert total(r.allocation for r in rows) == Money(pence)


def test_place_pace_of_change_moves_shares_by_at_most_the_step():
    current = {"a": Money(60_00), "b": Money(40_00)}
    targets = {"a": Money(40_00), "b": Money(60_00)}
    paced = formula.place_pace_of_change(Money(200_00), current, targets, D("0.05"))
    assert paced == {"a": Money(110_00), "b": Money(90_00)}  # 60% → 55%, 40% → 45%
    # a step big enough reaches target exactly; a new place goes straight to target
    assert formula.place_pace_of_change(Money(100_00), current, targets, D("1")) == targets
    new = formula.place_pace_of_change(
        Money(100_00), {"a": Money(1)}, {"a": Money(50_00), "c": Money(50_00)}, D("0")
    )
    assert total(new.values()) == Money(100_00)
