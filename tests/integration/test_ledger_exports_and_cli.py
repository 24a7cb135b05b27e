"""Open data from the books, checked by beancount's own bean-check; and the CLI."""

import csv
import io
import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from openics.cli import main
from openics.ledger import services as books
from openics.ledger.exports import SPEND_COLUMNS, write_beancount, write_spend_over_25k
from tests.ledger_world import ACTOR, START, build_world, contract, fund_place, pounds

pytestmark = pytest.mark.django_db(transaction=True)
AS = {"actor": ACTOR, "reason": "test"}


def _bean_check() -> str:
    found = Path(sys.executable).with_name("bean-check")
    return str(found) if found.exists() else shutil.which("bean-check")


@pytest.fixture
def paid():
    world = build_world()
    budget = fund_place(world, "£1,000,000.00")
    deal = contract(world, reference="C-1", place=world.dudley, annual_value=pounds("£600,000.00"))
    books.commit(contract=deal, source=budget, amount=pounds("£600,000.00"), on=START, **AS)
    big = books.pay(
        contract=deal, amount=pounds("£30,000.00"), on=date(2025, 4, 30), invoice_number="BIG", **AS
    )
    books.pay(
        contract=deal,
        amount=pounds("£24,999.99"),
        on=date(2025, 5, 31),
        invoice_number="SMALL",
        **AS,
    )
    books.reverse(original=big, on=date(2025, 6, 1), **AS)
    sub = contract(
        world, reference="S-1", commissioner=world.trust, provider=world.company, prime=deal
    )
    books.pay(
        contract=sub, amount=pounds("£20,000.00"), on=date(2025, 6, 2), invoice_number="SUB", **AS
    )
    return world


def test_bean_check_accepts_the_exported_journal(paid, tmp_path):
    journal = tmp_path / "books.beancount"
    with journal.open("w") as out:
        counts = write_beancount(out)
    # allocation, transfer, commitment, two payments, a reversal, a subcontract payment
    assert counts["transactions"] == 7 and counts["postings"] == 14
    checked = subprocess.run([_bean_check(), str(journal)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == "" and checked.stderr.strip() == ""


def test_bean_check_would_catch_a_wrong_balance(paid, tmp_path):
    journal = tmp_path / "books.beancount"
    with journal.open("w") as out:
        write_beancount(out)
    text = journal.read_text()
    tampered = text.replace(
        "balance Assets:RNA:Cash  4999.990 GBP", "balance Assets:RNA:Cash  4999.980 GBP"
    )
    assert tampered != text
    journal.write_text(tampered)
    checked = subprocess.run([_bean_check(), str(journal)], capture_output=True, text=True)
    assert checked.returncode != 0


def test_spend_over_25k_lists_payments_from_25000_and_their_reversals(paid):
    out = io.StringIO()
    count = write_spend_over_25k(paid.icb, "2025-26", out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == SPEND_COLUMNS
    assert count == 2
    assert [r[1] for r in rows[1:]] == ["30/04/2025", "01/06/2025"]
    assert [r[6] for r in rows[1:]] == ["30000.00", "-30000.00"]
    assert rows[1][2] == "Acute (hospital) care" and rows[1][3] == "Dudley place"
    assert rows[1][4] == "The Dudley Group NHS Foundation Trust"


def test_spend_over_25k_lists_each_payment_of_a_payment_run_on_its_own_day(paid):
    from openics.ledger.ingest import import_payments
    from openics.ledger.models import Transaction

    import_payments(
        b"contract,invoice,date_paid,amount\n"
        b"C-1,R-1,2025-07-03,26000.00\n"  # one run transaction for July: £36,000 in all
        b"C-1,R-2,2025-07-10,6000.00\n"
        b"C-1,R-3,2025-07-24,4000.00\n"
        b"C-1,R-4,2025-08-05,25000.00\n",
        source_name="run.csv",
        **AS,
    )
    july = Transaction.objects.get(source_type="core.importrun", effective_date=date(2025, 7, 24))
    out = io.StringIO()
    write_spend_over_25k(paid.icb, "2025-26", out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))[1:]
    imported = [r for r in rows if r[5].startswith("T") and "/" in r[5]]
    # The lines of £25,000 or more, each on its own day; not the run's £36,000 in all.
    assert [(r[1], r[5].split("/")[1], r[6]) for r in imported] == [
        ("03/07/2025", "R-1", "26000.00"),
        ("05/08/2025", "R-4", "25000.00"),
    ]
    assert imported[0][5] == f"{july.number}/R-1"
    assert imported[0][8].startswith("real: ")  # from a published (imported) file
    books.reverse(original=july, on=date(2025, 9, 1), **AS)
    out = io.StringIO()
    write_spend_over_25k(paid.icb, "2025-26", out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))[1:]
    assert [r[6] for r in rows if r[1] == "01/09/2025"] == ["-26000.00"]


def test_cli_balance_trace_and_exports(paid, tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        main, ["ledger", "balance", "--icb", "QUA", "--year", "2025-26", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["received"] == "1000000.00" and figures["spent"] == "24999.99"
    assert figures["breaks_even"] is True
    result = runner.invoke(main, ["money", "trace", "--from", "nhse", "--year", "2025-26"])
    assert result.exit_code == 0, result.output
    assert "Reconciles: destinations add up to £1,000,000.00 of £1,000,000.00" in result.output
    result = runner.invoke(
        main,
        [
            "money",
            "trace",
            "--from",
            "provider:RNA",
            "--year",
            "2025-26",
            "--reverse",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["direction"] == "upstream"
    out = tmp_path / "j.beancount"
    result = runner.invoke(main, ["ledger", "export", "beancount", "--out", str(out)])
    assert result.exit_code == 0 and out.exists()
    result = runner.invoke(main, ["money", "trace", "--from", "bogus", "--year", "2025-26"])
    assert result.exit_code == 1 and "cannot follow money from 'bogus'" in result.output


def test_cli_import_reports_bad_rows_and_exits_1(paid, tmp_path):
    bad = tmp_path / "payments.csv"
    bad.write_text("contract,invoice,date_paid,amount\nC-1,N1,2025-07-01,£5.00\nNOPE,N2,x,£1\n")
    result = CliRunner().invoke(main, ["ledger", "import", str(bad)])
    assert result.exit_code == 1
    assert "line 3:" in result.output and "nothing was written" in result.output
    good = tmp_path / "good.csv"
    good.write_text("contract,invoice,date_paid,amount\nC-1,N1,2025-07-01,£5.00\n")
    result = CliRunner().invoke(main, ["ledger", "import", str(good), "--reason", "July"])
    assert result.exit_code == 0, result.output
    assert "1 payment, £5.00 in all, posted as 1 transaction (one per contract" in result.output
