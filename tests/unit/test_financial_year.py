"""The financial year: one parser for both spellings, and the days it covers."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openics.kernel.years import FinancialYear, FinancialYearError


@pytest.mark.parametrize(
    ("day", "label"),
    [(date(2025, 3, 31), "2024/25"), (date(2025, 4, 1), "2025/26"), (date(2000, 1, 1), "1999/00")],
)
def test_the_nhs_financial_year_starts_on_1_april(day, label):
    assert FinancialYear.containing(day).label == label


@pytest.mark.parametrize(
    "text", ["2025-26", "2025/26", "2025", " 2025 / 26 ", "2025/2026", "2025–26"]
)
def test_both_spellings_and_the_starting_year_are_read(text):
    assert FinancialYear.parse(text) == FinancialYear(2025)


@pytest.mark.parametrize("text", ["2025-27", "twenty", "25/26/27", "2025/2027", "", "1066/67"])
def test_anything_else_is_refused_with_the_text(text):
    with pytest.raises(FinancialYearError, match="not a financial year"):
        FinancialYear.parse(text)


def test_label_slug_and_bounds():
    year = FinancialYear.parse("2025-26")
    assert (year.label, year.slug, str(year)) == ("2025/26", "2025-26", "2025/26")
    assert (year.first_day, year.last_day) == (date(2025, 4, 1), date(2026, 3, 31))
    assert date(2026, 3, 31) in year and date(2026, 4, 1) not in year
    assert year.next() == FinancialYear(2026) and year.previous() == FinancialYear(2024)


def test_a_century_boundary_is_written_with_two_digits():
    assert FinancialYear(1999).label == "1999/00"
    assert FinancialYear.parse("1999/00") == FinancialYear(1999)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31)))
def test_every_day_is_in_exactly_the_year_that_contains_it(day):
    year = FinancialYear.containing(day)
    assert day in year
    assert day not in year.next() and day not in year.previous()
    assert FinancialYear.parse(year.slug) == FinancialYear.parse(year.label) == year
