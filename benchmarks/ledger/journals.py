"""Journals of the books for beancount and hledger, and timing those tools on them.

The beancount journal is OpenICS's own export (`openics.ledger.exports.write_beancount`,
what `openics ledger export beancount` writes); if that is missing, a minimal writer
here produces the same layout. hledger (1.25 in Debian) does not read beancount, so
`write_hledger` writes the same accounts, transactions and closing balance assertions
in hledger's journal format. Both read the whole ledger from the database, in the
order the export uses.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import tempfile
import time
from datetime import date, timedelta
from typing import TextIO


def _gbp(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{rest:02d} GBP"


def _names() -> tuple[dict, dict]:
    from openics.ledger.models import Account

    accounts = {a.pk: a for a in Account.objects.all()}
    try:
        from openics.ledger.exports import beancount_name
    except ImportError:  # the export is not there yet: name accounts the same way here

        def beancount_name(account) -> str:
            root = {"funding": "Equity", "payable": "Liabilities"}.get(account.purpose)
            root = root or ("Expenses" if account.purpose == "operating_costs" else "Assets")
            parts = []
            for part in account.key.split(":"):
                cleaned = re.sub(r"[^A-Za-z0-9-]+", "-", part).strip("-") or "X"
                cleaned = cleaned if cleaned[0].isalnum() else "X" + cleaned
                parts.append(cleaned[0].upper() + cleaned[1:])
            return ":".join([root, *parts])

    return accounts, {pk: beancount_name(a) for pk, a in accounts.items()}


def _postings():
    from openics.ledger.models import Posting

    return (
        Posting.objects.order_by("transaction__effective_date", "transaction_id", "id")
        .values_list(
            "transaction_id",
            "transaction__effective_date",
            "transaction__number",
            "transaction__kind",
            "transaction__description",
            "account_id",
            "amount_pence",
        )
        .iterator(chunk_size=20_000)
    )


def _first_day() -> date:
    from django.db.models import Min

    from openics.ledger.models import Posting

    return Posting.objects.aggregate(d=Min("effective_date"))["d"] or date.today()


def write_beancount(out: TextIO) -> dict:
    """OpenICS's beancount export, or the same layout written here if it is missing."""
    try:
        from openics.ledger.exports import write_beancount as export
    except ImportError:
        export = None
    if export is not None:
        return export(out)
    accounts, names = _names()
    first = _first_day()
    out.write('option "title" "OpenICS ledger"\noption "operating_currency" "GBP"\n\n')
    for pk in sorted(accounts, key=lambda k: names[k]):
        out.write(f"{first:%Y-%m-%d} open {names[pk]} GBP\n")
    current, last, transactions, postings = None, first, 0, 0
    for txn_id, on, number, kind, description, account_id, pence in _postings():
        if txn_id != current:
            current, transactions, last = txn_id, transactions + 1, max(last, on)
            text = description.replace('"', "'")
            out.write(f'\n{on:%Y-%m-%d} * "{kind}" "{text}"\n  number: "{number}"\n')
        out.write(f"  {names[account_id]}  {_gbp(pence)}\n")
        postings += 1
    out.write("\n")
    for pk in sorted(accounts, key=lambda k: names[k]):
        exact = _gbp(accounts[pk].balance_pence).replace(" GBP", "0 GBP")
        out.write(f"{last + timedelta(days=1):%Y-%m-%d} balance {names[pk]}  {exact}\n")
    return {"accounts": len(accounts), "transactions": transactions, "postings": postings}


def write_hledger(out: TextIO) -> dict:
    """The same books as an hledger journal, with every account's balance asserted at the end."""
    accounts, names = _names()
    first = _first_day()
    out.write("; OpenICS ledger\ncommodity 1,000.00 GBP\n\n")
    for pk in sorted(accounts, key=lambda k: names[k]):
        out.write(f"account {names[pk]}\n")
    current, last, transactions, postings = None, first, 0, 0
    for txn_id, on, number, kind, description, account_id, pence in _postings():
        if txn_id != current:
            current, transactions, last = txn_id, transactions + 1, max(last, on)
            out.write(f"\n{on:%Y-%m-%d} * ({number}) {kind} | {description}\n")
        out.write(f"    {names[account_id]}  {_gbp(pence)}\n")
        postings += 1
    out.write(f"\n{last + timedelta(days=1):%Y-%m-%d} closing balance assertions\n")
    for pk in sorted(accounts, key=lambda k: names[k]):
        out.write(f"    {names[pk]}  0 GBP = {_gbp(accounts[pk].balance_pence)}\n")
    return {"accounts": len(accounts), "transactions": transactions, "postings": postings}


def run_tool(command: list[str], *, timeout: float, memory_bytes: int) -> dict:
    """Runs a command with a time and address-space limit; returns seconds, peak memory
    and whether it succeeded (and if not, why)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=errors, preexec_fn=limit
        )
        timed_out = False
        deadline = start + timeout
        while True:
            pid, status, rusage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                _, status, rusage = os.wait4(process.pid, 0)
                timed_out = True
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        error = errors.read().decode(errors="replace").strip()
    outcome = "ok"
    if timed_out:
        outcome = f"killed after {timeout:.0f} s"
    elif process.returncode < 0:
        outcome = f"killed by signal {-process.returncode} (out of memory?)"
    elif process.returncode != 0:
        memory = "memory" in error.lower() or "alloc" in error.lower()
        outcome = "out of memory" if memory else f"failed: {error[-300:]}"
    return {
        "seconds": seconds,
        "max_rss_mb": rusage.ru_maxrss / 1024,
        "outcome": outcome,
    }
