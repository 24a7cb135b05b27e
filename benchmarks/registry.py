"""Benchmark: the national practice import and the responsibility query for all 42 ICBs.

Run: .venv/bin/python benchmarks/registry.py [--database-url postgres://…/NAME]
Without a URL it uses a fresh SQLite file in a temporary folder. It prints each figure
and its ratio to a baseline measured in the same run: reading the same file with
Python's csv module and nothing else. The national import and the re-import are run
`--repeat` times (default 3), each time into an emptied database and each beside a
baseline of its own, so a busy machine moves both; the medians are printed, and each
run's figures with them.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRACTICE_FILE = ROOT / "data" / "nhse-place-based-tool" / "2025_2026.csv"


def _timed(fn, repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL of an empty database to use")
    parser.add_argument("--repeat", type=int, default=3, help="imports into an empty database")
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

    from openics.core.audit import Actor
    from openics.organisations.models import Organisation
    from openics.population.importers import import_lsoa_lookup, import_practice_file
    from openics.population.responsibility import responsibility_for_all
    from openics.sources.practice_file import parse_practice_file

    call_command("migrate", verbosity=0)
    data = PRACTICE_FILE.read_bytes()
    actor = Actor.process("benchmark")

    def read_baseline() -> float:
        return _timed(lambda: list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")))), 5)

    def practice_import() -> None:
        import_practice_file(data, source_name=PRACTICE_FILE.name, actor=actor, reason="benchmark")

    parse = _timed(lambda: parse_practice_file(data, PRACTICE_FILE.name), 5)
    runs = []  # (baseline, first import, re-import), each run into an emptied database
    for number in range(args.repeat):
        if number:
            call_command("flush", interactive=False, verbosity=0)
        run_baseline = read_baseline()
        runs.append((run_baseline, _timed(practice_import), _timed(practice_import)))
    baseline = statistics.median(run[0] for run in runs)
    first = statistics.median(run[1] for run in runs)
    again = statistics.median(run[2] for run in runs)
    first_ratio = statistics.median(run[1] / run[0] for run in runs)
    again_ratio = statistics.median(run[2] / run[0] for run in runs)
    lookup = ROOT / "data" / "ons-geography" / "lookup_lsoa11_sicbl22_icb22_ltla22.csv"
    geography = _timed(
        lambda: import_lsoa_lookup(
            lookup.read_bytes(), source_name=lookup.name, actor=actor, reason="benchmark"
        )
    )
    icbs = list(Organisation.objects.filter(kind="icb"))
    responsibility = _timed(lambda: responsibility_for_all("2025/26"), 3)

    print(f"database: {connection.vendor}; file: {PRACTICE_FILE.name} ({len(data):,} bytes)")
    print(f"{'measure':<46}{'seconds':>10}{'× baseline':>12}")
    for label, seconds in (
        ("baseline: csv.DictReader over the file", baseline),
        ("parse and validate the practice file", parse),
        ("national import into an empty database", first),
        ("re-import of the same file (no changes)", again),
        ("geography import (32,844 small areas)", geography),
        (f"responsibility query for all {len(icbs)} ICBs", responsibility),
    ):
        print(f"{label:<46}{seconds:>10.3f}{seconds / baseline:>12.1f}")
    print()
    print(f"each of {len(runs)} runs into an emptied database (baseline, import, re-import):")
    for number, (run_baseline, run_first, run_again) in enumerate(runs, start=1):
        print(
            f"  run {number}: {run_baseline:.3f} s; {run_first:.2f} s "
            f"({run_first / run_baseline:.1f} x); {run_again:.2f} s "
            f"({run_again / run_baseline:.1f} x)"
        )
    print()
    print("targets (issue 14): national import < 2 s and <= 20 x baseline; re-import < 1 s")
    print("(the medians over the runs; each ratio is the median of the runs' own ratios)")
    for label, seconds, ratio, limit in (
        ("national import into an empty database", first, first_ratio, 2.0),
        ("re-import of the same file (no changes)", again, again_ratio, 1.0),
    ):
        met = "met" if seconds < limit else "missed"
        print(f"  {label}: {seconds:.2f} s ({met} < {limit:g} s), {ratio:.1f} x csv.DictReader")


if __name__ == "__main__":
    main()
