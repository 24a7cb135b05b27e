"""Posts a sample of the benchmark's payments through django-hordak 2.0 and times it.

Run by benchmarks/ledger/benchmark.py with the Python of a separate virtual environment
that has django-hordak 2.* installed:
    HORDAK_DATABASE_URL=postgres://…/NAME python post.py SAMPLE.csv ACCOUNTS.csv
SAMPLE.csv has the columns payer,payee,date_paid,amount,description (one payment a row);
ACCOUNTS.csv names every account (one key a row). It migrates the empty database, opens
one hordak asset account per key (not timed), then posts every row with
`Account.transfer_to` (a Transaction and two Legs, checked by hordak's database
triggers) in two ways: each transfer committed on its own, as an application calls it,
and then the whole sample again inside one database transaction. It prints one JSON
object with the rates.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "settings"  # this folder's, whatever the caller set


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from djmoney.money import Money
    from hordak.models import Account, AccountType, Leg
    from hordak.models import Transaction as HordakTransaction

    sample_file, accounts_file = sys.argv[1], sys.argv[2]
    call_command("migrate", verbosity=0)
    with open(accounts_file, encoding="utf-8") as handle:
        keys = [line.strip() for line in handle if line.strip()]
    with open(sample_file, encoding="utf-8", newline="") as handle:
        rows = [
            (
                r["payer"],
                r["payee"],
                date.fromisoformat(r["date_paid"]),
                Decimal(r["amount"]),
                r["description"],
            )
            for r in csv.DictReader(handle)
        ]
    start = time.perf_counter()
    with transaction.atomic():
        accounts = {
            key: Account.objects.create(
                name=key, code=f"{n:06d}"[-6:], type=AccountType.asset, currencies=["GBP"]
            )
            for n, key in enumerate(keys)
        }
    opened = time.perf_counter() - start

    def post_all() -> None:
        for payer, payee, on, amount, description in rows:
            accounts[payer].transfer_to(
                accounts[payee], Money(amount, "GBP"), date=on, description=description
            )

    start = time.perf_counter()
    post_all()  # autocommit: transfer_to opens and commits one transaction per payment
    each = time.perf_counter() - start
    start = time.perf_counter()
    with transaction.atomic():
        post_all()
    together = time.perf_counter() - start
    legs = Leg.objects.count()
    transactions = HordakTransaction.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0].split(" on ")[0]
    print(
        json.dumps(
            {
                "hordak": __import__("importlib.metadata").metadata.version("django-hordak"),
                "django": django.get_version(),
                "server": server,
                "accounts": len(accounts),
                "open_accounts_seconds": opened,
                "rows": len(rows),
                "commit_each_seconds": each,
                "one_transaction_seconds": together,
                "transactions": transactions,
                "legs": legs,
            }
        )
    )


if __name__ == "__main__":
    main()
