"""The reader of ONS mid-year estimates, on the real mid-2024 file and on broken copies."""

import csv
import io
from pathlib import Path

import pytest

from openics.sources.base import SourceError
from openics.sources.residents import (
    ENGLISH_DISTRICT,
    mid_year_from_name,
    parse_mid_year_estimates,
)

MYE = Path(__file__).parents[2] / "data/ons-population-mye/mye24tablesew_MYE2_persons.csv"


def _table() -> list[dict]:
    return list(csv.DictReader(io.StringIO(MYE.read_text(encoding="utf-8-sig"))))


def _with(change) -> bytes:
    lines = MYE.read_text(encoding="utf-8-sig").splitlines()
    change(lines)
    return ("\n".join(lines) + "\n").encode()


def test_the_real_file_is_read_whole_and_its_districts_sum_to_england():
    table = _table()
    parsed = parse_mid_year_estimates(MYE.read_bytes(), MYE.name)
    assert parsed.ok and len(parsed.rows) == len(table)
    districts = [r for r in parsed.rows if ENGLISH_DISTRICT.match(r.code)]
    england = next(int(t["All ages"]) for t in table if t["Name"] == "ENGLAND")
    assert len(districts) == sum(1 for t in table if ENGLISH_DISTRICT.match(t["Code"]))
    assert sum(r.all_ages for r in districts) == england
    by_name = {r.name: r for r in parsed.rows}
    for name in ("Dudley", "Sandwell", "Walsall", "Wolverhampton"):
        published = next(t for t in table if t["Name"] == name)
        assert by_name[name].all_ages == int(published["All ages"])
        assert by_name[name].ages[90] == int(published["90+"])
        assert by_name[name].county_code == "E11000005"  # West Midlands (Met County)
    # a district sits in its county, as the file lists it; a unitary in none
    assert by_name["Burnley"].county_code == by_name["Lancashire"].code
    assert by_name["North Yorkshire"].county_code == ""
    assert mid_year_from_name(MYE.name) == 2024


def test_an_unknown_geography_word_is_refused_with_its_line():
    def rename(lines):
        lines[4] = lines[4].replace("Unitary Authority", "Combined Authority")

    parsed = parse_mid_year_estimates(_with(rename), "mye.csv")
    assert [e.line for e in parsed.errors] == [5]
    assert "geography 'Combined Authority' is not one this file uses" in parsed.errors[0].reason


def test_a_bad_number_and_a_wrong_total_are_refused_with_their_lines():
    def spoil(lines):
        cells = lines[4].split(",")
        cells[5] = "12x"
        lines[4] = ",".join(cells)
        cells = lines[6].split(",")
        cells[3] = str(int(cells[3]) + 1)  # All ages no longer the sum of the single years
        lines[6] = ",".join(cells)

    parsed = parse_mid_year_estimates(_with(spoil), "mye.csv")
    assert [e.line for e in parsed.errors] == [5, 7]
    assert "'12x' is not a number" in parsed.errors[0].reason
    assert "single years add up to" in parsed.errors[1].reason


def test_a_district_moved_out_of_its_county_breaks_the_county_total():
    def move(lines):
        burnley = next(i for i, line in enumerate(lines) if ",Burnley," in line)
        lines.append(lines.pop(burnley))  # now listed after Wales's authorities

    parsed = parse_mid_year_estimates(_with(move), "mye.csv")
    reasons = " | ".join(e.reason for e in parsed.errors)
    assert "County Lancashire has" in reasons


def test_another_layout_is_refused():
    with pytest.raises(SourceError, match="not ONS mid-year estimates"):
        parse_mid_year_estimates(b"Code,Name,Population\nE06000001,Hartlepool,1\n", "x.csv")
