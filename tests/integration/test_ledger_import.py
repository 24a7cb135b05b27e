"""Bulk payments import: all or nothing, every bad row with its line number."""

from datetime import date

import pytest

from openics.core.imports import ImportRejected
from openics.ledger import selectors
from openics.ledger import services as books
from openics.ledger.ingest import import_payments
from openics.ledger.models import Account, PaymentLine, Posting, Purpose, Transaction
from tests.ledger_world import ACTOR, START, build_world, contract, fund_place, pounds

pytestmark = pytest.mark.django_db
AS = {"actor": ACTOR, "reason": "test"}


@pytest.fixture
def deal():
    world = build_world()
    budget = fund_place(world, "£10,000.00")
    deal = contract(world, reference="C-RNA-1")
    books.commit(contract=deal, source=budget, amount=pounds("£5,000.00"), on=START, **AS)
    books.pay(contract=deal, amount=pounds("£1.00"), on=START, invoice_number="OLD", **AS)
    sub = contract(
        world, reference="S-1", commissioner=world.trust, provider=world.company, prime=deal
    )
    return deal, sub


def _csv(*lines: str) -> bytes:
    return ("contract,invoice,date_paid,amount,element\n" + "\n".join(lines) + "\n").encode()


def test_a_good_file_becomes_payments_balances_and_flows(deal):
    report = import_payments(
        _csv(
            'C-RNA-1,A1,2025-04-30,"£1,000.00",fixed',
            "C-RNA-1,A2,30/05/2025,250.50,variable",
            "S-1,S1,2025-06-01,£100.00,",
        ),
        source_name="payments.csv",
        **AS,
    )
    assert report.rows == 3 and report.total == pounds("£1,350.50")
    cash = Account.objects.get(organisation=deal[0].provider, purpose=Purpose.CASH)
    assert cash.balance_pence == pounds("£1,151.50").pence  # £1 + £1,250.50 − £100 passed on
    imported = Transaction.objects.filter(source_type="core.importrun")
    assert imported.count() == 3  # a transaction per contract and month
    assert {t.kind for t in imported} == {"payment", "subcontract_payment"}
    for txn in imported:
        assert sum(p.amount_pence for p in txn.postings.all()) == 0
        moved = sum(p.amount_pence for p in txn.postings.all() if p.amount_pence > 0)
        assert moved == sum(line.amount_pence for line in txn.lines.all())
    assert selectors.recompute_check() == []


def test_a_payment_run_posts_a_transaction_per_contract_and_month_and_keeps_every_line(deal):
    import_payments(
        _csv(
            "C-RNA-1,M1,2025-04-03,100.00,fixed",
            "C-RNA-1,M2,2025-04-28,50.25,variable",
            "C-RNA-1,M3,2025-05-02,10.00,",
            "S-1,S1,2025-04-15,5.00,",
        ),
        source_name="run.csv",
        **AS,
    )
    april = Transaction.objects.get(
        contract=deal[0], source_type="core.importrun", effective_date=date(2025, 4, 28)
    )
    assert april.kind == "payment" and april.financial_year == "2025/26"
    assert "2 payments in April 2025" in april.description
    assert sorted(p.amount_pence for p in april.postings.all()) == [-15025, 15025]
    lines = list(april.lines.order_by("line"))
    assert [(x.invoice_number, x.paid_on, x.amount_pence, x.element, x.line) for x in lines] == [
        ("M1", date(2025, 4, 3), 10000, "fixed", 2),
        ("M2", date(2025, 4, 28), 5025, "variable", 3),
    ]
    may = Transaction.objects.get(contract=deal[0], effective_date=date(2025, 5, 2))
    assert [x.invoice_number for x in may.lines.all()] == ["M3"]
    sub = Transaction.objects.get(contract=deal[1], source_type="core.importrun")
    assert sub.kind == "subcontract_payment" and sub.lines.get().invoice_number == "S1"
    assert PaymentLine.objects.count() == 4
    assert selectors.recompute_check() == []


