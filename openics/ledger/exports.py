"""Open data from the books: the "spend over £25,000" file and a beancount journal.

Spend over £25,000 follows the layout government bodies publish (as in DHSC's own
monthly file): one row per payment of £25,000 or more, with reversals as negative rows.
The beancount journal holds every account and transaction, with a balance assertion for
each account at the end, so `bean-check` proves the books add up independently of us.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TextIO

from django.db.models import Min

from openics.kernel import spreadsheets
from openics.kernel.money import Money
from openics.kernel.years import FinancialYear
from openics.ledger.models import (
    Account,
    PaymentLine,
    Posting,
    Purpose,
    Transaction,
    TransactionKind,
)
from openics.ledger.selectors import Origins, transaction_provenance
from openics.organisations.models import Organisation
from openics.regimes.vocabulary import Sector

SPEND_THRESHOLD = Money.parse("£25,000.00")
SPEND_COLUMNS = [
    "Body",
    "Date paid",
    "Expense type",
    "Expense area",
    "Supplier",
    "Transaction number",
    "Amount",
    "Supplier VAT or company number",
    "Provenance",
]


def spend_over_25k(body: Organisation, year: str) -> Iterator[list[str]]:
    """Rows of the body's payments of £25,000 or more in the year (reversals negative).

    A payment run's transaction sums a contract's payments in a month: its rows are its
    payment lines of £25,000 or more, each on the day it was paid, numbered by the
    transaction and the invoice."""
    first, last = FinancialYear.parse(year).first_day, FinancialYear.parse(year).last_day
    payments = list(
        Transaction.objects.filter(
            kind__in=[TransactionKind.PAYMENT, TransactionKind.REVERSAL],
            contract__commissioner=body,
            contract__prime__isnull=True,
            effective_date__range=(first, last),
        )
        .select_related("contract", "contract__provider", "contract__place", "reverses")
        .prefetch_related("postings")
        .order_by("effective_date", "number")
    )

    def paid(txn: Transaction) -> Transaction:  # the payment a row is of
        return txn.reverses if txn.kind == TransactionKind.REVERSAL else txn

    runs = _large_lines({paid(t).pk for t in payments if paid(t).source_type == "core.importrun"})
    origins = Origins()
    rows = []
    for txn in payments:
        if txn.kind == TransactionKind.REVERSAL and txn.reverses.kind != TransactionKind.PAYMENT:
            continue
        sign = -1 if txn.kind == TransactionKind.REVERSAL else 1
        if paid(txn).pk in runs:
            entries = [
                (
                    txn.effective_date if sign < 0 else line.paid_on,
                    f"{txn.number}/{line.invoice_number}",
                    Money(sign * line.amount_pence),
                )
                for line in runs[paid(txn).pk]
            ]
        else:
            moved = sum(p.amount_pence for p in txn.postings.all() if p.amount_pence > 0)
            entries = [(txn.effective_date, txn.number, Money(sign * moved))]
        contract, supplier = txn.contract, txn.contract.provider
        area = contract.place.name if contract.place_id else "System-wide programmes"
        for day, number, amount in entries:
            if abs(amount) < SPEND_THRESHOLD:
                continue
            rows.append(
                (
                    day,
                    number,
                    [
                        body.name,
                        f"{day:%d/%m/%Y}",
                        Sector(contract.sector).label,
                        area,
                        supplier.name,
                        number,
                        str(amount.to_decimal()),
                        supplier.company_number or supplier.charity_number or "not known",
                        transaction_provenance(txn, origins),
                    ],
                )
            )
    rows.sort(key=lambda r: (r[0], r[1]))
    for _, _, row in rows:
        yield row


def _large_lines(transaction_ids: set) -> dict:
    """The payment runs among these transactions, each with its lines of £25,000 or more."""
    if not transaction_ids:
        return {}
    ids = list(transaction_ids)
    found: dict = {
        pk: []
        for pk in PaymentLine.objects.filter(transaction_id__in=ids)
        .values_list("transaction_id", flat=True)
        .distinct()
    }
    for line in PaymentLine.objects.filter(
        transaction_id__in=list(found), amount_pence__gte=SPEND_THRESHOLD.pence
    ).order_by("paid_on", "line"):
        found[line.transaction_id].append(line)
    return found


def write_spend_over_25k(body: Organisation, year: str, out: TextIO) -> int:
    writer = spreadsheets.writer(out)
    writer.writerow(SPEND_COLUMNS)
    count = 0
    for row in spend_over_25k(body, year):
        writer.writerow(row)
        count += 1
    return count


# -- beancount ---------------------------------------------------------------------------
_ROOTS = {
    Purpose.FUNDING: "Equity",
    Purpose.PAYABLE: "Liabilities",
    Purpose.OPERATING_COSTS: "Expenses",
}


def _component(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-") or "X"
    if not cleaned[0].isalnum():
        cleaned = "X" + cleaned
    return cleaned[0].upper() + cleaned[1:]


def beancount_name(account: Account) -> str:
    root = _ROOTS.get(account.purpose, "Assets")
    return ":".join([root, *(_component(part) for part in account.key.split(":"))])


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "/").replace('"', "'") + '"'


def _gbp(pence: int) -> str:
    return f"{Money(pence).format_plain()} GBP"


def write_beancount(out: TextIO) -> dict:
    """Writes the whole ledger as a beancount journal; returns counts for the caller."""
    accounts = {a.pk: a for a in Account.objects.all()}
    names = {pk: beancount_name(a) for pk, a in accounts.items()}
    first = Posting.objects.aggregate(d=Min("effective_date"))["d"] or date.today()
    from openics.core.checkpoints import reference_text

    # Where the books stood: the latest signed checkpoint (log: /record/checkpoints.jsonl).
    out.write(f"; OpenICS checkpoint {reference_text()}\n")
    out.write('option "title" "OpenICS ledger"\noption "operating_currency" "GBP"\n\n')
    for pk in sorted(accounts, key=lambda k: names[k]):
        out.write(f"{first:%Y-%m-%d} open {names[pk]} GBP\n")
        out.write(f"  name: {_quote(accounts[pk].name)}\n")
    out.write("\n")
    rows = (
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
    current, last, transactions, postings = None, first, 0, 0
    for txn_id, on, number, kind, description, account_id, pence in rows:
        if txn_id != current:
            current = txn_id
            transactions += 1
            last = max(last, on)
            out.write(f"\n{on:%Y-%m-%d} * {_quote(kind)} {_quote(description)}\n")
            out.write(f"  number: {_quote(number)}\n")
        out.write(f"  {names[account_id]}  {_gbp(pence)}\n")
        postings += 1
    check_day = last + timedelta(days=1)
    # Balances carry a third decimal place: beancount infers the tolerance of a balance
    # assertion from its precision, and at two places it lets a penny's difference pass.
    out.write("\n")
    for pk in sorted(accounts, key=lambda k: names[k]):
        exact = _gbp(accounts[pk].balance_pence).replace(" GBP", "0 GBP")
        out.write(f"{check_day:%Y-%m-%d} balance {names[pk]}  {exact}\n")
    return {"accounts": len(accounts), "transactions": transactions, "postings": postings}
