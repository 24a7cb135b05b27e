"""A record no one can rewrite unnoticed (issue 20, item 1).

On a small world like the demonstration's (a board's decisions and a power from above, a
place's books with commitments and payments), each change below is made as a database
superuser would make it: past the triggers, with every hash recomputed so that the rows
fit each other again, and the audit log's copies and the database's own checkpoints
rewritten or removed too. `openics verify --against` a checkpoint log downloaded before
still names the entry or the posting that changed.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC

import pytest
from click.testing import CliRunner
from django.db import DatabaseError, connection, transaction

from openics.cli import main
from openics.core import checkpoints
from openics.core.models import AuditEntry, Checkpoint
from openics.governance import record
from openics.governance import services as gov
from openics.governance.models import RecordEntry, Vote
from openics.ledger import chain as ledger_chain
from openics.ledger import services as books
from openics.ledger.models import Account, Posting, PostingSeal, Transaction
from tests.governance_world import WHO, build_governance_world
from tests.ledger_world import ACTOR, START, build_world, contract, fund_place, pounds
from tests.tamper import as_superuser

pytestmark = pytest.mark.django_db(transaction=True)
AS = {"actor": ACTOR, "reason": "test"}


@pytest.fixture
def world():
    governed = build_governance_world()
    meeting = governed.meeting()
    for n in ("2", "3", "4"):
        item = gov.add_item(meeting=meeting, number=n, title=f"Item {n}", kind="decision", **WHO)
        gov.decide_item(
            item=item,
            votes={m: "for" for m in governed.members.values()},
            resolution=f"Resolution {n}",
            **WHO,
        )
    books_world = build_world()
    budget = fund_place(books_world, "£1,000,000.00")
    deal = contract(books_world, reference="C-ACUTE-1")
    books.commit(contract=deal, source=budget, amount=pounds("£600,000.00"), on=START, **AS)
    for n, amount in enumerate(("£152,888.58", "£50,000.00", "£12,345.67"), start=1):
        books.pay(contract=deal, amount=pounds(amount), on=START, invoice_number=f"INV-{n}", **AS)
    return governed


def _run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _log(tmp_path):
    out = tmp_path / "checkpoints.jsonl"
    result = _run("verify", "--export-checkpoints", str(out))
    assert result.exit_code == 0, result.output
    return out


def _forget_checkpoints(cursor):
    """What a superuser who rewrote the rows would do next: remove the checkpoints that no
    longer fit (they cannot sign new ones without the key)."""
    cursor.execute("DELETE FROM core_checkpoint")


def _rechain_record(cursor, first: int) -> None:
    """Recomputes every entry's hash from `first` on, keeping their times, and rewrites the
    audit log's copies to match: the record then fits itself and its copies."""
    previous = RecordEntry.objects.get(sequence=first - 1).hash if first > 1 else record.GENESIS
    for entry in RecordEntry.objects.filter(sequence__gte=first).order_by("sequence"):
        entry.previous_hash = previous
        entry.hash = record.digest(entry)
        cursor.execute(
            "UPDATE governance_recordentry SET previous_hash = %s, hash = %s, body = %s "
            "WHERE sequence = %s",
            [entry.previous_hash, entry.hash, json.dumps(entry.body), entry.sequence],
        )
        copy = AuditEntry.objects.get(
            object_type="governance.recordentry", object_id=str(entry.sequence)
        )
        after = dict(copy.after, body=entry.body, previous_hash=previous, hash=entry.hash)
        cursor.execute(
            "UPDATE core_auditentry SET after = %s WHERE id = %s",
            [json.dumps(after), copy.id.hex if connection.vendor == "sqlite" else str(copy.id)],
        )
        previous = entry.hash


