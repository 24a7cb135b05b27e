"""`openics allocate`: national shares and place need indices as tables, CSV and JSON."""

import csv
import io
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from openics.cli import main
from openics.core.audit import Actor
from openics.population.importers import import_practice_file
from tests.builders import many_practices, practice_file, practice_row

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def registry():
    rows = many_practices(2) + [
        practice_row("M99999", lad="E08000028", patients="3000", **{"Final WP": "4500"}),
        practice_row("B00001", icb="QHL", lad="E08000025", patients="1000"),
    ]
    import_practice_file(
        practice_file(rows),
        source_name="2025_2026.csv",
        actor=Actor.process("test-import"),
        reason="test",
    )


def _csv(output: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(output)))


def test_national_shares_sum_to_one_and_targets_to_the_total(registry, tmp_path):
    totals = tmp_path / "totals.csv"
    totals.write_text("scope,line,amount\nENGLAND,core,£1000.00\nQUA,core,£800.00\n")
    result = CliRunner().invoke(
        main,
        ["allocation", "national", "--year", "2025-26", "--totals", str(totals), "--format", "csv"],
    )
    assert result.exit_code == 0, result.output
    rows = [r for r in _csv(result.output) if r["line"] == "core"]
    assert {r["icb_code"] for r in rows} == {"QUA", "QHL"}
    assert sum(Decimal(r["target_share"]) for r in rows) == 1
    assert sum(Decimal(r["target"]) for r in rows) == Decimal("1000.00")
    qua = next(r for r in rows if r["icb_code"] == "QUA")
    # QUA: 2 × 1,000 + 4,500 = 6,500 of 7,500 weighted → £866.67 target; £800 actual
    assert Decimal(qua["target"]) == Decimal("866.67")
    assert Decimal(qua["distance_from_target"]).quantize(Decimal("0.0001")) == Decimal("-0.0769")


def test_place_need_indices_by_district_follow_the_method(registry):
    result = CliRunner().invoke(
        main,
        [
            "allocation",
            "shares",
            "--icb",
            "QUA",
            "--year",
            "2025-26",
            "--by",
            "lad",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {(r["place_code"], r["component"]): r for r in json.loads(result.output)}
    sandwell = rows[("E08000028", "Final WP")]
    # (4,500 ÷ 3,000) ÷ (6,500 ÷ 5,000) = 1.5 ÷ 1.3
    assert Decimal(sandwell["need_index"]) == Decimal("1.5") / Decimal("1.3")
    assert Decimal(rows[("E08000027", "G&A WP")]["need_index"]) == 1  # weights equal lists
    assert len(rows) == 2 * 9  # two districts, nine components


def test_a_mapping_file_is_checked_row_by_row(registry, tmp_path):
    mapping = tmp_path / "places.csv"
    mapping.write_text(
        "practice_code,place_code,place_name\n"
        "M00001,NORTH,North\n"
        "M00002,SOUTH,South\n"
        "M00001,SOUTH,South\n"  # line 4: already in a place
        "B00001,SOUTH,South\n"  # line 5: a practice of another ICB
        "Z99999,SOUTH,South\n"  # line 6: unknown
    )
    result = CliRunner().invoke(
        main, ["allocation", "shares", "--icb", "QUA", "--year", "2025-26", "--by", str(mapping)]
    )
    assert result.exit_code == 1
    assert "line 4: practice M00001 is already in a place on line 2" in result.output
    assert "line 5: practice B00001 is a practice of NHS Birmingham and Solihull ICB" in (
        result.output
    )
    assert "line 6: unknown practice code 'Z99999'" in result.output


def test_a_good_mapping_file_defines_the_places(registry, tmp_path):
    mapping = tmp_path / "places.csv"
    mapping.write_text("practice_code,place_code\nM00001,NORTH\nM00002,NORTH\nM99999,SOUTH\n")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        main,
        [
            "allocation",
            "shares",
            "--icb",
            "QUA",
            "--year",
            "2025-26",
            "--by",
            str(mapping),
            "--format",
            "csv",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = _csv(out.read_text())
    assert {r["place_code"] for r in rows} == {"NORTH", "SOUTH"}
    assert set(rows[0]) >= {
        "place_code",
        "component",
        "population",
        "weighted_population",
        "need_index",
    }


def test_totals_that_do_not_reconcile_are_refused(registry, tmp_path):
    totals = tmp_path / "totals.csv"
    totals.write_text(
        "scope,line,amount\nENGLAND,core,£1000.00\nQUA,core,£800.00\n"
        "QHL,core,£300.00\nQZZ,core,£1.00\nENGLAND,core,£5.00\n"
    )
    result = CliRunner().invoke(
        main, ["allocation", "national", "--year", "2025-26", "--totals", str(totals)]
    )
    assert result.exit_code == 1
    assert "line 6: ENGLAND core is already on line 2" in result.output
    assert "line 5: unknown ICB code QZZ" in result.output
    assert "add up to £1,100.00, not England's £1,000.00" in result.output


def test_the_older_allocate_commands_still_run_and_say_they_are_the_older_name(registry):
    older = CliRunner().invoke(main, ["allocate", "national", "--year", "2025-26"])
    newer = CliRunner().invoke(main, ["allocation", "national", "--year", "2025-26"])
    assert older.exit_code == newer.exit_code == 0, older.output
    assert newer.output in older.output and "deprecated" in older.output
    assert "allocate" not in CliRunner().invoke(main, ["--help"]).output.split("Commands:")[1]
