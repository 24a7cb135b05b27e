"""The hash chain over the postings: seal what was written, recompute it, name what changed.

A posting's line is `id transaction account pence effective_date financial_year` (ids as 32
hex digits) and a newline; a payment line's (ledger.PaymentLine, a payment of a payment
run) is `L id transaction contract invoice paid_on pence element line`, the invoice as the
hex of its UTF-8 bytes. A seal's digest is the SHA-256 of its postings' lines in id order
followed by its payment lines' in id order; its hash is the SHA-256 of its fields as
compact JSON with sorted keys (sealed_at to the second, UTC), which include the previous
seal's hash (64 zeros for the first) and, for a seal that covers payment lines, how many
and the last one's id. Writers take the chain lock (core.chains.lock) before they insert
postings, so the postings and lines after the last seal are exactly those the writer
holding the lock has just written.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from django.db import connection

from openics.core import chains
from openics.core.chains import GENESIS, Finding, Head, Recomputed, canonical_json, sha256
from openics.ledger.models import PostingSeal

NAME = "ledger"
TITLE = "The books (postings)"
_COLUMNS = "id, transaction_id, account_id, amount_pence, effective_date, financial_year"
_LINE_COLUMNS = (
    "id, transaction_id, contract_id, invoice_number, paid_on, amount_pence, element, line"
)


def _hex(value) -> str:
    return (
        value.hex
        if hasattr(value, "hex") and not isinstance(value, str)
        else (str(value).replace("-", ""))
    )


def line(row) -> bytes:
    pk, txn, account, pence, day, year = row
    return f"{pk} {_hex(txn)} {_hex(account)} {pence} {day} {year}\n".encode()


def payment_line(row) -> bytes:
    pk, txn, contract, invoice, day, pence, element, number = row
    return (
        f"L {pk} {_hex(txn)} {_hex(contract)} {invoice.encode().hex()} {day} {pence} "
        f"{element} {number}\n"
    ).encode()


def seal_hash(
    *,
    sequence,
    sealed_at: str,
    last_posting,
    postings,
    total_postings,
    digest,
    previous_hash,
    last_line: int = 0,
    lines: int = 0,
) -> str:
    fields = {
        "sequence": sequence,
        "sealed_at": sealed_at,
        "last_posting": last_posting,
        "postings": postings,
        "total_postings": total_postings,
        "digest": digest,
        "previous_hash": previous_hash,
    }
    if lines:  # seals made before payment runs hash as they were made
        fields.update(last_line=last_line, lines=lines)
    return sha256(canonical_json(fields))


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rows(
    after: int,
    upto: int | None = None,
    *,
    table: str = "ledger_posting",
    columns: str = _COLUMNS,
    chunk: int = 20_000,
):
    """Rows of a table (postings unless told) after an id (up to another), in id order, as
    raw rows, a chunk at a time."""
    last = after
    with connection.cursor() as cursor:
        while True:
            bound = "" if upto is None else " AND id <= %s"
            params = [last] + ([upto] if upto is not None else []) + [chunk]
            cursor.execute(
                f"SELECT {columns} FROM {table} WHERE id > %s{bound} "  # noqa: S608
                "ORDER BY id LIMIT %s",
                params,
            )
            rows = cursor.fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][0]
            if len(rows) < chunk:
                return


# Rows joined into one string by the database per round trip when hashing on PostgreSQL.
_CHUNK = 100_000


def _joined(h, table: str, line_sql: str, after: int, upto: int | None) -> tuple[int, int]:
    """Adds to the hash the lines PostgreSQL makes of a table's rows after an id (up to
    another), in id order, joined by the database a chunk of rows at a time; how many, and
    the last one's id."""
    bound = "" if upto is None else f" AND id <= {int(upto)}"
    count, last = 0, after
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT count(*), max(id), string_agg(l, '' ORDER BY id) FROM (SELECT id, "  # noqa: S608
                f"{line_sql} AS l FROM {table} WHERE id > %s{bound} ORDER BY id "
                "LIMIT %s) chunk",
                [last, _CHUNK],
            )
            n, top, text = cursor.fetchone()
            if not n:
                return count, last
            h.update(text.encode())
            count += n
            last = top
            if n < _CHUNK:
                return count, last


