"""Bulk payments: `openics ledger import payments.csv`, all or nothing.

On PostgreSQL the file goes straight into a staging table by COPY, and its format is
checked there by a few SQL statements (the fast path, for files written the usual way:
ISO or dd/mm/yyyy dates, plain amounts like 1234.56); any file the fast path is not
sure of — a £ sign, thousands commas, spaces around a cell, a blank line, a bad row — is
read row by row in Python instead (sources.payments), which names every bad row. On
SQLite the rows always come from Python, staged by batched inserts. Either way the
staged rows are then checked as a set against the books: unknown contracts, invoices
paid before or twice in the file, dates outside the contract, and commitments that
would be overspent. Every bad row is
reported with its line number and nothing is written. A good file becomes
transactions, postings, balances and flow totals in a handful of set-based statements,
inside the one database transaction.

Columns (a header row, names as here; `element` is optional):
    contract, invoice, date_paid, amount, element
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import DataError, IntegrityError, connection, transaction
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
from openics.sources.payments import COLUMNS as PAYMENT_COLUMNS
from openics.sources.payments import PaymentRow, read_payments

STAGING = "ledger_payment_staging"
CONTRACTS = "ledger_payment_contracts"  # one row per contract in the file: who pays whom


@dataclass
class PaymentImportReport:
    source_name: str
    rows: int
    total: Money
    method: str
    phases: dict[str, float] = field(default_factory=dict)  # seconds, in the order run
    transactions: int = 0  # the payment run's: one per contract and month

    def summary(self) -> str:
        posted = (
            f", posted as {self.transactions:,} transaction"
            f"{'' if self.transactions == 1 else 's'} (one per contract and month)"
            if self.transactions
            else ""
        )
        return (
            f"{self.source_name}: {self.rows:,} payment{'' if self.rows == 1 else 's'}, "
            f"{self.total} in all{posted}, "
            f"loaded by {self.method}"
        )


def _id(value: uuid.UUID) -> str:
    return str(value) if connection.vendor == "postgresql" else value.hex


def _create_staging(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {STAGING} (line integer, contract_ref varchar(40), "
        "invoice varchar(60), paid_on date, financial_year varchar(7), "
        "amount_pence bigint, element varchar(10))"
    )


def _index_staging(cursor) -> None:
    if connection.vendor == "postgresql":
        # Autovacuum never analyses a temporary table: without this the checks below
        # are planned for a guessed number of rows, not the file's.
        cursor.execute(f"ANALYZE {STAGING}")


def _stage(rows: list[PaymentRow]) -> str:
    with connection.cursor() as cursor:
        _create_staging(cursor)
        values = (
            (
                r.line,
                r.contract,
                r.invoice,
                r.paid_on,
                FinancialYear.containing(r.paid_on).label,
                r.pence,
                r.element,
            )
            for r in rows
        )
        if connection.vendor == "postgresql":
            columns = "line, contract_ref, invoice, paid_on, financial_year, amount_pence, element"
            with cursor.cursor.copy(f"COPY {STAGING} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            method = "COPY into a staging table"
        else:
            cursor.executemany(
                f"INSERT INTO {STAGING} VALUES (?,?,?,?,?,?,?)".replace("?", "%s"), list(values)
            )
            method = "batched inserts into a staging table"
        _index_staging(cursor)
    return method


# The cells the fast path takes as they stand (bytes patterns, ASCII only). A file with a
# cell like anything else — a £ sign, thousands commas, a space at either end, a quote, a
# blank line — goes to the Python reader, which accepts more and names every bad row.
_TEXT = rb"[!#-+\--~]"  # printable ASCII but space, quote and comma
_CELL = {
    "contract": rb"%s(?:[ !#-+\--~]{0,38}%s)?" % (_TEXT, _TEXT),  # up to 40 characters
    "invoice": rb"%s(?:[ !#-+\--~]{0,58}%s)?" % (_TEXT, _TEXT),  # up to 60
    "date_paid": rb"(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/(?!0000)[0-9]{4}",
    # More than £0.00 and under £1 trillion (sources.payments.LARGEST_PAYMENT_PENCE).
    "amount": rb"(?![0.]*(?:,|\r?$))[0-9]{1,12}(?:\.[0-9]{1,2})?",
    "element": rb"fixed|variable|",
}
_OTHER = rb"[^,\r\n\"]*"
_START = "(extract(year FROM paid_on)::int - (extract(month FROM paid_on) < 4)::int)"


@dataclass
class _CopyPlan:
    """A file the fast path may try: its header and the rows after it."""

    header: list[str]
    body: bytes


def _copy_plan(data: bytes) -> _CopyPlan | None:
    """The header read without the csv module, or None where the Python reader must judge."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    end = data.find(b"\n")
    head, body = (data, b"") if end < 0 else (data[:end], data[end + 1 :])
    head = head.rstrip(b"\r")
    if b'"' in head or b"\x00" in head:
        return None
    try:
        header = [h.strip().lower() for h in head.decode("utf-8").split(",")]
    except UnicodeDecodeError:
        return None
    if any(c not in header for c in PAYMENT_COLUMNS):
        return None
    return _CopyPlan(header, body)