def _reseal_from(cursor, first: int) -> None:
    """Seals the postings again from seal `first` on, over the same ranges and times (less
    any range now empty), as someone covering a deletion would."""
    old = list(PostingSeal.objects.filter(sequence__gte=first).order_by("sequence"))
    before = PostingSeal.objects.filter(sequence__lt=first).order_by("-sequence").first()
    cursor.execute("DELETE FROM ledger_postingseal WHERE sequence >= %s", [first])
    previous = before.hash if before else ledger_chain.GENESIS
    after = before.last_posting if before else 0
    total = before.total_postings if before else 0
    sequence = first - 1
    for seal in old:
        rows = list(ledger_chain._rows(after, seal.last_posting))
        after = seal.last_posting
        if not rows:
            continue
        sequence += 1
        total += len(rows)
        fields = {
            "sequence": sequence,
            "sealed_at": seal.sealed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "last_posting": seal.last_posting,
            "postings": len(rows),
            "total_postings": total,
            "digest": hashlib.sha256(b"".join(ledger_chain.line(r) for r in rows)).hexdigest(),
            "previous_hash": previous,
        }
        previous = ledger_chain.seal_hash(**fields)
        cursor.execute(
            "INSERT INTO ledger_postingseal (sequence, sealed_at, last_posting, postings, "
            "total_postings, digest, previous_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [sequence, seal.sealed_at, *list(fields.values())[2:], previous],
        )


def _db_id(value) -> str:
    return value.hex if connection.vendor == "sqlite" else str(value)


# -- an untouched database -------------------------------------------------------------------


def test_every_change_is_checkpointed_and_an_untouched_database_verifies(world, tmp_path):
    # One checkpoint per service that extended a chain, each signed and linked to the last.
    assert Checkpoint.objects.count() >= RecordEntry.objects.count() + Transaction.objects.count()
    latest = checkpoints.latest()
    assert latest.heads["record"] == {"length": 3, "head": RecordEntry.objects.get(sequence=3).hash}
    assert latest.heads["ledger"]["postings"] == Posting.objects.count()
    log = _log(tmp_path)
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line["sequence"] for line in lines] == list(range(1, len(lines) + 1))
    result = _run("verify", "--against", str(log))
    assert result.exit_code == 0, result.output
    assert "The record of decisions is intact: 3 entries verified." in result.output
    assert "The books (postings) are intact" in result.output
    assert f"to checkpoint {len(lines)}" in result.output
    checked = _run("check", "--on", "2026-03-31")
    assert "[ok] Chain over the postings: 6 seals over 12 postings" in checked.output
    assert f"[ok] Checkpoints: {len(lines)} signed checkpoints" in checked.output
    # The daily checkpoint, from cron, adds one more that the old log does not hold.
    daily = _run("checkpoint")
    assert daily.exit_code == 0 and f"Checkpoint {len(lines) + 1} signed" in daily.output
    assert _run("verify", "--against", str(log)).exit_code == 0


