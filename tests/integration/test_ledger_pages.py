"""The books on the portal."""

from decimal import Decimal

import pytest

from openics.ledger import services as books
from tests.ledger_world import ACTOR, START, build_world, contract, fund_place, pounds

pytestmark = pytest.mark.django_db
AS = {"actor": ACTOR, "reason": "test"}


@pytest.fixture
def paid():
    world = build_world()
    budget = fund_place(world, "£1,000,000.00")
    deal = contract(world, reference="C-1", place=world.dudley)
    books.commit(contract=deal, source=budget, amount=pounds("£600,000.00"), on=START, **AS)
    books.pay(contract=deal, amount=pounds("£30,000.00"), on=START, invoice_number="A", **AS)
    return world


def test_follow_the_money_draws_the_flows_and_lists_them(client, paid):
    page = client.get("/money/follow/?from=nhse&year=2025-26")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "£1,000,000.00 left NHS England" in html
    assert "The Dudley Group NHS Foundation Trust" in html
    assert "£30,000.00" in html


def test_an_unknown_start_is_a_clear_404(client, paid):
    page = client.get("/money/follow/?from=account:nope")
    assert page.status_code == 404
    assert "no account in the books matches" in page.content.decode()


def test_the_balance_page_answers_the_break_even_question(client, paid):
    page = client.get("/money/books/QUA/2025-26/")
    html = page.content.decode()
    assert page.status_code == 200 and "<strong>Yes.</strong>" in html
    assert "s223GC" in html


def test_spend_over_25k_downloads_as_csv(client, paid):
    page = client.get("/money/books/QUA/2025-26/spend-over-25k.csv")
    assert page["Content-Type"].startswith("text/csv")
    assert "30000.00" in page.content.decode()


def test_empty_books_say_so(client, db):
    page = client.get("/money/follow/")
    assert "The books are empty" in page.content.decode()


def test_the_api_gives_the_balance_and_the_trace(client, paid):
    balance = client.get("/api/ledger/balance/QUA/2025-26").json()
    assert balance["received"] == "1000000.00" and balance["spent"] == "30000.00"
    assert balance["breaks_even"] is True
    traced = client.get("/api/ledger/trace?year=2025-26&start=nhse").json()
    assert traced["total"] == "1000000.00"
    assert sum(Decimal(d["amount"]) for d in traced["destinations"]) == Decimal("1000000.00")
    assert client.get("/api/ledger/trace?year=2025-26&start=bogus").status_code == 404
    assert client.get("/api/ledger/balance/QUA/twenty").status_code == 400
