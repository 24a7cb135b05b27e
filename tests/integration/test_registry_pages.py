"""Registry pages and API: the directory, an ICB, an organisation, search, coterminosity."""

from decimal import Decimal

import pytest

from openics.core.audit import Actor
from openics.population.importers import import_practice_file
from tests.builders import many_practices, practice_file, practice_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    return client


@pytest.fixture
def registry():
    rows = many_practices(3) + [
        practice_row("B00001", icb="QHL", lad="E08000025", patients="2500.5"),
        # a Black Country practice located in Birmingham: a cross-boundary case
        practice_row("M99999", icb="QUA", lad="E08000025", patients="700"),
    ]
    import_practice_file(
        practice_file(rows),
        source_name="2025_2026.csv",
        actor=Actor.process("test-import"),
        reason="test",
    )


def test_directory_lists_icbs_by_region_with_registered_patients(client, registry):
    html = client.get("/organisations/").content.decode()
    assert "2 integrated care boards in 1 NHS England regions" in html
    assert "NHS Black Country ICB" in html and "NHS Birmingham and Solihull ICB" in html
    assert "3,700" in html  # 3 × 1,000 + 700 registered with QUA practices


def test_icb_page_shows_practices_local_authorities_and_responsibility(client, registry):
    html = client.get("/organisations/icb/QUA/").content.decode()
    assert "Practices (4)" in html
    assert "Dudley" in html and "Birmingham" in html
    assert "Whom this ICB is responsible for" in html
    assert "Not known" in html  # residents who are not registered: the data cannot say


def test_unknown_organisation_is_not_found(client, registry):
    assert client.get("/organisations/icb/QZZ/").status_code == 404
    assert client.get("/organisations/spaceport/QUA/").status_code == 404


def test_search_by_name_and_by_code(client, registry):
    assert "Practice M00002" in client.get("/organisations/search/?q=M00002").content.decode()
    html = client.get("/organisations/search/?q=black+country").content.decode()
    assert "NHS Black Country ICB" in html


def test_api_lists_icbs_and_populations_and_serves_the_schema(client, registry):
    icbs = {i["code"]: i for i in client.get("/api/organisations/icbs").json()}
    assert Decimal(icbs["QHL"]["registered"]) == Decimal("2500.5")
    assert icbs["QUA"]["practices"] == 4
    detail = client.get("/api/organisations/gp_practice/M00001").json()
    assert {link["parent_code"] for link in detail["belongs_to"]} >= {"QUA", "E08000027"}
    pops = client.get("/api/organisations/icb/QUA/populations").json()
    assert pops["count"] == 4
    assert "/api/organisations/icbs" in client.get("/api/openapi.json").json()["paths"]


def test_coterminosity_lists_local_authorities_shared_between_icbs(client, registry):
    from openics.population.importers import import_lsoa_lookup
    from tests.builders import lsoa_lookup

    areas = [(f"E0100000{i}", "QUA", "E08000027") for i in range(3)]  # Dudley: all QUA
    areas += [
        ("E01000011", "QHL", "E08000025"),
        ("E01000012", "QHL", "E08000025"),
        ("E01000013", "QUA", "E08000025"),
    ]  # Birmingham: two thirds QHL, a third QUA
    import_lsoa_lookup(
        lsoa_lookup(areas),
        source_name="lookup.csv",
        actor=Actor.process("test-import"),
        reason="test",
    )
    html = client.get("/organisations/coterminosity/").content.decode()
    assert "2 ICB and council pairs" in html
    assert "33.3%" in html and "66.7%" in html
    assert "Dudley" not in html
    # and the cross-boundary practice is now judged by geography
    page = client.get("/organisations/icb/QUA/").content.decode()
    assert "Practice M99999" in page and "mostly within NHS Birmingham and Solihull ICB" in page


def test_geography_naming_an_unknown_icb_is_rejected_with_its_line(registry):
    from openics.core.imports import ImportRejected
    from openics.population.importers import import_lsoa_lookup
    from openics.population.models import IcbLocalAuthorityOverlap
    from tests.builders import lsoa_lookup

    data = lsoa_lookup([("E01000001", "QUA", "E08000027"), ("E01000002", "QHM", "E06000004")])
    with pytest.raises(ImportRejected) as caught:
        import_lsoa_lookup(
            data, source_name="lookup.csv", actor=Actor.process("test-import"), reason="test"
        )
    assert caught.value.errors[0].line == 3
    assert "unknown ICB code QHM" in caught.value.errors[0].reason
    assert not IcbLocalAuthorityOverlap.objects.exists()


def test_default_places_follow_the_local_authorities_within_the_icb(client, registry):
    from datetime import date

    from openics.organisations.models import Organisation
    from openics.organisations.places import move_practice_to_place
    from openics.population.importers import import_lsoa_lookup
    from openics.population.places import create_default_places
    from tests.builders import lsoa_lookup

    actor = Actor.process("test-import")
    areas = [("E01000001", "QUA", "E08000027"), ("E01000002", "QHL", "E08000025")]
    import_lsoa_lookup(lsoa_lookup(areas), source_name="l.csv", actor=actor, reason="test")
    icb = Organisation.objects.get(kind="icb", code="QUA")
    [dudley] = create_default_places(icb=icb, on=date(2025, 4, 1), actor=actor, reason="test")
    assert dudley.name == "Dudley place"
    html = client.get("/organisations/icb/QUA/").content.decode()
    assert "Dudley place</a>: 3 practices" in html
    assert "1 of its practices are in no place yet" in html  # the one located in Birmingham

    # an officer puts it in the Dudley place; the page follows
    stray = Organisation.objects.get(code="M99999")
    move_practice_to_place(
        practice=stray,
        place=dudley,
        on=date(2025, 5, 1),
        actor=actor,
        reason="patients mostly live in Dudley",
    )
    html = client.get("/organisations/icb/QUA/").content.decode()
    assert "Dudley place</a>: 4 practices" in html
    place_page = client.get(dudley.get_absolute_url()).content.decode()
    assert "Practice M99999" in place_page