def _plain(plan: _CopyPlan, at: dict[str, int]) -> bool:
    """Whether every line of the file is a row of plain cells (one pass of one regex)."""
    cells = [
        b"(?:%s)" % _CELL[name] if name in _CELL and at[name] == i else _OTHER
        for i, name in enumerate(plan.header)
    ]
    pattern = re.compile(rb"^" + b",".join(cells) + rb"\r?$", re.MULTILINE)
    body = plan.body
    lines = body.count(b"\n") + (1 if body and not body.endswith(b"\n") else 0)
    return len(pattern.findall(body)) == lines


def _stage_by_copy(plan: _CopyPlan) -> str | None:
    """A plain file COPYed straight into the staging table, typed by the database (which
    refuses a date that does not exist); None if the Python reader must read it."""
    at = {name: i for i, name in enumerate(plan.header)}  # the last of a repeated name
    if not _plain(plan, at):
        return None
    columns = [
        {
            "contract": "contract_ref",
            "invoice": "invoice",
            "date_paid": "paid_on",
            "amount": "amount",
            "element": "element",
        }.get(name, f"other_{i}")
        if at.get(name) == i
        else f"other_{i}"
        for i, name in enumerate(plan.header)
    ]
    others = [f"{c} text" for c in columns if c.startswith("other_")]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        # The identity numbers the rows in the order COPY reads them; the header is line 1,
        # as in the Python reader (no cell is quoted, so a row is a line).
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGING} ("
            "line integer GENERATED ALWAYS AS IDENTITY (START WITH 2), "
            "contract_ref varchar(40), invoice varchar(60), paid_on date, "
            "amount numeric(14, 2), element varchar(10) DEFAULT '', "
            "amount_pence bigint GENERATED ALWAYS AS ((amount * 100)::bigint) STORED, "
            f"financial_year varchar(7) GENERATED ALWAYS AS ({_START}::text || '/' || "
            f"lpad((({_START} + 1) % 100)::text, 2, '0')) STORED"
            f"{''.join(', ' + o for o in others)})"
        )
        cursor.execute("SHOW DateStyle")
        style = cursor.fetchone()[0]
        cursor.execute("SET LOCAL DateStyle = 'ISO, DMY'")  # 30/05/2025 is the 30th of May
        options = "FORMAT csv" + (", FORCE_NOT_NULL (element)" if "element" in at else "")
        with cursor.cursor.copy(
            f"COPY {STAGING} ({', '.join(columns)}) FROM STDIN ({options})"
        ) as copy:
            copy.write(plan.body)
        cursor.execute("SELECT set_config('DateStyle', %s, true)", [style])
        _index_staging(cursor)
    return "COPY into a staging table, checked by one pattern and the database"


class _Unique(Exception):
    """The database refused a payment line as an invoice already paid: time to find which."""


