"""Benchmark: `openics check` on books posted one payment at a time, at 10 million postings.

Run: .venv/bin/python benchmarks/ledger/check_at_scale.py [--postings 10000000]
It needs PostgreSQL (--server, default postgres://postgres@127.0.0.1:5432) and makes a
database of its own there, dropped at the end (--keep keeps it).

Since payment runs (ADR 0029) a bulk import writes one transaction per contract and month,
so the national benchmark's 5 million payments are about 190,000 postings. Books whose
payments were posted one at a time through the services keep a transaction of two
postings per payment. This script makes such books at the size asked: the national books'
organisations, contracts and commitments through the services (benchmarks/ledger/
generate.py), one small payments file to open the providers' cash accounts, then
--postings / 2 payments written by SQL as the services write them — a transaction of kind
payment and two postings, from each contract's commitment to its provider's cash — with
balances and flow totals to match and one seal over them. The amounts are made up (a
commitment may go below zero, which the recompute does not look at). It then times, in
one run:

- the baseline: one plain pass over the postings (`SELECT count(*), sum(amount_pence)`);
- `openics check`'s recompute of balances and flow totals (ledger.selectors.recompute_check);
- `openics verify`'s recompute of the chain over the postings (ledger.chain.recompute).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import generate  # noqa: E402

TARGET_CHECK_SECONDS = 30


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    payments = args.postings // 2
    database = f"openics_check_bench_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="openics-check-bench-"))
    os.environ["DATABASE_URL"] = f"{args.server}/{database}"
    os.environ["OPENICS_VAR_DIR"] = str(work / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "openics.config.settings"
    from benchmark import server_command

    server_command(args.server, f"CREATE DATABASE {database}")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction

        from openics.core.audit import Actor
        from openics.ledger import chain, selectors
        from openics.ledger.ingest import import_payments

        call_command("migrate", verbosity=0)
        actor = Actor.process("benchmark")
        books = generate.plan(args.seed)
        start = time.perf_counter()
        # Written first: the commitments are sized by the payments the file makes.
        [opening] = generate.write_payments(books, work / "payments", 5_000, 5_000)
        generate.build_books(books, actor=actor)
        import_payments(
            opening.read_bytes(), source_name=opening.name, actor=actor, reason="cash accounts"
        )
        say(f"books opened through the services in {time.perf_counter() - start:.1f} s")

        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            chain.begin_writing()
            cursor.execute("SET LOCAL work_mem = '512MB'")
            # Each contract's commitment and its provider's cash: who pays whom.
            cursor.execute(
                "CREATE TEMPORARY TABLE pairs AS SELECT row_number() OVER (ORDER BY cm.id) - 1 "
                "AS k, cm.id AS payer, ca.id AS cash, c.id AS contract FROM ledger_account cm "
                "JOIN commissioning_contract c ON c.id = cm.contract_id "
                "JOIN ledger_account ca ON ca.organisation_id = c.provider_id "
                "AND ca.purpose = 'cash' WHERE cm.purpose = 'commitment'"
            )
            cursor.execute("SELECT count(*) FROM pairs")
            [pairs] = cursor.fetchone()
            cursor.execute(
                "CREATE TEMPORARY TABLE pay AS SELECT g, gen_random_uuid() AS txn, p.payer, "
                "p.cash, p.contract, (100 + (g::bigint * 7919) %% 2500000) AS pence, "
                "date '2025-04-01' + (g %% 365) AS day FROM generate_series(1, %s) g "
                "JOIN pairs p ON p.k = g %% %s",
                [payments, pairs],
            )
            cursor.execute(
                "INSERT INTO ledger_transaction (id, created_at, updated_at, number, kind, "
                "effective_date, financial_year, recorded_at, description, contract_id, "
                "invoice_number, element, source_type, source_id, actor_system, reason) "
                "SELECT txn, now(), now(), 'B' || g, 'payment', day, '2025/26', now(), "
                "'benchmark payment', contract, 'B-INV-' || g, '', '', '', 'benchmark', "
                "'check at scale' FROM pay"
            )
            cursor.execute(
                "INSERT INTO ledger_posting (transaction_id, account_id, amount_pence, "
                "effective_date, financial_year) "
                "SELECT txn, payer, -pence, day, '2025/26' FROM pay UNION ALL "
                "SELECT txn, cash, pence, day, '2025/26' FROM pay"
            )
            cursor.execute(
                "UPDATE ledger_account SET balance_pence = balance_pence + t.total FROM "
                "(SELECT payer AS account, -SUM(pence) AS total FROM pay GROUP BY payer "
                "UNION ALL SELECT cash, SUM(pence) FROM pay GROUP BY cash) t "
                "WHERE ledger_account.id = t.account"
            )
            cursor.execute(
                "INSERT INTO ledger_flowtotal (financial_year, source_id, target_id, "
                "amount_pence) SELECT '2025/26', payer, cash, SUM(pence) FROM pay "
                "GROUP BY payer, cash ON CONFLICT (financial_year, source_id, target_id) DO "
                "UPDATE SET amount_pence = ledger_flowtotal.amount_pence + excluded.amount_pence"
            )
            chain.seal()
            cursor.execute("ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM ledger_posting")
            [postings] = cursor.fetchone()
        say(
            f"{payments:,} payments written, {postings:,} postings in "
            f"{time.perf_counter() - start:.1f} s"
        )

        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), sum(amount_pence) FROM ledger_posting")
            cursor.fetchone()
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        problems = selectors.recompute_check()
        flows = time.perf_counter() - start
        start = time.perf_counter()
        recomputed = chain.recompute(set())
        chained = time.perf_counter() - start
        total = flows + chained
        print()
        print(f"check at scale, {postings:,} postings ({payments:,} payments posted one by one)")
        print(f"{'measure':<64}{'seconds':>10}{'× baseline':>12}")
        for label, seconds in (
            ("baseline: one pass over the postings (count and sum)", baseline),
            (f"check: balances and flow totals recomputed ({len(problems)} problems)", flows),
            (f"verify: the chain recomputed ({len(recomputed.findings)} findings)", chained),
        ):
            print(f"{label:<64}{seconds:>10.2f}{seconds / baseline:>12.1f}")
        met = "met" if total <= TARGET_CHECK_SECONDS else "MISSED"
        print(f"both: {total:.1f} s (≤ {TARGET_CHECK_SECONDS} s: {met})")
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            server_command(args.server, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        else:
            say(f"kept database {database}")


if __name__ == "__main__":
    main()
