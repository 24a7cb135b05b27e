"""One whole system under every regime: the selector, `openics regimes compare`, the portal
page and its downloads, and the API give the same figures."""

import csv
import io
import json
import re
from datetime import date

import pytest
from click.testing import CliRunner

from openics.arranging.whole_system import compare
from openics.cli import main
from openics.kernel.money import Money
from openics.organisations.models import Relationship
from tests.factories import ContractFactory
from tests.governance_world import build_governance_world

pytestmark = pytest.mark.django_db
ON = "2026-11-30"
TERM = {"start": date(2026, 4, 1), "end": date(2027, 3, 31)}


@pytest.fixture
def world():
    w = build_governance_world()
    Relationship.objects.create(child=w.company, parent=w.icb, kind="within")  # not a practice
    prime = ContractFactory(
        reference="P-1",
        commissioner=w.icb,
        provider=w.trust,
        annual_value=Money(1_000_000),
        lifetime_value=Money(1_000_000),
        **TERM,
    )
    ContractFactory(
        reference="S-1",
        commissioner=w.trust,
        provider=w.company,
        prime=prime,
        kind="subcontract",
        annual_value=Money(25_000),
        lifetime_value=Money(25_000),
        **TERM,
    )
    ContractFactory(
        reference="I-1",
        commissioner=w.icb,
        provider=w.company,
        kind="icp",
        annual_value=Money(40_000),
        lifetime_value=Money(40_000),
        **TERM,
    )
    return w


def _regime(data, regime_id):
    return next(r for r in data["regimes"] if r["id"] == regime_id)


def test_the_critics_bar_company_contracts_and_the_2012_act_has_no_icb(world):
    data = compare("QXX", date(2026, 11, 30))
    critics = _regime(data, "critics-2021")
    barred = {
        f["subject"].split()[0]
        for f in critics["findings"]
        if f["verdict"] == "not_allowed" and f["rule_id"] == "contracts.holder"
    }
    assert barred == {"S-1", "I-1"}
    assert critics["summary"]["not_allowed_pounds"] == "650.00"
    hsca = _regime(data, "hsca-2012")
    assert any(
        f["verdict"] == "would_not_exist" and "integrated care board" in f["explanation"]
        for f in hsca["findings"]
    )
    bill = _regime(data, "nhs-reinstatement-bill")
    assert sum(1 for f in bill["findings"] if "not a way of securing them" in f["explanation"]) == 3


def test_cli_page_csv_and_api_agree(world, client):
    result = CliRunner().invoke(
        main, ["regimes", "compare", "--system", "QXX", "--on", ON, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    assert cli == compare("QXX", date(2026, 11, 30))
    api = client.get(f"/api/regimes/compare?system=QXX&on={ON}").json()
    assert api == cli
    download = client.get(f"/regimes/compare.json?system=QXX&on={ON}").json()
    assert download == cli
    page = client.get(f"/regimes/compare/?system=QXX&on={ON}").content.decode()
    for r in cli["regimes"]:
        cell = re.search(rf'data-regime="{r["id"]}" data-figure="not_allowed">(\d+)<', page)
        assert int(cell.group(1)) == r["summary"]["not_allowed"], r["id"]
        pounds = Money.from_pounds(r["summary"]["not_allowed_pounds"]).format()
        assert f'data-figure="not_allowed_pounds">{pounds}<' in page.replace(
            f'data-regime="{r["id"]}" ', ""
        )
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/regimes/compare.csv?system=QXX&on={ON}").content.decode())
        )
    )
    assert len(rows) - 1 == sum(len(r["findings"]) for r in cli["regimes"])


def test_bad_input_is_a_4xx_with_a_message(world, client):
    assert client.get("/regimes/compare/?system=QXX&on=soon").status_code == 400
    assert client.get("/regimes/compare/?system=QXX&regimes=nope").status_code == 400
    assert client.get("/regimes/compare/?system=ZZZ").status_code == 404
    assert client.get("/api/regimes/compare?system=ZZZ&on=2026-01-01").status_code == 404
    bad = CliRunner().invoke(main, ["regimes", "compare", "--system", "QXX", "--regimes", "x"])
    assert bad.exit_code == 1 and "no regime" in bad.output


def test_the_compare_page_is_two_clicks_from_home(world, client):
    home = client.get("/").content.decode()
    assert 'href="/regimes/"' in home
    assert 'href="/regimes/compare/"' in client.get("/regimes/").content.decode()
    assert client.get("/regimes/compare/").status_code == 200