# On PostgreSQL the lines are made and joined by the database, the same bytes as line()
# and payment_line() make (ids, digits, ISO dates, year labels and hex are ASCII), many
# times faster than fetching the rows. Recomputing, used for seals of at least this many
# postings (a bulk import's); sealing, always.
IN_DATABASE_AT_LEAST = 1_000
_LINE_SQL = (
    "concat(id, ' ', encode(uuid_send(transaction_id), 'hex'), ' ', "
    "encode(uuid_send(account_id), 'hex'), ' ', amount_pence, ' ', "
    "to_char(effective_date, 'YYYY-MM-DD'), ' ', financial_year, E'\\n')"
)


_PAYMENT_LINE_SQL = (
    "concat('L ', id, ' ', encode(uuid_send(transaction_id), 'hex'), ' ', "
    "encode(uuid_send(contract_id), 'hex'), ' ', "
    "encode(convert_to(invoice_number, 'UTF8'), 'hex'), ' ', to_char(paid_on, 'YYYY-MM-DD'), "
    "' ', amount_pence, ' ', element, ' ', line, E'\\n')"
)


def _lines_digest(h, after: int, upto: int) -> int:
    """Adds the payment lines after an id up to another to the hash; how many there were."""
    if upto <= after:
        return 0
    if connection.vendor == "postgresql":
        return _joined(h, "ledger_paymentline", _PAYMENT_LINE_SQL, after, upto)[0]
    count = 0
    for row in _rows(after, upto, table="ledger_paymentline", columns=_LINE_COLUMNS):
        h.update(payment_line(row))
        count += 1
    return count


