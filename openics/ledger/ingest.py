"""Bulk payments: `openics ledger import payments.csv`, all or nothing.

The file is read and checked row by row (format), then loaded into a staging table —
with PostgreSQL's COPY where it runs, with batched inserts on SQLite — and checked as
a set against the books: unknown contracts, invoices paid before or twice in the file,
dates outside the contract, and commitments that would be overspent. Every bad row is
reported with its line number and nothing is written. A good file becomes
transactions, postings, balances and flow totals in a handful of set-based statements,
inside the one database transaction.

Columns (a header row, names as here; `element` is optional):
    contract, invoice, date_paid, amount, element
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from openics.contracts.models import Contract
from openics.core.audit import Auditor, service
from openics.core.imports import ImportRejected, ImportReport, record_import
from openics.core.models import ImportRun
from openics.kernel.money import Money
from openics.kernel.years import FinancialYear
from openics.ledger import chain as ledger_chain
from openics.ledger.models import Account, Purpose, TransactionKind
from openics.ledger.services import account_for, account_key
from openics.sources.base import RowError, SourceError
from openics.sources.payments import PaymentRow, read_payments

STAGING = "ledger_payment_staging"
CONTRACTS = "ledger_payment_contracts"  # one row per contract in the file: who pays whom


@dataclass
class PaymentImportReport:
    source_name: str
    rows: int
    total: Money
    method: str

    def summary(self) -> str:
        return (
            f"{self.source_name}: {self.rows:,} payments, {self.total} in all, "
            f"loaded by {self.method}"
        )


def _id(value: uuid.UUID) -> str:
    return str(value) if connection.vendor == "postgresql" else value.hex


def _stage(rows: list[PaymentRow]) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGING} (line integer, contract_ref varchar(40), "
            "invoice varchar(60), paid_on date, financial_year varchar(7), "
            "amount_pence bigint, element varchar(10), txn_id varchar(36), number varchar(20))"
        )
        values = (
            (
                r.line,
                r.contract,
                r.invoice,
                r.paid_on,
                FinancialYear.containing(r.paid_on).label,
                r.pence,
                r.element,
                _id(uuid.uuid4()),
                "T" + uuid.uuid4().hex[:16].upper(),
            )
            for r in rows
        )
        if connection.vendor == "postgresql":
            columns = (
                "line, contract_ref, invoice, paid_on, financial_year, amount_pence, "
                "element, txn_id, number"
            )
            with cursor.cursor.copy(f"COPY {STAGING} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            method = "COPY into a staging table"
        else:
            cursor.executemany(
                f"INSERT INTO {STAGING} VALUES (?,?,?,?,?,?,?,?,?)".replace("?", "%s"), list(values)
            )
            method = "batched inserts into a staging table"
        cursor.execute(f"CREATE INDEX {STAGING}_contract ON {STAGING} (contract_ref, invoice)")
        if connection.vendor == "postgresql":
            # Autovacuum never analyses a temporary table: without this the checks below
            # are planned for a guessed number of rows, not the file's.
            cursor.execute(f"ANALYZE {STAGING}")
    return method


def _problems() -> list[RowError]:
    """Set-based checks of the staged rows against the books."""
    payment_kinds = f"('{TransactionKind.PAYMENT}', '{TransactionKind.SUBCONTRACT_PAYMENT}')"
    checks = [
        (
            f"SELECT s.line, s.contract_ref FROM {STAGING} s LEFT JOIN commissioning_contract c "
            "ON c.reference = s.contract_ref WHERE c.id IS NULL",
            "no contract with the reference {1}",
        ),
        (
            f"SELECT s.line, s.invoice FROM {STAGING} s WHERE EXISTS (SELECT 1 FROM {STAGING} o "
            "WHERE o.contract_ref = s.contract_ref AND o.invoice = s.invoice AND o.line < s.line)",
            "invoice {1} appears earlier in the file for the same contract",
        ),
        (
            f"SELECT s.line, s.invoice FROM {STAGING} s JOIN commissioning_contract c "
            "ON c.reference = s.contract_ref JOIN ledger_transaction t ON t.contract_id = c.id "
            f"AND t.invoice_number = s.invoice AND t.kind IN {payment_kinds} "
            # Always true of a staged row; it lets the database use one_payment_per_invoice.
            "AND t.invoice_number <> ''",
            "invoice {1} on this contract has already been paid",
        ),
        (
            f"SELECT s.line, s.invoice FROM {STAGING} s JOIN commissioning_contract c "
            "ON c.reference = s.contract_ref JOIN ledger_transaction t ON t.contract_id = c.id "
            f"AND t.invoice_number = s.invoice AND t.kind = '{TransactionKind.INVOICE_APPROVAL}'",
            "invoice {1} was approved as a payable; pay it with the ledger service, which "
            "settles the payable, not in a bulk file",
        ),
        (
            f'SELECT s.line, s.paid_on, c.start, c."end" FROM {STAGING} s '
            "JOIN commissioning_contract c ON c.reference = s.contract_ref "
            'WHERE s.paid_on < c.start OR s.paid_on > c."end"',
            "paid on {1}, outside the contract's term ({2} to {3})",
        ),
    ]
    errors = []
    with connection.cursor() as cursor:
        for sql, reason in checks:
            cursor.execute(sql)
            for row in cursor.fetchall():
                errors.append(RowError(row[0], reason.format(*row)))
    return errors


def _cash_accounts(organisations, audit: Auditor) -> dict:
    """Each organisation's cash account (by organisation id), opening those not yet open.

    One query for the accounts already open, rather than one per organisation.
    """
    wanted = {org.pk: org for org in organisations}
    keys = {pk: account_key(org, Purpose.CASH) for pk, org in wanted.items()}
    found = Account.objects.in_bulk(list(keys.values()), field_name="key")
    return {
        pk: found.get(key) or account_for(wanted[pk], Purpose.CASH, audit=audit)
        for pk, key in keys.items()
    }


def _payers(contracts: dict[str, Contract], audit: Auditor) -> dict[str, Account]:
    """Each contract's payer: the prime provider's cash, or the fullest commitment."""
    cash = _cash_accounts([c.commissioner for c in contracts.values() if c.prime_id], audit)
    fullest: dict = {}
    for account in Account.objects.filter(
        contract__in=[c.pk for c in contracts.values() if not c.prime_id],
        purpose=Purpose.COMMITMENT,
    ).order_by("-balance_pence", "key"):
        fullest.setdefault(account.contract_id, account)
    payers = {}
    for reference, contract in contracts.items():
        if contract.prime_id:
            payers[reference] = cash[contract.commissioner_id]
        elif contract.pk in fullest:
            payers[reference] = fullest[contract.pk]
    return payers


def _overspends(contracts, payers, providers) -> list[RowError]:
    """Rows that take a contract's payments beyond what is committed (or the prime holds).

    Judged on the whole file: a prime provider may pass on money the same file pays it.
    """
    errors = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT contract_ref, MIN(line), SUM(amount_pence), COUNT(*) FROM {STAGING} "
            "GROUP BY contract_ref"
        )
        totals = cursor.fetchall()
    locked = {
        a.pk: a
        for a in Account.objects.select_for_update()
        .filter(pk__in=[a.pk for a in payers.values()])
        .order_by("pk")
    }
    needed: dict = {}
    arriving: dict = {}
    for reference, _first, pence, _count in totals:
        if reference in providers:
            cash = providers[reference].pk
            arriving[cash] = arriving.get(cash, 0) + int(pence)
    for reference, first_line, pence, _count in totals:
        if reference not in contracts:
            continue
        payer = payers.get(reference)
        if payer is None:
            errors.append(RowError(first_line, f"nothing is committed to contract {reference}"))
            continue
        needed.setdefault(payer.pk, []).append((reference, first_line, int(pence)))
    for pk, wanted in needed.items():
        account = locked[pk]
        asked = sum(p for _, _, p in wanted)
        if asked > account.balance_pence + arriving.get(pk, 0):
            for reference, first_line, pence in wanted:
                errors.append(
                    RowError(
                        first_line,
                        f"contract {reference}: the file pays {Money(pence)} from "
                        f"{account.name}, which holds {Money(account.balance_pence)} "
                        f"(with the file's other payments from it, {Money(asked)} in all)",
                    )
                )
    return errors


def _write(payers, providers, audit: Auditor, run: ImportRun) -> None:
    now = timezone.now()
    actor_user = audit.actor.user.pk if audit.actor.user is not None else None
    with connection.cursor() as cursor:
        # The accounts and names by contract go in a small table joined to the staged rows,
        # rather than written into every staged row (an UPDATE of the whole file).
        cursor.execute(f"DROP TABLE IF EXISTS {CONTRACTS}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {CONTRACTS} (contract_ref varchar(40) PRIMARY KEY, "
            "payer_id varchar(36), cash_id varchar(36), contract_id varchar(36), "
            "kind varchar(20), provider_name varchar(200))"
        )
        mapping = [
            (
                ref,
                _id(payers[ref].pk),
                _id(providers[ref].pk),
                _id(contract.pk),
                TransactionKind.SUBCONTRACT_PAYMENT
                if contract.prime_id
                else TransactionKind.PAYMENT,
                contract.provider.name,
            )
            for ref, contract in payers.contracts.items()
        ]
        cursor.executemany(f"INSERT INTO {CONTRACTS} VALUES (%s, %s, %s, %s, %s, %s)", mapping)
        staged = f"{STAGING} s JOIN {CONTRACTS} m ON m.contract_ref = s.contract_ref"
        cast = "::uuid" if connection.vendor == "postgresql" else ""
        concat = "||"
        cursor.execute(
            "INSERT INTO ledger_transaction (id, created_at, updated_at, number, kind, "
            "effective_date, financial_year, recorded_at, description, contract_id, "
            "invoice_number, element, source_type, source_id, reverses_id, actor_user_id, "
            "actor_system, reason) "
            f"SELECT s.txn_id{cast}, %s, %s, s.number, m.kind, s.paid_on, s.financial_year, %s, "
            f"m.provider_name {concat} ': contract ' {concat} s.contract_ref {concat} "
            f"', invoice ' {concat} s.invoice, m.contract_id{cast}, s.invoice, s.element, "
            f"'core.importrun', %s, NULL, %s, %s, %s FROM {staged}",
            [now, now, now, _id(run.pk), actor_user, audit.actor.system, audit.reason],
        )
        cursor.execute(
            "INSERT INTO ledger_posting (transaction_id, account_id, amount_pence, "
            "effective_date, financial_year) "
            f"SELECT s.txn_id{cast}, m.payer_id{cast}, -s.amount_pence, s.paid_on, "
            f"s.financial_year FROM {staged} UNION ALL "
            f"SELECT s.txn_id{cast}, m.cash_id{cast}, s.amount_pence, s.paid_on, "
            f"s.financial_year FROM {staged}"
        )
        for column, sign in (("payer_id", "-"), ("cash_id", "")):
            # One pass over the staged rows, not one per account (UPDATE … FROM: SQLite 3.33+).
            cursor.execute(
                "UPDATE ledger_account SET balance_pence = balance_pence + t.total "
                f"FROM (SELECT m.{column}{cast} AS account, {sign}SUM(s.amount_pence) AS total "
                f"FROM {staged} GROUP BY m.{column}) t WHERE ledger_account.id = t.account"
            )
        cursor.execute(
            "INSERT INTO ledger_flowtotal (financial_year, source_id, target_id, amount_pence) "
            f"SELECT s.financial_year, m.payer_id{cast}, m.cash_id{cast}, SUM(s.amount_pence) "
            f"FROM {staged} WHERE true GROUP BY s.financial_year, m.payer_id, m.cash_id "
            "ON CONFLICT (financial_year, source_id, target_id) DO UPDATE SET "
            "amount_pence = ledger_flowtotal.amount_pence + excluded.amount_pence"
        )
        cursor.execute(f"DROP TABLE {STAGING}")
        cursor.execute(f"DROP TABLE {CONTRACTS}")


class _Payers(dict):
    contracts: dict


@service("ledger.import_payments")
def _import(*, rows, errors, source_name, sha256, audit: Auditor) -> PaymentImportReport:
    ledger_chain.begin_writing()  # before any account is locked: see ledger.chain
    method = _stage(rows)
    errors = list(errors) + _problems()
    references = {r.contract for r in rows}
    contracts = {
        c.reference: c
        for c in Contract.objects.filter(reference__in=references).select_related(
            "provider", "commissioner"
        )
    }
    found = _payers(contracts, audit)
    cash = _cash_accounts([c.provider for c in contracts.values()], audit)
    providers = {ref: cash[c.provider_id] for ref, c in contracts.items()}
    errors += _overspends(contracts, found, providers)
    if errors:
        raise ImportRejected(source_name, sorted(errors, key=lambda e: (e.line, e.reason)))
    payers = _Payers(found)
    payers.contracts = contracts
    total = Money(sum(r.pence for r in rows))
    run = record_import(
        audit,
        ImportReport(
            "ledger-payments", source_name, "payments-csv-1", len(rows), created=len(rows)
        ),
        sha256,
    )
    _write(payers, providers, audit, run)
    ledger_chain.seal()  # the whole file is one link in the chain over the postings
    audit.record(
        object_type="ledger.transaction",
        object_id=str(run.pk),
        after={
            "payments": len(rows),
            "total_pence": total.pence,
            "file": source_name,
            "sha256": sha256,
            "method": method,
        },
    )
    return PaymentImportReport(source_name, len(rows), total, method)


def import_payments(
    data: bytes,
    *,
    source_name: str,
    actor,
    reason: str,
    progress: Callable[[int], None] | None = None,
) -> PaymentImportReport:
    try:
        rows, errors = read_payments(data, progress)
    except SourceError as exc:
        raise ImportRejected(source_name, message=f"{source_name} was rejected: {exc}") from None
    if not rows and not errors:
        raise ImportRejected(source_name, message=f"{source_name} holds no payments")
    sha256 = hashlib.sha256(data).hexdigest()
    return _import(
        rows=rows,
        errors=errors,
        source_name=source_name,
        sha256=sha256,
        actor=actor,
        reason=reason,
    )