def _problems(*, books: bool = True, uniqueness: bool = False) -> list[RowError]:
    """Set-based checks of the staged rows against the books.

    The checks that an invoice is paid once — not twice in the file, not in an earlier
    payment run — cost a look-up per row, and `one_payment_line_per_invoice` makes the same
    look-ups when the lines are written; they run here only when asked, which is when the
    other checks found something (so every bad row is named at once) or when writing the
    lines was refused."""
    if uniqueness:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {STAGING}_contract ON {STAGING} "
                "(contract_ref, invoice)"
            )
    payment_kinds = f"('{TransactionKind.PAYMENT}', '{TransactionKind.SUBCONTRACT_PAYMENT}')"
    book_checks = [
        (
            f"SELECT s.line, s.contract_ref FROM {STAGING} s LEFT JOIN commissioning_contract c "
            "ON c.reference = s.contract_ref WHERE c.id IS NULL",
            "no contract with the reference {1}",
        ),
        (
            # On PostgreSQL each staged row looks its invoice up in one_payment_per_invoice
            # (LATERAL … LIMIT 1 keeps it to that): joined as sets, the planner reads every
            # payment in the books instead, a cost that grows with them (37 s a file at
            # 3.5 million payments, on a loaded machine).
            f"SELECT s.line, s.invoice FROM {STAGING} s JOIN commissioning_contract c "
            "ON c.reference = s.contract_ref CROSS JOIN LATERAL (SELECT 1 FROM "
            "ledger_transaction t WHERE t.contract_id = c.id AND t.invoice_number = s.invoice "
            f"AND t.kind IN {payment_kinds} AND t.invoice_number <> '' LIMIT 1) paid"
            if connection.vendor == "postgresql"
            else f"SELECT s.line, s.invoice FROM {STAGING} s JOIN commissioning_contract c "
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
    checks = book_checks if books else []
    if uniqueness:
        checks += [
            (
                f"SELECT s.line, s.invoice FROM {STAGING} s WHERE EXISTS (SELECT 1 FROM "
                f"{STAGING} o WHERE o.contract_ref = s.contract_ref AND o.invoice = s.invoice "
                "AND o.line < s.line)",
                "invoice {1} appears earlier in the file for the same contract",
            ),
            (
                # Paid in an earlier payment run: one look-up per row in
                # one_payment_line_per_invoice (as above, LATERAL keeps PostgreSQL to it).
                f"SELECT s.line, s.invoice FROM {STAGING} s JOIN commissioning_contract c "
                "ON c.reference = s.contract_ref CROSS JOIN LATERAL (SELECT 1 FROM "
                "ledger_paymentline p WHERE p.contract_id = c.id AND p.invoice_number = s.invoice "
                "LIMIT 1) paid"
                if connection.vendor == "postgresql"
                else f"SELECT s.line, s.invoice FROM {STAGING} s JOIN commissioning_contract c "
                "ON c.reference = s.contract_ref JOIN ledger_paymentline p ON p.contract_id = c.id "
                "AND p.invoice_number = s.invoice",
                "invoice {1} on this contract has already been paid (in an earlier file)",
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
    for account in (
        Account.objects.filter(
            contract__in=[c.pk for c in contracts.values() if not c.prime_id],
            purpose=Purpose.COMMITMENT,
        )
        .only("key", "name", "contract_id", "balance_pence")
        .order_by("-balance_pence", "key")
    ):
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


RUNS = "ledger_payment_runs"  # one row per contract and month: a transaction of the run
# The calendar month of a staged payment, as yyyymm.
_PERIOD = {
    "postgresql": "(extract(year FROM s.paid_on)::int * 100 + extract(month FROM s.paid_on)::int)",
    "sqlite": "CAST(strftime('%Y%m', s.paid_on) AS INTEGER)",
}


def _time_ordered_ids(moment_ms: int, count: int) -> list[uuid.UUID]:
    """`count` transaction ids in increasing order, their first six bytes the import's time in
    milliseconds, then a counter, then random bytes (as uuid4): a file's transactions go in
    at the end of the primary key's index, not all over it, and its payment lines, written
    in the order of their transactions, lie in that order on disk too."""
    prefix = moment_ms.to_bytes(6, "big")
    return [
        uuid.UUID(bytes=prefix + n.to_bytes(4, "big") + uuid.uuid4().bytes[10:])
        for n in range(count)
    ]


def _runs(contracts: dict[str, Contract]) -> list[tuple]:
    """The file's transactions: one per contract and calendar month, summing its payments,
    dated the month's last payment in the file."""
    period = _PERIOD[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.contract_ref, {period}, MAX(s.financial_year), COUNT(*), "
            f"SUM(s.amount_pence), MAX(s.paid_on) FROM {STAGING} s GROUP BY s.contract_ref, "
            f"{period}"
        )
        groups = cursor.fetchall()
    # In the order of one_payment_line_per_invoice (contract, then month): the lines are
    # written in the order of their transactions' ids, which then touches each page of
    # that index once rather than again and again all over it.
    groups.sort(key=lambda g: (_id(contracts[g[0]].pk), int(g[1])))
    ids = _time_ordered_ids(int(time.time() * 1000), len(groups))
    runs = []
    for (reference, month, year, count, pence, last), txn_id in zip(groups, ids, strict=True):
        contract = contracts[reference]
        when = date(int(month) // 100, int(month) % 100, 1)
        paid = "1 payment" if count == 1 else f"{count:,} payments"
        runs.append(
            (
                reference,
                int(month),
                _id(txn_id),
                "T" + uuid.uuid4().hex[:16].upper(),
                year,
                last if isinstance(last, date) else date.fromisoformat(str(last)),
                int(pence),
                f"{contract.provider.name}: contract {reference}, {paid} in {when:%B %Y}"[:300],
            )
        )
    return runs


def _write(payers, providers, audit: Auditor, run: ImportRun, clock) -> int:
    """The payment run: its transactions, their postings, the payment lines, balances and
    flow totals, in a handful of set-based statements; how many transactions it made."""
    now = timezone.now()
    actor_user = audit.actor.user.pk if audit.actor.user is not None else None
    postgres = connection.vendor == "postgresql"
    uuid_type = "uuid" if postgres else "varchar(36)"
    runs = _runs(payers.contracts)
    with connection.cursor() as cursor:
        # The accounts and names by contract go in a small table joined to the staged rows,
        # rather than written into every staged row (an UPDATE of the whole file).
        cursor.execute(f"DROP TABLE IF EXISTS {CONTRACTS}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {CONTRACTS} (contract_ref varchar(40) PRIMARY KEY, "
            f"payer_id {uuid_type}, cash_id {uuid_type}, contract_id {uuid_type}, "
            "kind varchar(20))"
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
            )
            for ref, contract in payers.contracts.items()
        ]
        cursor.executemany(f"INSERT INTO {CONTRACTS} VALUES (%s, %s, %s, %s, %s)", mapping)
        cursor.execute(f"DROP TABLE IF EXISTS {RUNS}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {RUNS} (contract_ref varchar(40), period integer, "
            f"txn_id {uuid_type}, number varchar(20), financial_year varchar(7), "
            "paid_until date, amount_pence bigint, description varchar(300), "
            "PRIMARY KEY (contract_ref, period))"
        )
        if postgres:
            with cursor.cursor.copy(f"COPY {RUNS} FROM STDIN") as copy:
                for row in runs:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {RUNS} VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", runs)
        joined = f"{RUNS} r JOIN {CONTRACTS} m ON m.contract_ref = r.contract_ref"
        cursor.execute(
            "INSERT INTO ledger_transaction (id, created_at, updated_at, number, kind, "
            "effective_date, financial_year, recorded_at, description, contract_id, "
            "invoice_number, element, source_type, source_id, reverses_id, actor_user_id, "
            "actor_system, reason) "
            "SELECT r.txn_id, %s, %s, r.number, m.kind, r.paid_until, r.financial_year, %s, "
            "r.description, m.contract_id, '', '', 'core.importrun', %s, NULL, %s, %s, %s "
            f"FROM {joined} ORDER BY r.txn_id",
            [now, now, now, _id(run.pk), actor_user, audit.actor.system, audit.reason],
        )
        cursor.execute(
            "INSERT INTO ledger_posting (transaction_id, account_id, amount_pence, "
            "effective_date, financial_year) "
            "SELECT r.txn_id, m.payer_id, -r.amount_pence, r.paid_until, r.financial_year "
            f"FROM {joined} UNION ALL "
            "SELECT r.txn_id, m.cash_id, r.amount_pence, r.paid_until, r.financial_year "
            f"FROM {joined}"
        )
        clock("transactions and postings written")
        period = _PERIOD[connection.vendor]
        try:
            # In the order of the transactions' ids (see _runs), not of the file.
            cursor.execute(
                "INSERT INTO ledger_paymentline (transaction_id, contract_id, invoice_number, "
                "paid_on, amount_pence, element, line) "
                "SELECT r.txn_id, m.contract_id, s.invoice, s.paid_on, s.amount_pence, "
                f"s.element, s.line FROM {STAGING} s JOIN {CONTRACTS} m "
                f"ON m.contract_ref = s.contract_ref JOIN {RUNS} r "
                f"ON r.contract_ref = s.contract_ref AND r.period = {period} "
                "ORDER BY r.txn_id, s.invoice"
            )
        except IntegrityError as exc:  # an invoice paid twice: which, is found after
            raise _Unique from exc
        clock("payment lines written")
        for column, sign in (("payer_id", "-"), ("cash_id", "")):
            # One pass over the run's transactions (UPDATE … FROM: SQLite 3.33+).
            cursor.execute(
                "UPDATE ledger_account SET balance_pence = balance_pence + t.total "
                f"FROM (SELECT m.{column} AS account, {sign}SUM(r.amount_pence) AS total "
                f"FROM {joined} GROUP BY m.{column}) t WHERE ledger_account.id = t.account"
            )
        cursor.execute(
            "INSERT INTO ledger_flowtotal (financial_year, source_id, target_id, amount_pence) "
            "SELECT r.financial_year, m.payer_id, m.cash_id, SUM(r.amount_pence) "
            f"FROM {joined} WHERE true GROUP BY r.financial_year, m.payer_id, m.cash_id "
            "ON CONFLICT (financial_year, source_id, target_id) DO UPDATE SET "
            "amount_pence = ledger_flowtotal.amount_pence + excluded.amount_pence"
        )
        clock("balances and flow totals")
        for table in (STAGING, CONTRACTS, RUNS):
            cursor.execute(f"DROP TABLE {table}")
        if postgres:
            # A file that grows a table by a tenth or more leaves the planner's statistics
            # stale until autovacuum catches up, and the next file's checks (and openics
            # check) planned for a table a tenth the size. Analysed now, as autovacuum would.
            added = {
                "ledger_paymentline": payers.rows,
                "ledger_transaction": len(runs),
                "ledger_posting": 2 * len(runs),
            }
            cursor.execute(
                "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [list(added)]
            )
            grown = sorted(t for t, size in cursor.fetchall() if added[t] * 10 >= max(size, 0))
            if grown:
                cursor.execute(f"ANALYZE {', '.join(grown)}")
        clock("statistics")
    return len(runs)


class _Payers(dict):
    contracts: dict
    rows: int


def _staged_totals() -> tuple[int, int, set[str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), coalesce(sum(amount_pence), 0) FROM {STAGING}")
        count, pence = cursor.fetchone()
        cursor.execute(f"SELECT DISTINCT contract_ref FROM {STAGING}")
        references = {r[0] for r in cursor.fetchall()}
    return int(count), int(pence), references


def _stage_file(data: bytes, plan: _CopyPlan | None, source_name: str, progress):
    """Stages the file (fast path first where there is one); returns the method and the
    rows' format errors."""
    if plan is not None:
        try:
            with transaction.atomic():  # a savepoint: a failed fast path leaves nothing
                method = _stage_by_copy(plan)
                if method is None:
                    raise _NotPlain
        except (_NotPlain, DataError, IntegrityError, *_driver_refusals()):
            pass
        else:
            if progress:
                progress(data.count(b"\n"))
            return method, []
    try:
        rows, errors = read_payments(data, progress)
    except SourceError as exc:
        raise ImportRejected(source_name, message=f"{source_name} was rejected: {exc}") from None
    return _stage(rows), errors


def _driver_refusals() -> tuple:
    """The driver's own errors for a value the database refuses (COPY runs on the driver's
    cursor, so Django does not wrap them)."""
    driver = connection.Database
    return (driver.DataError, driver.IntegrityError)


class _NotPlain(Exception):
    """The fast path declines the file; the Python reader reads it."""


# The fields of a contract's provider and commissioner the import reads (accounts' keys and
# names, transactions' descriptions).
_BODY_FIELDS = ("code", "ons_code", "name", "kind")


@service("ledger.import_payments")
def _import(*, data, plan, source_name, sha256, progress, audit: Auditor) -> PaymentImportReport:
    phases: dict[str, float] = {}
    clock = _Clock(phases)
    ledger_chain.begin_writing()  # before any account is locked: see ledger.chain
    method, errors = _stage_file(data, plan, source_name, progress)
    count, pence, references = _staged_totals()
    if not count and not errors:
        raise ImportRejected(source_name, message=f"{source_name} holds no payments")
    clock("staged")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # sorts and hashes of a whole file in memory
            cursor.execute("SET LOCAL work_mem = '256MB'")
    errors = list(errors) + _problems()
    if errors:  # every bad row named at once
        errors += _problems(books=False, uniqueness=True)
    clock("checked against the books")
    # Only what the payers, the accounts' keys and the transactions' descriptions need:
    # a file names thousands of contracts.
    bodies = [f"{b}__{f}" for b in ("provider", "commissioner") for f in _BODY_FIELDS]
    contracts = {
        c.reference: c
        for c in Contract.objects.filter(reference__in=references)
        .select_related("provider", "commissioner")
        .only("reference", "prime_id", "provider_id", "commissioner_id", *bodies)
    }
    found = _payers(contracts, audit)
    cash = _cash_accounts([c.provider for c in contracts.values()], audit)
    providers = {ref: cash[c.provider_id] for ref, c in contracts.items()}
    errors += _overspends(contracts, found, providers)
    clock("commitments checked")
    if errors:
        raise ImportRejected(source_name, sorted(errors, key=lambda e: (e.line, e.reason)))
    payers = _Payers(found)
    payers.contracts = contracts
    payers.rows = count
    total = Money(pence)
    run = record_import(
        audit,
        ImportReport("ledger-payments", source_name, "payments-csv-1", count, created=count),
        sha256,
    )
    try:
        with transaction.atomic():  # a savepoint: a refused line leaves nothing behind
            transactions = _write(payers, providers, audit, run, clock)
    except _Unique as refused:
        errors = _problems(books=False, uniqueness=True)
        if not errors:
            raise refused.__cause__ from None
        raise ImportRejected(
            source_name, sorted(errors, key=lambda e: (e.line, e.reason))
        ) from None
    ledger_chain.seal()  # the whole file is one link in the chain over the postings
    clock("sealed")
    audit.record(
        object_type="ledger.transaction",
        object_id=str(run.pk),
        after={
            "payments": count,
            "transactions": transactions,
            "total_pence": total.pence,
            "file": source_name,
            "sha256": sha256,
            "method": method,
        },
    )
    return PaymentImportReport(source_name, count, total, method, phases, transactions)


class _Clock:
    """Seconds each phase of an import took, in the report (the benchmark prints them)."""

    def __init__(self, phases: dict[str, float]) -> None:
        self.phases = phases
        self.last = time.perf_counter()

    def __call__(self, phase: str) -> None:
        now = time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + now - self.last
        self.last = now


def import_payments(
    data: bytes,
    *,
    source_name: str,
    actor,
    reason: str,
    progress: Callable[[int], None] | None = None,
) -> PaymentImportReport:
    plan = _copy_plan(data) if connection.vendor == "postgresql" else None
    first = data.split(b"\n", 1)[0]
    if plan is None and b'"' not in first:
        try:  # a header without the columns is refused before anything is opened
            read_payments(first, None)
        except SourceError as exc:
            raise ImportRejected(
                source_name, message=f"{source_name} was rejected: {exc}"
            ) from None
    sha256 = hashlib.sha256(data).hexdigest()
    return _import(
        data=data,
        plan=plan,
        source_name=source_name,
        sha256=sha256,
        progress=progress,
        actor=actor,
        reason=reason,
    )