def test_the_database_refuses_to_change_the_record_or_the_books(world):
    for sql in (
        "UPDATE governance_recordentry SET body = '{}' WHERE sequence = 1",
        "DELETE FROM governance_recordentry WHERE sequence = 3",
        "DELETE FROM ledger_posting WHERE id = (SELECT MAX(id) FROM ledger_posting)",
        "UPDATE ledger_postingseal SET digest = 'x' WHERE sequence = 1",
        "DELETE FROM core_checkpoint WHERE sequence = 1",
    ):
        with (
            pytest.raises(DatabaseError, match="cannot|immutable|append-only|published"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)


# -- (1) an entry rewritten, every hash after it recomputed ------------------------------------


def test_a_rewritten_entry_with_recomputed_hashes_is_named_against_an_earlier_log(world, tmp_path):
    log = _log(tmp_path)
    with as_superuser() as cursor:
        entry = RecordEntry.objects.get(sequence=2)
        entry.body = dict(entry.body, resolution="Resolution 3, amended to pay Scan Co Ltd")
        cursor.execute(
            "UPDATE governance_agendaitem SET resolution = %s WHERE id = %s",
            [entry.body["resolution"], _db_id(entry.item_id)],
        )
        cursor.execute(
            "UPDATE governance_recordentry SET body = %s WHERE sequence = 2",
            [json.dumps(entry.body)],
        )
        _rechain_record(cursor, 2)
        _forget_checkpoints(cursor)
    # The rows now fit each other, the minutes and the audit log: only a published
    # checkpoint can tell.
    alone = _run("verify")
    assert alone.exit_code == 0, alone.output
    result = _run("verify", "--against", str(log))
    assert result.exit_code == 1
    assert "The record of decisions: checkpoint" in result.output
    assert "Changed since: entry 2 (decision)." in result.output
    assert "checkpoint 1 of" in result.output and "is not in the database" in result.output


# -- (2) a vote changed --------------------------------------------------------------------


def test_a_changed_vote_is_named_by_verify_and_by_check(world, tmp_path):
    log = _log(tmp_path)
    vote = Vote.objects.filter(item__number="3").first()
    with as_superuser() as cursor:
        cursor.execute(
            "UPDATE governance_vote SET choice = 'against' WHERE id = %s", [_db_id(vote.pk)]
        )
    result = _run("verify", "--against", str(log))
    assert result.exit_code == 1
    assert "item 3 of qxx-board-2026-03-10 (entry 2)" in result.output
    assert "the votes minuted ({'against': 1, 'for': 9})" in result.output
    assert "are not those on the record ({'for': 10})" in result.output
    checked = _run("check", "--on", "2026-06-01")
    assert checked.exit_code == 1 and "[FAIL] Record of decisions: item 3" in checked.output


def test_a_vote_changed_with_the_record_rewritten_to_match_is_named_against_the_log(
    world, tmp_path
):
    log = _log(tmp_path)
    vote = Vote.objects.filter(item__number="4").select_related("membership").first()
    with as_superuser() as cursor:
        cursor.execute(
            "UPDATE governance_vote SET choice = 'against' WHERE id = %s", [_db_id(vote.pk)]
        )
        entry = RecordEntry.objects.get(sequence=3)
        body = entry.body
        body["minutes"]["votes"][str(vote.membership_id)] = "against"
        name = next(k for k in body["votes"] if k.startswith(vote.membership.seat.title))
        body["votes"][name] = "against"
        cursor.execute(
            "UPDATE governance_recordentry SET body = %s WHERE sequence = 3", [json.dumps(body)]
        )
        _rechain_record(cursor, 3)
        _forget_checkpoints(cursor)
    assert _run("verify").exit_code == 0
    result = _run("verify", "--against", str(log))
    assert result.exit_code == 1 and "Changed since: entry 3 (decision)." in result.output


# -- (3) a posting deleted, the balances adjusted -------------------------------------------


def test_a_deleted_payment_with_balances_adjusted_is_named_against_an_earlier_log(world, tmp_path):
    log = _log(tmp_path)
    payment = Transaction.objects.get(invoice_number="INV-1")
    legs = list(payment.postings.order_by("id"))
    seal = PostingSeal.objects.filter(last_posting__gte=legs[0].pk).order_by("sequence").first()
    with as_superuser() as cursor:
        for leg in legs:
            cursor.execute(
                "UPDATE ledger_account SET balance_pence = balance_pence - %s WHERE id = %s",
                [leg.amount_pence, _db_id(leg.account_id)],
            )
        source = next(leg for leg in legs if leg.amount_pence < 0)
        target = next(leg for leg in legs if leg.amount_pence > 0)
        cursor.execute(
            "UPDATE ledger_flowtotal SET amount_pence = amount_pence - %s "
            "WHERE source_id = %s AND target_id = %s",
            [target.amount_pence, _db_id(source.account_id), _db_id(target.account_id)],
        )
        cursor.execute("DELETE FROM ledger_posting WHERE transaction_id = %s", [_db_id(payment.pk)])
        cursor.execute("DELETE FROM core_auditentry WHERE object_id = %s", [str(payment.pk)])
        cursor.execute("DELETE FROM ledger_transaction WHERE id = %s", [_db_id(payment.pk)])
        _reseal_from(cursor, seal.sequence)
        _forget_checkpoints(cursor)
    # The books balance and agree with their flow totals; the seals fit the postings.
    checked = _run("check", "--on", "2026-03-31")
    assert "[ok] Ledger:" in checked.output, checked.output
    assert _run("verify").exit_code == 0
    result = _run("verify", "--against", str(log))
    assert result.exit_code == 1
    ids = ", ".join(str(leg.pk) for leg in legs)
    assert "The books (postings): checkpoint" in result.output
    assert (
        f"Changed since: postings {legs[0].pk} to {legs[-1].pk} (2 were published, 0 are there "
        f"now; deleted: posting {ids})" in result.output
    )


def test_a_posting_moved_between_legs_is_named_by_verify_alone(world):
    payment = Transaction.objects.get(invoice_number="INV-2")
    legs = list(payment.postings.order_by("id"))
    with as_superuser() as cursor:
        for leg, delta in zip(legs, (1_000_000, -1_000_000), strict=True):
            cursor.execute(
                "UPDATE ledger_posting SET amount_pence = amount_pence + %s WHERE id = %s",
                [delta, leg.pk],
            )
    result = _run("verify")
    assert result.exit_code == 1
    assert "its postings or payment lines were altered after sealing" in result.output


def _payment_run():
    from openics.ledger.ingest import import_payments

    import_payments(
        b"contract,invoice,date_paid,amount\n"
        b"C-ACUTE-1,RUN-1,2025-06-02,30000.00\n"
        b"C-ACUTE-1,RUN-2,2025-06-20,1000.00\n",
        source_name="run.csv",
        **AS,
    )
    return Transaction.objects.get(source_type="core.importrun")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the lines made by the database: PostgreSQL"
)
def test_the_lines_postgresql_hashes_are_the_bytes_python_makes(world):
    """Seals and `openics verify` on PostgreSQL hash lines the database makes; a published
    checkpoint is checked by anyone with the Python definition, so they must be the same."""
    from openics.ledger.ingest import import_payments

    import_payments(
        "contract,invoice,date_paid,amount,element\n"
        "C-ACUTE-1,FACT-é-1,2025-06-02,30000.00,fixed\n"
        "C-ACUTE-1,INV/2025 #2,2025-07-20,1000.05,\n".encode(),
        source_name="run.csv",
        **AS,
    )
    for table, sql, make, columns in (
        ("ledger_posting", ledger_chain._LINE_SQL, ledger_chain.line, ledger_chain._COLUMNS),
        (
            "ledger_paymentline",
            ledger_chain._PAYMENT_LINE_SQL,
            ledger_chain.payment_line,
            ledger_chain._LINE_COLUMNS,
        ),
    ):
        rows = list(ledger_chain._rows(0, table=table, columns=columns))
        assert len(rows) >= 2
        by_python = hashlib.sha256(b"".join(make(r) for r in rows))
        by_database = hashlib.sha256()
        count, last = ledger_chain._joined(by_database, table, sql, 0, None)
        assert (count, last) == (len(rows), rows[-1][0])
        assert by_database.hexdigest() == by_python.hexdigest(), table


