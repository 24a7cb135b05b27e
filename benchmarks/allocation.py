"""Benchmark: the national allocation run, 6,348 practices → 42 ICBs → every district.

Run: .venv/bin/python benchmarks/allocation.py [--database-url postgres://…/NAME]
It measures, in one run: a plain pandas group-by of the same CSV (the baseline); the
OpenICS calculation straight from the CSV (parse, validate, exact Decimal sums, shares to
one, need indices); and the same calculation from the database after an import.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRACTICE_FILE = ROOT / "data" / "nhse-place-based-tool" / "2025_2026.csv"


def _timed(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pandas_baseline() -> None:
    import pandas as pd

    df = pd.read_csv(PRACTICE_FILE, encoding="utf-8-sig")
    icb = df.groupby("ICB")[["Population", "Final WP", "Final PMC WP"]].sum()
    icb["core_share"] = icb["Final WP"] / icb["Final WP"].sum()
    icb["pmc_share"] = icb["Final PMC WP"] / icb["Final PMC WP"].sum()
    lad = df.groupby(["ICB", "LAD"])[["Population", "Final WP"]].sum()
    ratio = (icb["Final WP"] / icb["Population"]).rename("icb_ratio")
    lad = lad.join(ratio, on="ICB")
    lad["need_index"] = (lad["Final WP"] / lad["Population"]) / lad["icb_ratio"]


def openics_from_csv() -> None:
    from openics.allocation import formula
    from openics.sources.practice_file import parse_practice_file

    parsed = parse_practice_file(PRACTICE_FILE.read_bytes(), PRACTICE_FILE.name)
    icb_wp: dict = defaultdict(lambda: defaultdict(Decimal))
    lad: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in parsed.rows:
        for line in ("core", "primary_medical_care_final"):
            icb_wp[line][row.icb_code] += row.weighted[line]
        icb_wp["registered"][row.icb_code] += row.registered_patients
        totals = lad[(row.icb_code, row.lad_code)]
        totals[0] += row.registered_patients
        totals[1] += row.weighted["core"]
    for line in ("core", "primary_medical_care_final"):
        formula.exact_shares(dict(icb_wp[line]))
    for (icb, _lad), (population, weighted) in lad.items():
        formula.need_index(weighted, population, icb_wp["core"][icb], icb_wp["registered"][icb])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL of an empty database to use")
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["OPENICS_VAR_DIR"] = tempfile.mkdtemp(prefix="openics-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openics.config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from openics.allocation.tool import national_rows, place_rows
    from openics.core.audit import Actor
    from openics.organisations.models import Organisation
    from openics.population.importers import import_practice_file

    call_command("migrate", verbosity=0)
    import_practice_file(
        PRACTICE_FILE.read_bytes(),
        source_name=PRACTICE_FILE.name,
        actor=Actor.process("benchmark"),
        reason="benchmark",
    )
    icbs = list(Organisation.objects.filter(kind="icb"))

    def openics_from_database() -> None:
        national_rows("2025/26")
        for icb in icbs:
            place_rows(icb, "2025/26", "lad")

    baseline = _timed(pandas_baseline)
    from_csv = _timed(openics_from_csv)
    from_db = _timed(openics_from_database, 3)
    print(f"database: {connection.vendor}; file: {PRACTICE_FILE.name}")
    print(f"{'measure':<58}{'seconds':>9}{'× baseline':>12}")
    for label, seconds in (
        ("baseline: pandas read_csv and group-by (floats)", baseline),
        ("OpenICS from the CSV (validated, exact Decimal)", from_csv),
        ("OpenICS from the database (42 ICBs, every district)", from_db),
    ):
        print(f"{label:<58}{seconds:>9.3f}{seconds / baseline:>12.1f}")


if __name__ == "__main__":
    main()