def test_a_payment_line_cannot_be_changed_or_deleted(deal):
    from django.db import DatabaseError, connection, transaction

    import_payments(_csv("C-RNA-1,Z9,2025-04-30,£10.00,"), source_name="p.csv", **AS)
    line = PaymentLine.objects.get(invoice_number="Z9")
    with pytest.raises(PermissionError):
        line.save()
    for sql in (
        "UPDATE ledger_paymentline SET amount_pence = 1",
        "DELETE FROM ledger_paymentline",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
            c.execute(sql)
    assert PaymentLine.objects.get(pk=line.pk).amount_pence == 1000


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(deal):
    before = (Transaction.objects.count(), Posting.objects.count())
    with pytest.raises(ImportRejected) as caught:
        import_payments(
            _csv(
                "C-RNA-1,A1,2025-04-30,£10.00,",  # line 2: good
                "NOPE,A2,2025-04-30,£10.00,",  # line 3: unknown contract
                "C-RNA-1,A1,2025-05-30,£10.00,",  # line 4: same invoice again
                "C-RNA-1,OLD,2025-05-30,£10.00,",  # line 5: paid before
                "C-RNA-1,A5,2027-01-01,£10.00,",  # line 6: after the contract ends
                "C-RNA-1,A6,yesterday,ten pounds,",  # line 7: not a date, not money
            ),
            source_name="payments.csv",
            **AS,
        )
    lines = {e.line: e.reason for e in caught.value.errors}
    assert sorted(lines) == [3, 4, 5, 6, 7]
    assert "no contract with the reference NOPE" in lines[3]
    assert "appears earlier in the file" in lines[4]
    assert "already been paid" in lines[5]
    assert "outside the contract's term" in lines[6]
    assert "not a date" in lines[7] and "not an amount of money" in lines[7]
    assert (Transaction.objects.count(), Posting.objects.count()) == before


def test_a_file_that_would_overspend_a_commitment_is_refused(deal):
    with pytest.raises(ImportRejected) as caught:
        import_payments(
            _csv("C-RNA-1,B1,2025-04-30,£4000.00,", "C-RNA-1,B2,2025-04-30,£999.01,"),
            source_name="p.csv",
            **AS,
        )
    [error] = caught.value.errors
    assert error.line == 2 and "holds £4,999.00" in error.reason


def test_a_file_without_the_columns_is_refused_at_line_1(deal):
    with pytest.raises(ImportRejected, match="line 1: the header lacks the column"):
        import_payments(b"contract,amount\nC-RNA-1,1\n", source_name="p.csv", **AS)


def test_imported_payments_keep_invoices_unique_for_later_payments(deal):
    import_payments(_csv("C-RNA-1,Z1,2025-04-30,£10.00,"), source_name="p.csv", **AS)
    with pytest.raises(books.Refused, match="already been paid"):
        books.pay(
            contract=deal[0], amount=pounds("£1.00"), on=date(2025, 5, 1), invoice_number="Z1", **AS
        )
    with pytest.raises(books.Refused, match="already approved or paid"):
        books.approve_invoice(
            contract=deal[0], amount=pounds("£1.00"), on=date(2025, 5, 1), invoice_number="Z1", **AS
        )
    with pytest.raises(ImportRejected) as caught:
        import_payments(_csv("C-RNA-1,Z1,2025-05-30,£10.00,"), source_name="again.csv", **AS)
    [error] = caught.value.errors
    assert error.line == 2 and "already been paid (in an earlier file)" in error.reason


def test_an_amount_no_payment_could_be_is_refused_on_its_line(deal):
    with pytest.raises(ImportRejected) as caught:
        import_payments(
            _csv(
                "C-RNA-1,A1,2025-04-30,£10.00,",
                f"C-RNA-1,A2,2025-04-30,{2**63},",  # pence past a 64-bit integer
            ),
            source_name="payments.csv",
            **AS,
        )
    [error] = caught.value.errors
    assert error.line == 3 and "more than any one payment can be" in error.reason
    assert not Transaction.objects.filter(description__contains="A2").exists()


FAST = "COPY into a staging table, checked by one pattern and the database"


def test_a_plain_file_takes_the_fast_path_on_postgresql_with_the_same_books(deal):
    from django.db import connection

    from openics.ledger import chain

    report = import_payments(
        b"invoice,contract,date_paid,amount,note\r\n"  # any order, an extra column, CRLF
        b"A1,C-RNA-1,2025-04-30,1000,x\r\n"
        b"A2,C-RNA-1,30/05/2025,250.5,\r\n"
        b"S1,S-1,2025-06-01,100.00,y\r\n",
        source_name="payments.csv",
        **AS,
    )
    assert report.method == (FAST if connection.vendor == "postgresql" else report.method)
    assert report.rows == 3 and report.total == pounds("£1,350.50")
    cash = Account.objects.get(organisation=deal[0].provider, purpose=Purpose.CASH)
    assert cash.balance_pence == pounds("£1,151.50").pence
    paid = PaymentLine.objects.get(invoice_number="A2")
    assert (paid.paid_on, paid.amount_pence, paid.element, paid.line) == (
        date(2025, 5, 30),
        25050,
        "",
        3,
    )
    run = paid.transaction
    assert (run.effective_date, run.financial_year) == (date(2025, 5, 30), "2025/26")
    assert run.number.startswith("T") and len(run.number) == 17
    assert sorted(p.amount_pence for p in run.postings.all()) == [-25050, 25050]
    assert selectors.recompute_check() == []
    assert chain.recompute(set()).findings == []  # what openics verify recomputes


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("C-RNA-1,A2,2025-02-30,10.00,", "not a date"),  # looks plain; the database refuses
        ("C-RNA-1,A2,0000-01-01,10.00,", "not a date"),
        ("C-RNA-1,A2,2025-04-30,0.00,", "not more than £0.00"),
        ("C-RNA-1,A2,2025-04-30,10.00,sometimes", "not fixed or variable"),
        ("\\.", "1 cells where the header has 5"),  # COPY's end-of-data marker
    ],
)
def test_a_file_the_fast_path_declines_is_read_row_by_row_with_its_lines(deal, row, reason):
    before = Posting.objects.count()
    with pytest.raises(ImportRejected) as caught:
        import_payments(
            _csv("C-RNA-1,A1,2025-04-30,10.00,", row, "C-RNA-1,A3,2025-04-30,10.00,"),
            source_name="p.csv",
            **AS,
        )
    [error] = caught.value.errors
    assert error.line == 3 and reason in error.reason
    assert Posting.objects.count() == before


