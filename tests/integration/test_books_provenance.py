"""Every figure from the books says where it comes from, in every face, from one selector
(ledger.selectors.books_provenance); a year with no books is said to have none."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from openics.cli import main
from openics.core.audit import DEMONSTRATION_PROCESS, Actor
from openics.ledger import selectors
from openics.ledger import services as books
from openics.ledger.exports import write_spend_over_25k
from tests.ledger_world import ACTOR, START, build_world, contract, fund_place, pounds

pytestmark = pytest.mark.django_db

DEMO = Actor.process(DEMONSTRATION_PROCESS)


@pytest.fixture
def world():
    world = build_world()
    budget = fund_place(world, "£1,000,000.00")  # recorded by a test process
    deal = contract(world, reference="C-1", place=world.dudley)
    books.commit(
        contract=deal, source=budget, amount=pounds("£600,000.00"), on=START, actor=DEMO, reason="t"
    )
    books.pay(
        contract=deal,
        amount=pounds("£30,000.00"),
        on=START,
        invoice_number="A",
        actor=DEMO,
        reason="t",
    )
    books.pay(
        contract=deal,
        amount=pounds("£40,000.00"),
        on=START,
        invoice_number="B",
        actor=ACTOR,
        reason="t",
    )
    world.deal = deal
    return world


def test_each_transaction_is_counted_by_where_it_comes_from(world):
    icb = selectors.books_provenance(world.icb, "2025-26")
    # the ICB's own transactions: the allocation and the transfer (recorded), the
    # demonstration's commitment and first payment, and the recorded second payment
    assert (icb.illustrative, icb.recorded, icb.published) == (2, 3, {})
    assert icb.label == "real and illustrative" and icb.is_illustrative
    assert "2 written by the demonstration" in icb.sentence()
    provider = selectors.books_provenance(world.deal.provider, "2025-26")
    assert (provider.illustrative, provider.recorded) == (1, 1)
    assert selectors.books_provenance(world.icb, "2030-31").sentence().startswith("There are no")


def test_the_page_the_command_and_the_api_give_the_same_provenance(world, client):
    expected = selectors.icb_balance(world.icb, "2025-26").provenance
    cli = CliRunner().invoke(
        main,
        ["ledger", "balance", "--icb", world.icb.code, "--year", "2025-26", "--format", "json"],
    )
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.output)["provenance"] == expected.as_data()
    text = CliRunner().invoke(
        main, ["ledger", "balance", "--icb", world.icb.code, "--year", "2025-26"]
    )
    assert f"Figures: {expected.label}. {expected.sentence()}" in text.output
    api = client.get(f"/api/ledger/balance/{world.icb.code}/2025-26").json()
    assert api["provenance"] == expected.as_data()
    page = client.get(f"/money/books/{world.icb.code}/2025-26/").content.decode()
    assert expected.sentence() in page and 'data-provenance="real and illustrative"' in page
    traced = CliRunner().invoke(
        main, ["money", "trace", "--from", f"icb:{world.icb.code}", "--year", "2025-26"]
    )
    assert f"Figures: {expected.label}." in traced.output


def test_the_spend_file_says_which_payments_are_illustrative_and_when_a_number_is_not_known(world):
    out = io.StringIO()
    write_spend_over_25k(world.icb, "2025/26", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    by_amount = {row["Amount"]: row for row in rows}
    assert by_amount["30000.00"]["Provenance"] == (
        "illustrative: written by the demonstration, not a real transaction"
    )
    assert by_amount["40000.00"]["Provenance"] == "recorded in OpenICS"
    assert all(row["Supplier VAT or company number"] for row in rows)


def test_a_year_without_books_is_not_said_to_break_even(world, client):
    empty = selectors.icb_balance(world.icb, "2030-31")
    assert (empty.has_books, empty.breaks_even) == (False, None)
    assert selectors.icb_balance(world.icb, "2025-26").breaks_even is True
    text = CliRunner().invoke(
        main, ["ledger", "balance", "--icb", world.icb.code, "--year", "2030-31"]
    )
    assert "There are no books for 2030/31" in text.output and "meets" not in text.output
    api = client.get(f"/api/ledger/balance/{world.icb.code}/2030-31").json()
    assert api["has_books"] is False and api["breaks_even"] is None
    page = client.get(f"/money/books/{world.icb.code}/2030-31/").content.decode()
    assert "There are no books for 2030/31" in page and "Yes.</strong>" not in page


def test_a_missing_page_is_an_nhs_page_with_the_reason_and_the_way_back(client):
    known = client.get("/organisations/nhs_trust/NOPE/")
    assert known.status_code == 404
    body = known.content.decode()
    assert "Page not found" in body and "nhsuk-header" in body and 'href="/"' in body
    assert "no nhs_trust with code NOPE" in body  # the view's own reason
    unknown = client.get("/no/such/page/").content.decode()
    assert "Page not found" in unknown and "Resolver404" not in unknown


def test_an_organisations_page_leads_into_its_money_and_every_link_works(world, client):
    import re

    pages = {
        "icb": world.icb.get_absolute_url(),
        "place": world.dudley.get_absolute_url(),
        "provider": world.deal.provider.get_absolute_url(),
    }
    found = {}
    for kind, address in pages.items():
        body = client.get(address).content.decode()
        block = re.search(r"<ul class=\"nhsuk-list\" data-money-links>(.*?)</ul>", body, re.S)
        assert block, f"no money links on the {kind} page"
        found[kind] = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', block[1])]
    assert any("from=icb%3AQUA" in h for h in found["icb"])
    assert any("/money/books/QUA/2025-26/" in h for h in found["icb"])
    assert any("from=place%3ADudley" in h for h in found["place"])
    assert any("reverse=1" in h for h in found["provider"])
    for links in found.values():
        for href in links:
            answer = client.get(href)
            assert answer.status_code == 200, href
            assert b"nhsuk-error-summary" not in answer.content, href
    money = client.get("/money/").content.decode()
    assert 'href="/money/follow/"' in money and 'href="/money/books/"' in money


def test_the_home_page_says_what_the_demonstration_is_and_that_openics_is_independent(client):
    from openics.core.audit import Auditor

    plain = client.get("/").content.decode()
    assert "independent open-source software" in plain and "© NHS England" not in plain
    assert "data-demonstration" not in plain  # no demonstration loaded, none described
    Auditor(actor=DEMO, reason="load", action="demo.load").record(object_type="demo")
    shown = client.get("/").content.decode()
    assert "data-demonstration" in shown and "made up" in shown


def test_still_held_meets_the_icbs_surplus_and_a_hosted_pool_is_reconciled(client):
    world = build_world()
    budget = fund_place(world, "£1,000,000.00")
    fence = books.create_ring_fence(
        name="Dudley Better Care Fund",
        kind="section_75_pool",
        holder=world.council,
        partners=[world.icb],
        agreed_sectors=["social_care", "community"],
        agreement="Dudley section 75 agreement 2025",
        actor=ACTOR,
        reason="t",
    )
    books.contribute_to_pool(
        ring_fence=fence,
        source=budget,
        amount=pounds("£300,000.00"),
        on=START,
        actor=ACTOR,
        reason="t",
    )
    traced = selectors.follow(selectors.resolve_start(f"icb:{world.icb.code}"), "2025-26")
    balance = selectors.icb_balance(world.icb, "2025-26")
    assert traced.held_by_start == balance.surplus == pounds("£700,000.00")
    assert traced.held_by_others == pounds("£300,000.00")
    assert traced.still_held == traced.held_by_start + traced.held_by_others
    line = traced.reconciliation()
    assert "£700,000.00 is in NHS Black Country ICB's own budgets" in line
    assert f"({world.council.name} £300,000.00)" in line
    cli = CliRunner().invoke(
        main, ["money", "trace", "--from", f"icb:{world.icb.code}", "--year", "2025-26"]
    )
    assert line in cli.output
    api = client.get(f"/api/ledger/trace?start=icb:{world.icb.code}&year=2025-26").json()
    assert api["reconciliation"] == line and api["held_by_others"] == "300000.00"
    page = client.get(f"/money/follow/?from=icb:{world.icb.code}&year=2025-26").content.decode()
    assert "data-reconciliation" in page and "£700,000.00 is in" in page