def test_payment_lines_moved_within_their_run_are_named_by_verify(world):
    from openics.ledger.models import PaymentLine

    run = _payment_run()
    assert _run("verify").exit_code == 0
    first, second = run.lines.order_by("id")
    with as_superuser() as cursor:  # the run's total, its postings and balances still fit
        for line, delta in ((first, -2_000_000), (second, 2_000_000)):
            cursor.execute(
                "UPDATE ledger_paymentline SET amount_pence = amount_pence + %s WHERE id = %s",
                [delta, line.pk],
            )
    assert PaymentLine.objects.get(pk=first.pk).amount_pence == 1_000_000
    checked = _run("check", "--on", "2026-03-31")
    assert "[ok] Ledger:" in checked.output, checked.output
    result = _run("verify")
    assert result.exit_code == 1
    assert f"payment lines {first.pk} to {second.pk}" in result.output
    assert "its postings or payment lines were altered after sealing" in result.output


def test_a_payment_line_that_no_longer_adds_up_to_its_run_is_reported_by_check(world):
    run = _payment_run()
    line = run.lines.order_by("id").first()
    with as_superuser() as cursor:
        cursor.execute("DELETE FROM ledger_paymentline WHERE id = %s", [line.pk])
    result = _run("check", "--on", "2026-03-31")
    assert result.exit_code == 1
    assert (
        f"transaction {run.number}'s payment lines add up to £1,000.00 but its postings move "
        "£31,000.00" in result.output
    ), result.output
    verified = _run("verify")
    assert verified.exit_code == 1
    assert "was sealed over 2 payment lines; 1 are there now" in verified.output