def test_the_fast_path_keeps_the_checks_against_the_books_and_their_lines(deal):
    with pytest.raises(ImportRejected) as caught:
        import_payments(
            _csv(
                "C-RNA-1,A1,2025-04-30,10.00,",
                "NOPE,A2,2025-04-30,10.00,",
                "C-RNA-1,A1,2025-05-30,10.00,",
                "C-RNA-1,OLD,2025-05-30,10.00,",
            ),
            source_name="p.csv",
            **AS,
        )
    assert sorted(e.line for e in caught.value.errors) == [3, 4, 5]


def test_a_plain_file_of_only_a_header_holds_no_payments(deal):
    with pytest.raises(ImportRejected, match="holds no payments"):
        import_payments(_csv(), source_name="p.csv", **AS)


def test_an_invoice_repeated_in_a_file_otherwise_good_is_named_and_nothing_is_written(deal):
    # The uniqueness checks run only when the database refuses a line (ADR 0029): the
    # refusal must still end as a list of lines, with nothing written.
    before = (Transaction.objects.count(), Posting.objects.count(), PaymentLine.objects.count())
    with pytest.raises(ImportRejected) as caught:
        import_payments(
            _csv(
                "C-RNA-1,D1,2025-04-30,10.00,",
                "C-RNA-1,D2,2025-04-30,10.00,",
                "C-RNA-1,D1,2025-05-30,10.00,",
            ),
            source_name="p.csv",
            **AS,
        )
    [error] = caught.value.errors
    assert error.line == 4 and "appears earlier in the file" in error.reason
    after = (Transaction.objects.count(), Posting.objects.count(), PaymentLine.objects.count())
    assert after == before
