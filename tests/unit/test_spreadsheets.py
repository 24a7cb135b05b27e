"""No cell of an OpenICS CSV runs as a formula when a spreadsheet opens it."""

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openics.kernel import spreadsheets


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x","click")', '\'=HYPERLINK("http://x","click")'),
        ("+44 121", "'+44 121"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rline", "'\nline"),
        ("-1234.56", "-1234.56"),  # a number stays a number
        ("+5", "+5"),
        ("Dudley Group", "Dudley Group"),
        (None, ""),
        (25000, "25000"),
    ],
)
def test_cells_that_would_run_are_marked_as_text_and_numbers_are_left(cell, written):
    assert spreadsheets.safe_cell(cell) == written


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_no_written_cell_starts_a_formula_unless_it_is_a_number(row):
    out = io.StringIO()
    spreadsheets.writer(out).writerow(row)
    [read] = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    for cell in read:
        if cell[:1] in ("=", "+", "-", "@"):
            float(cell)  # only a plain number may start so
