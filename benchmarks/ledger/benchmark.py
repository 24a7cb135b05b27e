"""Benchmark: national-scale books — ingest, django-hordak, reports, beancount and hledger.

Run: .venv/bin/python benchmarks/ledger/benchmark.py [--postings 10000000]
--postings is twice the number of payments generated (each was a transaction of two
postings before payment runs, ADR 0029; an imported file now posts a transaction per
contract and month and keeps each payment as a payment line).
It needs PostgreSQL (--server, default postgres://postgres@127.0.0.1:5432): it creates
its own databases there and drops them at the end (--keep keeps them). In one run it
measures:
  (a) the OpenICS bulk import (`openics ledger import`, one file of --chunk-rows payments
      at a time) against a raw COPY of the same files into a plain table of the same
      columns in the same database — the baseline — and against the same COPY into a
      table keyed as the payment lines are (an id, and a contract's invoice unique): the
      least a row per payment, each paid once, costs;
  (b) a sample of the same payments posted through django-hordak 2.0 on a database of
      its own in the same server, from its own virtual environment (--hordak-python; made
      with pip if missing);
  (c) following the money from NHS England and one ICB's balance, best of 3, at full
      size, and `openics check`'s checks of the books (balances and flow totals recomputed
      from the postings; the hash chain over them recomputed), once;
  (d) bean-check (beancount 3) and hledger loading the books exported as journals at
      growing sizes (--journal-sizes), against OpenICS's reports on the same data, until
      a tool takes longer than --journal-limit seconds or fails.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import generate  # noqa: E402
import journals  # noqa: E402

TARGET_COPY_RATIO = 0.2  # issue 20; stretch 0.5
STRETCH_COPY_RATIO = 0.5
TARGET_HORDAK_RATIO = 20
TARGET_FOLLOW_SECONDS = 0.5  # issue 20, at 10 million postings
TARGET_REPORT_SECONDS = 1.0
TARGET_CHECK_SECONDS = 30.0  # issue 20: openics check's books checks at 10 million postings
YEAR = "2025-26"


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def server_command(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def hordak_python(path: Path) -> Path | None:
    """The Python of a virtual environment with django-hordak 2.*, made if it is missing."""
    python = path / "bin" / "python"
    check = [str(python), "-c", "import hordak, psycopg, dj_database_url"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    say(f"making a virtual environment for django-hordak in {path}")
    try:
        subprocess.run(["python3", "-m", "venv", str(path)], check=True, capture_output=True)
        subprocess.run(
            [str(path / "bin" / "pip"), "install", "-q", "django-hordak==2.*", "psycopg[binary]"],
            check=True,
            capture_output=True,
            timeout=900,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        say(f"django-hordak could not be installed: {exc}")
        return None
    return python if subprocess.run(check, capture_output=True).returncode == 0 else None


def copy_files(connection, transaction, files, table: str, columns: str) -> tuple[int, float]:
    """COPYs each payments file into a new table of these columns, a database transaction a
    file, as the import takes them; how many rows, and the seconds the COPYs took. The
    table is dropped after."""
    names = "contract, invoice, date_paid, amount, element"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {table} ({columns})")
    start = time.perf_counter()
    for path in files:
        with transaction.atomic(), connection.cursor() as cursor:
            sql = f"COPY {table} ({names}) FROM STDIN (FORMAT csv, HEADER true)"
            with cursor.cursor.copy(sql) as copy:
                copy.write(path.read_bytes())
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        rows = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {table}")
    return rows, seconds


def main() -> None:  # noqa: C901 - one straight run, in the order it prints
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=200_000, help="payment postings")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--chunk-rows", type=int, default=500_000, help="payments per file")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--hordak-sample", type=int, default=100_000, help="payments")
    parser.add_argument("--hordak-python", type=Path, default=Path("/tmp/hordak-venv"))
    parser.add_argument(
        "--journal-sizes",
        default="10000,100000,1000000,10000000",
        help="payment postings at which to export journals and run the tools",
    )
    parser.add_argument("--journal-limit", type=float, default=120, help="stop a tool above")
    parser.add_argument("--journal-timeout", type=float, default=600, help="kill a tool after")
    parser.add_argument("--journal-memory-gb", type=float, default=12)
    parser.add_argument("--work-dir", type=Path, help="folder for the files (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the databases and files")
    parser.add_argument("--skip-hordak", action="store_true")
    parser.add_argument("--skip-journals", action="store_true")
    args = parser.parse_args()

    rows = args.postings // 2
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="openics-ledger-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    suffix = f"{os.getpid()}"
    openics_db, hordak_db = f"openics_ledger_bench_{suffix}", f"hordak_ledger_bench_{suffix}"
    os.environ["DATABASE_URL"] = f"{args.server}/{openics_db}"
    os.environ["OPENICS_VAR_DIR"] = str(work / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "openics.config.settings"
    sizes = sorted(int(s) for s in args.journal_sizes.split(",") if s and int(s) // 2 <= rows)
    results: dict = {"postings": 2 * rows, "journals": []}

    # -- the books, generated ---------------------------------------------------------------
    start = time.perf_counter()
    books = generate.plan(args.seed)
    breaks = [s // 2 for s in sizes]
    files = generate.write_payments(
        books,
        work / "payments",
        rows,
        args.chunk_rows,
        breaks=breaks,
        progress=lambda n: n % 1_000_000 == 0 and say(f"generated {n:,} payments"),
    )
    say(
        f"generated {len(books.icbs)} ICBs, {len(books.places)} places, "
        f"{len(books.providers):,} providers, {len(books.contracts):,} contracts, "
        f"{books.rows:,} payments in {len(files)} files "
        f"({sum(f.stat().st_size for f in files) / 1e6:,.0f} MB) in "
        f"{time.perf_counter() - start:.1f} s"
    )

    server_command(args.server, f"CREATE DATABASE {openics_db}")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction

        from openics.core.audit import Actor
        from openics.ledger import selectors
        from openics.ledger.ingest import import_payments
        from openics.ledger.models import Posting
        from openics.organisations.models import Organisation

        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            results["server"] = f"PostgreSQL {cursor.fetchone()[0]}"
        actor = Actor.process("benchmark")
        start = time.perf_counter()
        counts = generate.build_books(
            books, actor=actor, progress=lambda what, n, of: say(f"{what}: {n:,} of {of:,}")
        )
        setup_postings = Posting.objects.count()
        say(
            f"books opened through the services in {time.perf_counter() - start:.1f} s: "
            f"{counts}; {setup_postings:,} postings"
        )
        results["setup"] = counts | {"postings": setup_postings}
        icb_code = max(
            books.icbs, key=lambda i: sum(1 for c in books.contracts if c.commissioner == i.key)
        ).code
        icb = Organisation.objects.get(kind="icb", code=icb_code)

        def reports() -> tuple[float, float]:
            start_account = selectors.resolve_start("nhse")
            follow = best_of(lambda: selectors.follow(start_account, YEAR))
            balance = best_of(lambda: selectors.icb_balance(icb, YEAR))
            return follow, balance

        # -- (a) the baseline: raw COPY of the same files --------------------------------
        copied, copy_seconds = copy_files(
            connection,
            transaction,
            files,
            "bench_copy_payments",
            "contract varchar(40), invoice varchar(60), date_paid date, "
            "amount numeric(14, 2), element varchar(10)",
        )
        say(f"COPY baseline: {copied:,} rows in {copy_seconds:.2f} s")
        results["copy"] = {"rows": copied, "seconds": copy_seconds}

        # -- (a) the floor: the same COPY into a table keyed as the payment lines are ---
        # A row per payment, numbered, and an invoice paid once per contract enforced by the
        # database: what any import keeping each payment so must write at the least, before
        # a single check, transaction or seal.
        keyed, keyed_seconds = copy_files(
            connection,
            transaction,
            files,
            "bench_copy_keyed",
            "id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, contract varchar(40), "
            "invoice varchar(60), date_paid date, amount numeric(14, 2), element varchar(10), "
            "UNIQUE (contract, invoice)",
        )
        say(f"COPY into a keyed table: {keyed:,} rows in {keyed_seconds:.2f} s")
        results["copy_keyed"] = {"rows": keyed, "seconds": keyed_seconds}

        # -- (a) the OpenICS import, file by file; (d) the journals at the checkpoints ---
        alive = {"beancount": True, "hledger": True}
        last_seconds: dict = {}
        last_size: dict = {}
        imported = 0
        import_seconds = 0.0
        phases: dict[str, float] = {}
        for path in files:
            data = path.read_bytes()
            start = time.perf_counter()
            report = import_payments(
                data, source_name=path.name, actor=actor, reason="national-scale benchmark"
            )
            seconds = time.perf_counter() - start
            import_seconds += seconds
            imported += report.rows
            for phase, spent in report.phases.items():
                phases[phase] = phases.get(phase, 0.0) + spent
            say(
                f"imported {path.name}: {report.rows:,} payments in {seconds:.1f} s "
                f"({report.rows / seconds:,.0f}/s, {report.method}); {imported:,} of "
                f"{books.rows:,}; " + ", ".join(f"{k} {v:.1f} s" for k, v in report.phases.items())
            )
            if 2 * imported not in sizes or args.skip_journals:
                continue
            follow, balance = reports()
            entry = {
                "payment_postings": 2 * imported,
                "postings": setup_postings + 2 * imported,
                "follow": follow,
                "balance": balance,
            }
            for tool, writer, suffix_, command in (
                (
                    "beancount",
                    journals.write_beancount,
                    "beancount",
                    [str(ROOT / ".venv" / "bin" / "bean-check")],
                ),
                (
                    "hledger",
                    journals.write_hledger,
                    "journal",
                    [shutil.which("hledger") or "hledger", "balance", "-f"],
                ),
            ):
                if not alive[tool]:
                    entry[tool] = {"outcome": "not run (a smaller journal was too slow)"}
                    continue
                if tool == "hledger" and not shutil.which("hledger"):
                    alive[tool] = False
                    entry[tool] = {"outcome": "not installed (apt-get install hledger)"}
                    continue
                if tool == "beancount" and not Path(command[0]).exists():
                    alive[tool] = False
                    entry[tool] = {"outcome": "bean-check not installed"}
                    continue
                if tool in last_seconds:
                    guess = last_seconds[tool] * entry["postings"] / last_size[tool]
                    if guess > args.journal_timeout:
                        alive[tool] = False
                        entry[tool] = {
                            "outcome": f"not run: {last_seconds[tool]:.0f} s at "
                            f"{last_size[tool]:,} postings predicts {guess:,.0f} s, "
                            f"beyond the {args.journal_timeout:.0f} s timeout",
                        }
                        continue
                journal = work / f"books-{entry['postings']}.{suffix_}"
                start = time.perf_counter()
                with journal.open("w", encoding="utf-8") as out:
                    writer(out)
                export = time.perf_counter() - start
                ran = journals.run_tool(
                    [*command, str(journal)],
                    timeout=args.journal_timeout,
                    memory_bytes=int(args.journal_memory_gb * (1 << 30)),
                )
                ran |= {"export_seconds": export, "megabytes": journal.stat().st_size / 1e6}
                entry[tool] = ran
                journal.unlink()
                say(
                    f"{tool} on {entry['postings']:,} postings ({ran['megabytes']:,.0f} MB, "
                    f"written in {export:.1f} s): {ran['seconds']:.1f} s, "
                    f"{ran['max_rss_mb']:,.0f} MB, {ran['outcome']}"
                )
                if ran["outcome"] != "ok" or ran["seconds"] > args.journal_limit:
                    alive[tool] = False
                last_seconds[tool], last_size[tool] = ran["seconds"], entry["postings"]
            say(
                f"OpenICS on the same {entry['postings']:,} postings: follow the money "
                f"{follow:.3f} s, ICB balance {balance:.3f} s"
            )
            results["journals"].append(entry)
        results["import"] = {"rows": imported, "seconds": import_seconds, "phases": phases}
        total_postings = Posting.objects.count()
        from openics.ledger.models import PaymentLine

        total_lines = PaymentLine.objects.count()
        follow, balance = reports()
        from openics.ledger import chain

        start = time.perf_counter()
        problems = selectors.recompute_check()
        flows_seconds = time.perf_counter() - start
        start = time.perf_counter()
        recomputed = chain.recompute(set())
        chain_seconds = time.perf_counter() - start
        results["reports"] = {
            "postings": total_postings,
            "lines": total_lines,
            "follow": follow,
            "balance": balance,
            "icb": f"{icb.name} ({icb.code})",
            "check_flows": flows_seconds,
            "check_chain": chain_seconds,
            "check_problems": len(problems) + len(recomputed.findings),
        }
        say(
            f"at {total_postings:,} postings and {total_lines:,} payment lines: follow the "
            f"money {follow:.3f} s, "
            f"{icb.code} balance {balance:.3f} s (best of 3); check: balances and flow "
            f"totals recomputed in {flows_seconds:.1f} s ({len(problems)} problems), chain "
            f"of {recomputed.length:,} seals in {chain_seconds:.1f} s "
            f"({len(recomputed.findings)} findings)"
        )
        connection.close()

        # -- (b) django-hordak ------------------------------------------------------------
        if not args.skip_hordak:
            results["hordak"] = run_hordak(args, books, files, hordak_db, work)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            for name in (openics_db, hordak_db):
                server_command(args.server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            if not args.work_dir:
                shutil.rmtree(work, ignore_errors=True)
        else:
            say(f"kept databases {openics_db}, {hordak_db} and files in {work}")
    summarise(results)


def run_hordak(args, books, files: list[Path], database: str, work: Path) -> dict:
    python = hordak_python(args.hordak_python)
    if python is None:
        return {"error": "django-hordak 2.* could not be installed; not measured"}
    contracts = {c.reference: c for c in books.contracts}
    providers = {p.key: p for p in books.providers}

    def payer(c) -> str:
        return f"cash:{c.commissioner}" if c.prime else f"commitment:{c.reference}"

    sample = work / "hordak-sample.csv"
    keys: set[str] = set()
    taken = 0
    with sample.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["payer", "payee", "date_paid", "amount", "description"])
        for path in files:
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    if taken == args.hordak_sample:
                        break
                    c = contracts[row["contract"]]
                    source, target = payer(c), f"cash:{c.provider}"
                    keys.update((source, target))
                    description = (
                        f"{providers[c.provider].name}: contract {c.reference}, "
                        f"invoice {row['invoice']}"
                    )
                    writer.writerow([source, target, row["date_paid"], row["amount"], description])
                    taken += 1
            if taken == args.hordak_sample:
                break
    accounts = work / "hordak-accounts.txt"
    accounts.write_text("\n".join(sorted(keys)) + "\n", encoding="utf-8")
    server_command(args.server, f"CREATE DATABASE {database}")
    say(f"django-hordak: posting {taken:,} payments twice (commit each, one transaction)")
    done = subprocess.run(
        [str(python), str(HERE / "hordak" / "post.py"), str(sample), str(accounts)],
        env={k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTHONPATH")}
        | {"HORDAK_DATABASE_URL": f"{args.server}/{database}"},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        say(f"django-hordak failed: {done.stderr[-2000:]}")
        return {"error": f"django-hordak failed: {done.stderr.strip().splitlines()[-1]}"}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    say(
        f"django-hordak {result['hordak']} (Django {result['django']}): {taken:,} payments, "
        f"{result['commit_each_seconds']:.1f} s committing each, "
        f"{result['one_transaction_seconds']:.1f} s in one transaction"
    )
    return result


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def summarise(results: dict) -> None:
    print()
    print(
        f"Ledger benchmark, {date.today()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {results.get('server', 'PostgreSQL')}"
    )
    setup = results.get("setup", {})
    print(
        f"books: {setup.get('icbs')} ICBs, {setup.get('places')} places, "
        f"{setup.get('providers', 0):,} providers, {setup.get('contracts', 0):,} contracts; "
        f"{results['postings'] // 2:,} payments (each a transaction of two postings before "
        f"payment runs, ADR 0029: {results['postings']:,} postings) + "
        f"{setup.get('postings', 0):,} set-up postings"
    )
    if "import" not in results:
        return
    rate = results["import"]["rows"] / results["import"]["seconds"]
    copy_rate = results["copy"]["rows"] / results["copy"]["seconds"]
    rows = [
        ("(a) raw COPY of the payment files (baseline)", f"{copy_rate:,.0f} rows/s", "1.00", ""),
    ]
    if "copy_keyed" in results:
        keyed_rate = results["copy_keyed"]["rows"] / results["copy_keyed"]["seconds"]
        rows.append(
            (
                "(a) the same COPY into a table with the lines' keys (id, contract + invoice)",
                f"{keyed_rate:,.0f} rows/s",
                f"{keyed_rate / copy_rate:.3f}",
                "the floor of a row per payment paid once",
            )
        )
    rows += [
        (
            "(a) OpenICS import (checked, posted, balances, flows, sealed)",
            f"{rate:,.0f} rows/s",
            f"{rate / copy_rate:.3f}",
            f"≥ {TARGET_COPY_RATIO}× COPY: {_met(rate / copy_rate >= TARGET_COPY_RATIO)}; "
            f"stretch {STRETCH_COPY_RATIO}×: {_met(rate / copy_rate >= STRETCH_COPY_RATIO)}",
        ),
    ]
    hordak = results.get("hordak")
    if hordak and "error" not in hordak:
        for label, key in (
            ("committed one by one", "commit_each_seconds"),
            ("all in one transaction", "one_transaction_seconds"),
        ):
            hordak_rate = hordak["rows"] / hordak[key]
            rows.append(
                (
                    f"(b) django-hordak {hordak['hordak']} transfer_to, {label}",
                    f"{hordak_rate:,.0f} rows/s",
                    f"{rate / hordak_rate:.1f}",
                    f"OpenICS ≥ {TARGET_HORDAK_RATIO}×: "
                    f"{_met(rate / hordak_rate >= TARGET_HORDAK_RATIO)}",
                )
            )
    elif hordak:
        rows.append(("(b) django-hordak", hordak["error"], "", ""))
    report = results["reports"]
    check = report["check_flows"] + report["check_chain"]
    for label, key, target in (
        ("(c) follow the money from NHS England", "follow", TARGET_FOLLOW_SECONDS),
        (f"(c) ICB balance, {report['icb']}", "balance", TARGET_REPORT_SECONDS),
        ("(c) check: balances and flow totals recomputed", "check_flows", None),
        ("(c) check: the chain over the postings recomputed", "check_chain", None),
    ):
        rows.append(
            (
                f"{label} at {report['postings']:,} postings, "
                f"{report.get('lines', 0):,} payment lines",
                f"{report[key]:.3f} s",
                "",
                f"≤ {target:g} s: {_met(report[key] <= target)}"
                if target
                else f"both ≤ {TARGET_CHECK_SECONDS:g} s: {_met(check <= TARGET_CHECK_SECONDS)}",
            )
        )
    print(f"{'measure':<78}{'figure':>16}{'ratio':>8}  target")
    for label, figure, ratio, target in rows:
        print(f"{label:<78}{figure:>16}{ratio:>8}  {target}")
    phases = results["import"].get("phases") or {}
    if phases:
        print(
            "import, where the time went: "
            + ", ".join(
                f"{k} {v:.1f} s ({v / results['import']['seconds']:.0%})" for k, v in phases.items()
            )
        )
    if results["journals"]:
        print()
        print(
            f"{'(d) postings':>12}{'bean-check s':>14}{'MB':>8}{'hledger bal s':>15}{'MB':>8}"
            f"{'OpenICS follow s':>18}{'balance s':>11}"
        )
        for entry in results["journals"]:
            cells = []
            for tool in ("beancount", "hledger"):
                ran = entry.get(tool, {})
                if "seconds" in ran and ran["outcome"] == "ok":
                    cells += [f"{ran['seconds']:.1f}", f"{ran['max_rss_mb']:,.0f}"]
                else:  # the reason is printed in full below the table
                    cells += [ran.get("outcome", "-").split(":")[0][:13], ""]
            print(
                f"{entry['postings']:>12,}{cells[0]:>14}{cells[1]:>8}{cells[2]:>15}{cells[3]:>8}"
                f"{entry['follow']:>18.3f}{entry['balance']:>11.3f}"
            )
        for entry in results["journals"]:
            for tool in ("beancount", "hledger"):
                outcome = entry.get(tool, {}).get("outcome", "")
                if outcome and outcome != "ok":
                    print(f"  {tool} at {entry['postings']:,} postings: {outcome}")
    print()
    print("results as JSON:", json.dumps(results, default=str))


if __name__ == "__main__":
    main()