def _first_line(after: int) -> int:
    """The id of the first payment line after an id (ids from a sequence may skip)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id) FROM ledger_paymentline WHERE id > %s", [after])
        return cursor.fetchone()[0] or after + 1


def _last_line_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(id) FROM ledger_paymentline")
        return cursor.fetchone()[0] or 0


def _digest(after: int, upto: int | None = None, h=None) -> tuple[int, int, str]:
    """How many postings after an id (up to another), the last one's id, and the SHA-256 of
    their lines in id order (added to `h` where one is given)."""
    h = h or hashlib.sha256()
    count, top = 0, after
    if connection.vendor != "postgresql":
        for row in _rows(after, upto):
            h.update(line(row))
            count += 1
            top = row[0]
        return count, top, h.hexdigest()
    count, top = _joined(h, "ledger_posting", _LINE_SQL, after, upto)
    return count, top, h.hexdigest()


def seal(*, moment: datetime | None = None) -> PostingSeal | None:
    """Seals every posting and payment line written since the last seal (the caller holds
    the chain lock)."""
    last = PostingSeal.objects.order_by("-sequence").first()
    after = last.last_posting if last else 0
    after_line = last.last_line if last else 0
    h = hashlib.sha256()
    count, top, _ = _digest(after, h=h)
    if not count:
        return None
    top_line = _last_line_id()
    lines = _lines_digest(h, after_line, top_line)
    moment = (moment or datetime.now(UTC)).replace(microsecond=0)
    fields = {
        "sequence": (last.sequence + 1) if last else 1,
        "sealed_at": _when(moment),
        "last_posting": top,
        "postings": count,
        "total_postings": (last.total_postings if last else 0) + count,
        "digest": h.hexdigest(),
        "previous_hash": last.hash if last else GENESIS,
        # Carried on by a seal without lines (not hashed there), so the next seal knows
        # where the lines it covers begin without looking back for one with lines.
        "last_line": top_line if lines else after_line,
        "lines": lines,
    }
    made = PostingSeal(
        sequence=fields["sequence"],
        sealed_at=moment,
        last_posting=top,
        postings=count,
        total_postings=fields["total_postings"],
        digest=fields["digest"],
        previous_hash=fields["previous_hash"],
        last_line=fields["last_line"],
        lines=lines,
        hash=seal_hash(**fields),
    )
    made.save(force_insert=True)
    chains.extended(NAME)
    return made


def begin_writing() -> None:
    """Called by every writer of postings before it writes them."""
    chains.lock()


def head() -> Head:
    last = PostingSeal.objects.order_by("-sequence").first()
    if last is None:
        return Head(0, GENESIS, {"postings": 0, "last_posting": 0})
    return Head(
        last.sequence,
        last.hash,
        {"postings": last.total_postings, "last_posting": last.last_posting},
    )


def stored_at(lengths: set[int]) -> dict[int, str]:
    found = {}
    for chunk in chains.in_chunks(lengths):
        found.update(PostingSeal.objects.filter(sequence__in=chunk).values_list("sequence", "hash"))
    return found


def recompute(wanted: set[int]) -> Recomputed:
    """Every seal recomputed from the postings and payment lines alone, in one pass over them
    in id order."""
    findings: list[Finding] = []
    at: dict[int, Head] = {}
    previous = GENESIS
    total = 0
    seals = PostingSeal.objects.order_by("sequence").iterator()
    rows = _rows(0)
    pending = next(rows, None)
    after = after_line = 0
    count = 0
    expected = 1
    for s in seals:
        if s.sequence != expected and not findings:
            findings.append(Finding(NAME, expected, f"seal {expected} is missing"))
        expected = s.sequence + 1
        h = hashlib.sha256()
        if s.postings >= IN_DATABASE_AT_LEAST and connection.vendor == "postgresql":
            n, _, _ = _digest(after, s.last_posting, h=h)
            rows = _rows(max(after, s.last_posting))
            pending = next(rows, None)
        else:
            n = 0
            while pending is not None and pending[0] <= s.last_posting:
                h.update(line(pending))
                n += 1
                pending = next(rows, None)
        n_lines = _lines_digest(h, after_line, s.last_line) if s.lines else 0
        digest = h.hexdigest()
        fields = {
            "sequence": s.sequence,
            "sealed_at": _when(s.sealed_at),
            "last_posting": s.last_posting,
            "postings": s.postings,
            "total_postings": s.total_postings,
            "digest": digest,
            "previous_hash": previous,
            "last_line": s.last_line,
            "lines": s.lines,
        }
        recomputed = seal_hash(**fields)
        if not findings:
            what = f"seal {s.sequence} (postings {after + 1} to {s.last_posting}"
            what += (
                f", payment lines {_first_line(after_line)} to {s.last_line})" if s.lines else ")"
            )
            if n != s.postings or s.total_postings != total + s.postings:
                findings.append(
                    Finding(
                        NAME,
                        s.sequence,
                        f"{what} was sealed over {s.postings} postings; {n} are there now",
                    )
                )
            elif n_lines != s.lines:
                findings.append(
                    Finding(
                        NAME,
                        s.sequence,
                        f"{what} was sealed over {s.lines} payment lines; {n_lines} are there now",
                    )
                )
            elif digest != s.digest:
                findings.append(
                    Finding(
                        NAME,
                        s.sequence,
                        f"{what}: its postings or payment lines were altered after sealing",
                    )
                )
            elif s.previous_hash != previous or s.hash != recomputed:
                findings.append(Finding(NAME, s.sequence, f"{what}: the seal itself was altered"))
        previous = recomputed
        total += n
        count += 1
        after = s.last_posting
        if s.lines:
            after_line = s.last_line
        if s.sequence in wanted:
            at[s.sequence] = Head(s.sequence, recomputed, _extra(total, s.last_posting))
    if pending is not None and not findings:
        findings.append(
            Finding(
                NAME,
                count + 1,
                f"posting {pending[0]} and any after it are in no seal: written behind the "
                "application's back",
            )
        )
    stray = _last_line_id()
    if stray > after_line and not findings:
        findings.append(
            Finding(
                NAME,
                count + 1,
                f"payment line {stray} (and any from {after_line + 1}) is in no seal: written "
                "behind the application's back",
            )
        )
    return Recomputed(count, at, findings)


def _extra(postings: int, last_posting: int) -> dict:
    return {"postings": postings, "last_posting": last_posting}


def between(earlier: dict | None, later: dict) -> str:
    """The postings between two published heads, named as precisely as the rows allow."""
    first = (int(earlier["last_posting"]) if earlier else 0) + 1
    last = int(later["last_posting"])
    published = int(later["postings"]) - (int(earlier["postings"]) if earlier else 0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, t.number FROM ledger_posting p JOIN ledger_transaction t "
            "ON t.id = p.transaction_id WHERE p.id >= %s AND p.id <= %s ORDER BY p.id",
            [first, last],
        )
        present = cursor.fetchall()
    ids = {pk for pk, _ in present}
    numbers = sorted({number for _, number in present})
    said = f"postings {first} to {last}" if first != last else f"posting {first}"
    details = []
    if numbers:
        details.append(f"transaction{'s' if len(numbers) > 1 else ''} {', '.join(numbers[:5])}")
    if len(present) < published:
        details.append(f"{published} were published, {len(present)} are there now")
        if last - first + 1 == published:  # the ids were consecutive when published
            gone = [str(pk) for pk in range(first, last + 1) if pk not in ids]
            details.append(f"deleted: posting {', '.join(gone[:10])}")
    else:
        altered = _altered_by_audit(numbers)
        if altered:
            details.append(altered)
    return said + (f" ({'; '.join(details)})" if details else "")


def _altered_by_audit(numbers: list[str]) -> str:
    """Postings of these transactions that no longer match the audit log's copy of them."""
    from openics.core.models import AuditEntry
    from openics.ledger.models import Posting

    found = []
    copies = AuditEntry.objects.filter(object_type="ledger.transaction").only("after")
    by_number = {}
    for entry in copies:
        after = entry.after or {}
        if after.get("number") in numbers and "postings" in after:
            by_number[after["number"]] = after["postings"]
    for number in numbers:
        if number not in by_number:
            continue
        now = sorted(
            [p.account.key, p.amount_pence]
            for p in Posting.objects.filter(transaction__number=number).select_related("account")
        )
        if now != sorted(map(list, by_number[number])):
            found.append(f"transaction {number}'s postings differ from the audit log's copy")
    return "; ".join(found)


def witnesses() -> list[Finding]:
    """Each transaction a service wrote, compared with the audit log's copy of its postings."""
    from collections import defaultdict

    from openics.core.models import AuditEntry
    from openics.ledger.models import Posting

    copies = {}
    for entry in AuditEntry.objects.filter(
        object_type="ledger.transaction", before__isnull=True
    ).values_list("object_id", "after"):
        object_id, after = entry
        if after and "postings" in after:
            copies[object_id] = after
    if not copies:
        return []
    now: dict[str, list] = defaultdict(list)
    for txn, key, pence in Posting.objects.filter(transaction_id__in=list(copies)).values_list(
        "transaction_id", "account__key", "amount_pence"
    ):
        now[str(txn)].append([key, pence])
    for object_id, after in sorted(copies.items(), key=lambda kv: kv[1].get("number", "")):
        if sorted(now.get(object_id, [])) != sorted(map(list, after["postings"])):
            return [
                Finding(
                    NAME,
                    None,
                    f"transaction {after.get('number')}: its postings "
                    f"{sorted(now.get(object_id, []))} differ from the audit log's copy "
                    f"{sorted(map(list, after['postings']))}",
                )
            ]
    return []
