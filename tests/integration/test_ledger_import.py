"""Bulk payments import: all or nothing, every bad row with its line number."""

from datetime import date

import pytest

from openics.core.imports import ImportRejected
from openics.ledger import selectors
from openics.ledger import services as books
from openics.ledger.ingest import import_payments
from openics.ledger.models import Account, Posting, Purpose, Transaction
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
    assert imported.count() == 3
    assert {t.kind for t in imported} == {"payment", "subcontract_payment"}
    for txn in imported:
        assert sum(p.amount_pence for p in txn.postings.all()) == 0
    assert selectors.recompute_check() == []


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
    paid = Transaction.objects.get(invoice_number="A2")
    assert (paid.effective_date, paid.financial_year, paid.element) == (
        date(2025, 5, 30),
        "2025/26",
        "",
    )
    assert paid.number.startswith("T") and len(paid.number) == 17
    assert sorted(p.amount_pence for p in paid.postings.all()) == [-25050, 25050]
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
