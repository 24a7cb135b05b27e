"""Money is exact: integer pence, no floats, nothing lost when shared out."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openics.kernel.money import Money, MoneyError, total


class TestConstruction:
    def test_holds_whole_pence(self):
        assert Money(123456).pence == 123456

    @pytest.mark.parametrize("bad", [1.5, 0.1, True, "100", Decimal("1")])
    def test_refuses_anything_but_int_pence(self, bad):
        with pytest.raises(TypeError):
            Money(bad)

    def test_from_pounds_refuses_float(self):
        with pytest.raises(TypeError, match="refuses floats"):
            Money.from_pounds(0.1)

    def test_from_pounds_takes_decimal_and_int(self):
        assert Money.from_pounds(Decimal("1234.56")) == Money(123456)
        assert Money.from_pounds(7) == Money(700)
        assert Money.from_pounds("0.10") == Money(10)

    def test_from_pounds_refuses_fractions_of_a_penny(self):
        with pytest.raises(MoneyError, match="fractions of a penny"):
            Money.from_pounds(Decimal("1.005"))

    def test_rounded_construction_is_explicit_and_half_up(self):
        assert Money.from_decimal_rounded(Decimal("1.005")) == Money(101)
        assert Money.from_decimal_rounded(Decimal("-1.005")) == Money(-101)


class TestParseAndFormat:
    @pytest.mark.parametrize(
        ("text", "pence"),
        [
            ("£1,234.56", 123456),
            ("£0.05", 5),
            ("-£1,234.56", -123456),
            ("£-12.00", -1200),
            ("(£1,234.56)", -123456),
            ("1234.5", 123450),
            ("  £12  ", 1200),
            ("£1,000,000,000.00", 100_000_000_000),
        ],
    )
    def test_parses_money_as_people_write_it(self, text, pence):
        assert Money.parse(text) == Money(pence)

    @pytest.mark.parametrize(
        "text", ["", "£", "£1,23.00", "£1.234", "£12abc", "--£1", "(£1", "1e5", "£1,234.5.6"]
    )
    def test_rejects_what_is_not_money(self, text):
        with pytest.raises(MoneyError):
            Money.parse(text)

    def test_formats_the_same_way(self):
        assert Money(123456).format() == "£1,234.56"
        assert str(Money(-5)) == "-£0.05"
        assert Money(100_000_000_000).format() == "£1,000,000,000.00"
        assert Money(123456).format(pence=False) == "£1,235"

    @given(st.integers(min_value=-(10**15), max_value=10**15))
    def test_format_then_parse_is_the_identity(self, pence):
        assert Money.parse(Money(pence).format()) == Money(pence)


class TestArithmetic:
    def test_adds_and_subtracts_exactly(self):
        # The sum that floating point gets wrong.
        assert Money.from_pounds("0.10") + Money.from_pounds("0.20") == Money.from_pounds("0.30")
        assert Money(500) - Money(750) == Money(-250)

    def test_refuses_mixing_with_plain_numbers(self):
        with pytest.raises(TypeError):
            Money(1) + 1
        with pytest.raises(TypeError):
            assert Money(1) < 5
        with pytest.raises(TypeError):
            Money(100) * 1.5

    def test_multiplies_by_whole_numbers(self):
        assert Money(250) * 12 == Money(3000)
        assert 3 * Money(5) == Money(15)

    def test_compares_and_orders(self):
        assert Money(1) < Money(2) <= Money(2)
        assert sorted([Money(3), Money(-1), Money(2)]) == [Money(-1), Money(2), Money(3)]
        assert Money(1) != Money(2)
        assert Money(0) == Money.zero()

    def test_total_and_sum(self):
        amounts = [Money(1), Money(2), Money(3)]
        assert total(amounts) == Money(6)
        assert sum(amounts) == Money(6)
        assert total([]) == Money(0)


class TestAllocate:
    def test_shares_by_weight_with_largest_remainders(self):
        # £1.00 three ways: 33.33… each, the one spare penny to the first tie.
        assert Money(100).allocate([1, 1, 1]) == [Money(34), Money(33), Money(33)]

    def test_largest_remainder_wins_the_spare_pence(self):
        # quotas 16.67, 33.33, 50.0 → floors 16, 33, 50, one penny left → to the 0.67 remainder.
        assert Money(100).allocate([1, 2, 3]) == [Money(17), Money(33), Money(50)]

    def test_decimal_weights(self):
        shares = Money(1000).allocate([Decimal("0.5"), Decimal("0.25"), Decimal("0.25")])
        assert shares == [Money(500), Money(250), Money(250)]

    def test_negative_amounts_share_symmetrically(self):
        assert Money(-100).allocate([1, 1, 1]) == [Money(-34), Money(-33), Money(-33)]

    @pytest.mark.parametrize("weights", [[], [0, 0], [1, -1]])
    def test_refuses_weights_that_cannot_share(self, weights):
        with pytest.raises(ValueError):
            Money(100).allocate(weights)

    def test_refuses_float_weights(self):
        with pytest.raises(TypeError):
            Money(100).allocate([0.5, 0.5])

    @given(
        st.integers(min_value=-(10**13), max_value=10**13),
        st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=50).filter(
            lambda ws: sum(ws) > 0
        ),
    )
    def test_shares_always_add_up_to_the_whole(self, pence, weights):
        shares = Money(pence).allocate(weights)
        assert total(shares) == Money(pence)
        assert len(shares) == len(weights)
        # No share is more than a penny from its exact quota.
        exact_total = sum(weights)
        for share, weight in zip(shares, weights, strict=True):
            assert abs(share.pence * exact_total - pence * weight) < exact_total


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (219_289_000_000, "£2,192,890k"),
        (50_000, "£1k"),  # £500 is half a thousand: rounded half-up
        (49_999, "£0k"),
        (-150_000, "-£2k"),
    ],
)
def test_figures_published_in_thousands_are_written_to_the_nearest_thousand(pence, text):
    assert Money(pence).format_thousands() == text
