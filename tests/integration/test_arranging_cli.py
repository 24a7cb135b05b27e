"""`openics arranging …`: the standstill calculator and the check under every regime."""

from datetime import date

import pytest
from click.testing import CliRunner

from openics.cli import main
from tests.psr_world import build_psr_world, decide


def test_the_standstill_before_easter_2026_ends_on_thursday_16_april():
    result = CliRunner().invoke(main, ["arranging", "standstill", "--published", "2026-04-01"])
    assert result.exit_code == 0, result.output
    assert "begins              Thursday 2 April 2026" in result.output
    assert "midnight at the end of Thursday 16 April 2026" in result.output
    assert "not counted: Fri 3 Apr 2026 (Good Friday)" in result.output
    assert "not counted: Mon 6 Apr 2026 (Easter Monday)" in result.output


def test_a_bad_date_is_a_clear_error():
    result = CliRunner().invoke(main, ["arranging", "standstill", "--published", "1/4/26"])
    assert result.exit_code != 0
    assert "write it as YYYY-MM-DD" in result.output


@pytest.mark.django_db
def test_check_shows_where_the_regimes_differ():
    world = build_psr_world()
    decide(world, decided_on=date(2025, 3, 3))
    result = CliRunner().invoke(main, ["arranging", "check", "DEC-1"])
    assert result.exit_code == 0, result.output
    assert "Health and Care Act 2022 (hca-2022, in force): allowed" in result.output
    assert "Direct Award C is not a way of arranging services under Health and Social" in (
        result.output
    )
    missing = CliRunner().invoke(main, ["arranging", "check", "NOPE"])
    assert missing.exit_code != 0 and "no decision 'NOPE'" in missing.output
