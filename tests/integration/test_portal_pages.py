"""The portal's pages and the read API, through Django's test client."""

import pytest

from openics.regimes import all_regimes

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    return client


def test_home_page_has_the_nhs_header_and_says_what_openics_is(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="nhsuk-header' in html
    assert 'class="nhsuk-footer' in html
    assert "Follow the money, check the rules" in html
    for section in ("Organisations", "Money", "Decisions", "Boards", "Regimes"):
        assert section in html
    assert "build/openics" in html  # our compiled stylesheet, not a CDN
    assert "cdn" not in html.lower()


def test_regimes_page_lists_the_nine_regimes(client):
    html = client.get("/regimes/").content.decode()
    assert "9 regimes" in html
    for title in (
        "Health and Social Care Act 2012",
        "Integration and innovation white paper",
        "Health and Care Act 2022",
    ):
        assert title in html


def test_regime_page_shows_rules_with_citations(client):
    html = client.get("/regimes/hca-2022/").content.decode()
    assert "organisations.may-commission" in html
    assert "https://www.legislation.gov.uk/ukpga/2022/31/part/1" in html
    assert "2022-07-01" in html


def test_unknown_regime_is_not_found(client):
    assert client.get("/regimes/no-such-regime/").status_code == 404


def test_api_lists_regimes_and_serves_its_schema(client):
    regimes = client.get("/api/regimes/").json()
    assert [r["id"] for r in regimes] == [r.id for r in all_regimes()]
    assert {"hsca-2012", "white-paper-2021", "hca-2022", "critics-2021"} <= {
        r["id"] for r in regimes
    }
    detail = client.get("/api/regimes/hca-2022").json()
    assert detail["in_force_from"] == "2022-07-01"
    assert {r["id"] for r in detail["rules"]} >= {"organisations.may-commission"}
    schema = client.get("/api/openapi.json").json()
    assert "/api/regimes/{regime_id}" in schema["paths"]
    assert client.get("/api/regimes/nope").status_code == 404
