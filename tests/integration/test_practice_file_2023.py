"""The real 2023/24 practice file, with the publisher's own slips, imports as published.

It names three local authority codes two ways (E09000018 Ealing and Hounslow, E07000081
Tewkesbury and Gloucester, E09000019 Camden and Islington). The code is the key: the file
imports with each disagreement reported on its line; `--strict` refuses it instead.
"""

import csv
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from openics.cli import main
from openics.organisations.models import Organisation
from openics.population.models import PracticePopulation

pytestmark = pytest.mark.django_db

FILE = Path(__file__).resolve().parents[2] / "data/nhse-place-based-tool/2023_2024.csv"


def _names_by_code() -> dict[str, set[str]]:
    names = defaultdict(set)
    with FILE.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            names[row["LAD21"]].add(row["LTLA21"])
    return {code: found for code, found in names.items() if len(found) > 1}


def test_the_2023_24_file_imports_with_each_name_slip_reported():
    slips = _names_by_code()
    assert set(slips) == {"E09000018", "E07000081", "E09000019"}  # read from the file itself
    result = CliRunner().invoke(main, ["import", "practices", str(FILE), "--year", "2023-24"])
    assert result.exit_code == 0, result.output[-2000:]
    warnings = [line for line in result.output.splitlines() if "warning" in line]
    for code in slips:
        assert any(code in line for line in warnings), (code, warnings)
    assert all(line.strip().startswith("note: line ") for line in warnings)
    with FILE.open(encoding="utf-8-sig", newline="") as f:
        practices = sum(1 for _ in csv.DictReader(f))
    assert PracticePopulation.objects.filter(financial_year="2023/24").count() == practices
    # each code is one council, under one name
    for code in slips:
        assert Organisation.objects.filter(ons_code=code, kind="local_authority").count() == 1


def test_strict_refuses_the_same_file_on_the_lines_of_its_slips():
    result = CliRunner().invoke(
        main, ["import", "practices", str(FILE), "--year", "2023-24", "--strict"]
    )
    assert result.exit_code == 1
    for code in _names_by_code():
        assert code in result.output
    assert "nothing was written" in result.output
    assert not PracticePopulation.objects.exists()