def test_an_unbalanced_posting_is_reported_by_check_not_a_crash(world):
    posting = Posting.objects.order_by("id").first()
    with as_superuser() as cursor:
        cursor.execute(
            "UPDATE ledger_posting SET amount_pence = amount_pence + 1 WHERE id = %s", [posting.pk]
        )
    result = _run("check", "--on", "2026-03-31")
    assert result.exit_code == 1 and "Traceback" not in result.output
    # Named as what it is (the set-based recompute never stops at it; ADR 0023).
    assert "does not balance (+1p)" in result.output, result.output
    assert "[ok] Record of decisions" in result.output  # the checks after it still ran


# -- the log itself ------------------------------------------------------------------------


def test_a_tampered_signature_or_head_in_the_log_is_refused(world, tmp_path):
    log = _log(tmp_path)
    lines = log.read_text().splitlines()
    forged = json.loads(lines[1])
    forged["heads"]["record"]["head"] = "f" * 64
    lines[1] = json.dumps(forged)
    log.write_text("\n".join(lines) + "\n")
    result = _run("verify", "--against", str(log))
    assert result.exit_code == 1
    assert "checkpoint 2 (line 2): the signature does not verify" in result.output
    bad_signature = json.loads(lines[2])
    bad_signature["signature"] = ("0" if bad_signature["signature"][0] != "0" else "1") + (
        bad_signature["signature"][1:]
    )
    lines[1:3] = [lines[0], json.dumps(bad_signature)]
    log.write_text("\n".join(lines[1:3]) + "\n")
    result = _run("verify", "--against", str(log))
    assert result.exit_code == 1 and "the signature does not verify" in result.output


def test_a_log_signed_with_another_key_is_refused(world, tmp_path):
    from openics.core import signing

    other = tmp_path / "other.pem"
    signing.create_key(other)
    key = signing._load(str(other), other.stat().st_mtime)
    line = checkpoints.as_line(checkpoints.latest())
    line["public_key"] = signing.public_text(key.public_key())
    line["key_id"] = signing.key_id_of(line["public_key"])
    line["signature"] = signing.sign(key, checkpoints.statement(line))
    log = tmp_path / "other.jsonl"
    log.write_text(json.dumps(line) + "\n")
    result = _run("verify", "--against", str(log))
    assert result.exit_code == 1 and "not this installation's key" in result.output


def test_an_entry_cut_from_the_end_is_named_against_the_log(world, tmp_path):
    log = _log(tmp_path)
    with as_superuser() as cursor:
        cursor.execute("DELETE FROM governance_recordentry WHERE sequence = 3")
        cursor.execute(
            "DELETE FROM core_auditentry WHERE object_type = 'governance.recordentry' "
            "AND object_id = '3'"
        )
        cursor.execute(
            "UPDATE governance_agendaitem SET status = 'open', resolution = '', outcome = '' "
            "WHERE number = '4'"
        )
        cursor.execute(
            "DELETE FROM governance_vote WHERE item_id IN "
            "(SELECT id FROM governance_agendaitem WHERE number = '4')"
        )
        _forget_checkpoints(cursor)
    assert _run("verify").exit_code == 0
    result = _run("verify", "--against", str(log))
    assert result.exit_code == 1
    assert "the rows hold 2 now. Removed since: entry 3." in result.output


def test_no_checkpoint_without_a_key_and_the_deployment_check_says_so(world, monkeypatch):
    from openics.core import signing

    monkeypatch.delenv(signing.KEY_VARIABLE)
    before = Checkpoint.objects.count()
    books.receive_allocation(
        icb=Account.objects.filter(purpose="allocation").first().organisation,
        amount=pounds("£1.00"),
        on=START,
        description="allocation",
        **AS,
    )
    assert Checkpoint.objects.count() == before
    result = _run("check", "--deploy", "--on", "2026-03-31")
    assert "openics.W001" in result.output and "no checkpoint key is configured" in result.output
    refused = _run("checkpoint")
    assert refused.exit_code == 1 and "no checkpoint key is configured" in refused.output
