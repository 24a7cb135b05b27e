"""The Money section's reports: the page, its CSV, `openics money …` and the API give the same
figures from one selector, each with its provenance."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from openics.cli import main
from openics.ledger import reports
from openics.organisations.models import Organisation
from tests.money_world import build_money_world

pytestmark = pytest.mark.django_db
YEAR = "2025-26"


@pytest.fixture
def money():
    return build_money_world()


def _cli(*args) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _cli_json(*args):
    return json.loads(_cli(*args, "--format", "json"))


def _csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_providers_in_surplus_or_deficit_agree_on_page_csv_cli_and_api(client, money):
    api = client.get(f"/api/ledger/providers/{YEAR}").json()
    cli = _cli_json("money", "providers", "--year", YEAR)
    assert api == cli
    trust = next(p for p in api["providers"] if p["code"] == "RNA")
    # Given £300,000 paid to the trust, £40,000 paid on to its subcontractor and £270,000 of
    # its own costs, the trust is £10,000 in deficit
    assert (trust["income"], trust["expenditure"], trust["surplus"]) == (
        "300000.00",
        "310000.00",
        "-10000.00",
    )
    assert trust["in_deficit"] is True and api["provenance"]["label"] == "real"
    page = client.get(f"/money/providers/?year={YEAR}").content.decode()
    assert "Deficit -£10,000.00" in page and "£310,000.00" in page
    rows = _csv_rows(client.get(f"/money/providers.csv?year={YEAR}"))
    assert rows[0]["Code"] == "RNA" and rows[0]["Surplus (deficit if negative)"] == "-10000.00"
    assert rows[0]["Provenance"] == "real"
    # and the ICB's books give the same provider figure
    balance = client.get(f"/api/ledger/balance/QUA/{YEAR}").json()
    assert [p["surplus"] for p in balance["providers"] if p["code"] == "RNA"] == ["-10000.00"]


def test_a_providers_three_figures_are_named_and_reconciled(client, money):
    api = client.get(f"/api/ledger/provider/RNA/{YEAR}").json()
    assert api == _cli_json("money", "provider", "RNA", "--year", YEAR)
    assert (api["income"], api["spent"], api["surplus"]) == ("300000.00", "310000.00", "-10000.00")
    traced = client.get(f"/api/ledger/trace?start=icb:QUA&year={YEAR}").json()
    reached = sum(
        float(d["amount"])
        for d in traced["destinations"]
        if d["organisation"] == "The Dudley Group NHS Foundation Trust"
    )
    assert api["traced_from"][0]["amount"] == f"{reached:.2f}"
    page = client.get("/organisations/foundation_trust/RNA/").content.decode()
    assert "Traced from NHS Black Country ICB" in page
    assert api["reconciliation"] in page.replace("&#39;", "'")
    assert "S-1" in page  # the subcontract it lets


def test_subcontracting_by_depth_names_every_body(client, money):
    api = client.get(f"/api/ledger/subcontracts/{YEAR}").json()
    assert api == _cli_json("money", "subcontracts", "--year", YEAR)
    assert [(c["depth"], c["reference"]) for c in api["contracts"]] == [(0, "C-1"), (1, "S-1")]
    assert api["paid_by_depth"] == {"0": "300000.00", "1": "40000.00"}
    sub = api["contracts"][1]
    assert sub["provider"]["company_number"] == "01234567" and sub["under"] == ["C-1"]
    rows = _csv_rows(client.get(f"/money/subcontracts.csv?year={YEAR}"))
    assert [r["Company number"] for r in rows] == ["not known", "01234567"]
    assert "Scan Co Ltd" in client.get("/money/subcontracts/").content.decode()


def test_the_public_health_grant_shows_its_spending_and_the_payment_it_refused(client, money):
    key = str(money.grant.pk)
    api = client.get(f"/api/ledger/fund/{key}/{YEAR}").json()
    assert [api] == _cli_json("money", "funds", "--year", YEAR, "--fund", key)
    assert (api["received"], api["spent"], api["held"]) == ("200000.00", "50000.00", "150000.00")
    assert api["spent_by_purpose"] == {"Public health": "50000.00"}
    assert len(api["refusals"]) == 1 and api["refusals"][0]["what"] == "payment on HC-1"
    assert "may be spent only on public health" in api["refusals"][0]["reasons"][0]
    page = client.get(f"/money/funds/{key}/?year={YEAR}").content.decode()
    assert "Payments the ring-fence refused" in page and "payment on HC-1" in page
    rows = _csv_rows(client.get(f"/money/funds/{key}/fund.csv?year={YEAR}"))
    assert [r["Line"] for r in rows if r["Line"] == "refused"] == ["refused"]


def test_the_pooled_fund_shows_each_partners_contribution_and_means_tested_care(client, money):
    api = client.get(f"/api/ledger/fund/{money.pool.pk}/{YEAR}").json()
    assert {c["source"]: c["amount"] for c in api["contributions"]} == {
        "NHS Black Country ICB": "100000.00",
        "Dudley": "60000.00",
    }
    assert api["agreement"] == "Section 75 agreement, 1 April 2025"
    assert api["purposes"] == ["Social care", "Community services"]
    assert [(s["reference"], s["means_tested"]) for s in api["services"]] == [("HC-1", True)]
    assert api["reconciliation"].startswith("Received £160,000.00 = paid to providers £90,000.00")
    listing = client.get(f"/api/ledger/funds/{YEAR}").json()
    assert [f["name"] for f in listing] == [
        "Dudley public health grant 2025/26",
        "Dudley pooled fund 2025/26",
    ]
    assert listing == _cli_json("money", "funds", "--year", YEAR)
    page = client.get(f"/money/funds/{money.pool.pk}/").content.decode()
    assert "Yes: means-tested social care" in page and "£60,000.00" in page


def test_spend_by_place_against_need_and_the_allocation_figures(client, money):
    icb = Organisation.objects.get(code="QUA")
    report = reports.place_spend(icb, YEAR)
    assert report.rows == []  # no approved place run: nothing to compare need with
    page = client.get(f"/money/places/QUA/{YEAR}/")
    assert page.status_code == 200 and "no approved place budgets" in page.content.decode()
    api = client.get(f"/api/ledger/places/QUA/{YEAR}").json()
    assert api == _cli_json("money", "places", "--icb", "QUA", "--year", YEAR)
    figures = client.get(f"/api/ledger/allocations/QUA/{YEAR}").json()
    assert figures == _cli_json("money", "allocations", "--icb", "QUA", "--year", YEAR)
    assert [f["amount"] for f in figures["received"]] == ["1000000.00"]


def test_bad_addresses_are_clear_4xx(client, money):
    assert client.get("/money/providers/?year=banana").status_code == 400
    assert client.get("/money/funds/nope/").status_code == 404
    assert client.get(f"/money/places/RNA/{YEAR}/").status_code == 404
    assert client.get(f"/api/ledger/places/RNA/{YEAR}").status_code == 404
    assert client.get("/api/ledger/funds/2025-2").status_code == 400


def test_an_empty_year_says_there_are_no_books(client, money):
    page = client.get("/money/providers/?year=2030-31").content.decode()
    assert "There are no books for 2030/31" in page
    assert client.get("/api/ledger/funds/2030-31").json() == []


def test_the_money_page_and_the_home_page_lead_to_the_books_and_funds(client, money):
    money_page = client.get("/money/").content.decode()
    assert "?from=icb:QUA&amp;year=2025-26" in money_page
    assert "/money/books/QUA/2025-26/" in money_page
    assert f"/money/funds/{money.grant.pk}/" in money_page
    assert f"/money/funds/{money.pool.pk}/" in money_page
    home = client.get("/").content.decode()
    assert "/money/books/QUA/2025-26/" in home and f"/money/funds/{money.pool.pk}/" in home
    assert "Where NHS England&#39;s money went, 2025/26" in home
    assert 'data-provenance="real"' in home
