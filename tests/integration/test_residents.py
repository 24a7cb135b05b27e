"""Resident population: the ONS import, the estimate of residents not registered, and the
councils of April 2023 in both tiers. Figures are worked out here from the real file."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from openics.cli import main
from openics.core.audit import Actor
from openics.core.imports import ImportRejected
from openics.organisations.models import Organisation, Relationship
from openics.population.importers import (
    import_lsoa_lookup,
    import_practice_file,
    import_resident_estimates,
)
from openics.population.models import ResidentPopulation
from openics.population.responsibility import council_tier, responsibility_for_icb
from tests.builders import lsoa_lookup, practice_file, practice_row

pytestmark = pytest.mark.django_db

MYE = Path(__file__).parents[2] / "data/ons-population-mye/mye24tablesew_MYE2_persons.csv"
ACTOR = Actor.process("test-import")


def _published() -> dict[str, dict]:
    return {t["Code"]: t for t in csv.DictReader(io.StringIO(MYE.read_text(encoding="utf-8-sig")))}


def _residents():
    return import_resident_estimates(
        MYE.read_bytes(), source_name=MYE.name, actor=ACTOR, reason="test"
    )


@pytest.fixture
def registry():
    rows = [
        practice_row("M00001", icb="QUA", lad="E08000027", patients="200000"),
        practice_row("M00002", icb="QUA", lad="E08000027", patients="100000.5"),
        practice_row("B00001", icb="QHL", lad="E08000025", patients="58000000"),
    ]
    import_practice_file(practice_file(rows), source_name="2025_2026.csv", actor=ACTOR, reason="t")
    areas = [(f"E0100000{i}", "QUA", "E08000027") for i in range(3)]  # Dudley: all QUA
    areas += [
        ("E01000011", "QHL", "E08000025"),
        ("E01000012", "QHL", "E08000025"),
        ("E01000013", "QUA", "E08000025"),
    ]  # Birmingham: two thirds QHL, a third QUA
    import_lsoa_lookup(lsoa_lookup(areas), source_name="lookup.csv", actor=ACTOR, reason="t")


def test_residents_are_stored_by_council_and_year_with_every_single_year_of_age():
    published = _published()
    report = _residents()
    english = [c for c in published if c[:3] in {"E06", "E07", "E08", "E09", "E10"}]
    assert ResidentPopulation.objects.filter(mid_year=2024).count() == len(english)
    dudley = ResidentPopulation.objects.get(area__ons_code="E08000027")
    assert dudley.all_ages == int(published["E08000027"]["All ages"])
    assert dudley.aged(65) == sum(
        int(published["E08000027"][a]) for a in [*map(str, range(65, 90)), "90+"]
    )
    assert dudley.boundaries == "2023"
    districts = ResidentPopulation.objects.filter(area__ons_code__regex=r"^E0[6-9]")
    assert sum(d.all_ages for d in districts) == int(published["E92000001"]["All ages"])
    # a district lies within its county council, as the file lists it
    burnley = Organisation.objects.get(ons_code="E07000117")
    assert Relationship.objects.current().get(child=burnley).parent.ons_code == "E10000017"
    again = _residents()
    assert (again.created, again.changed) == (0, 0) and report.created > 0


def test_a_file_with_a_bad_row_writes_nothing():
    lines = MYE.read_text(encoding="utf-8-sig").splitlines()
    lines[9] = lines[9].replace("Unitary Authority", "Unitary Council")
    with pytest.raises(ImportRejected) as caught:
        import_resident_estimates(
            "\n".join(lines).encode(), source_name=MYE.name, actor=ACTOR, reason="test"
        )
    assert caught.value.errors[0].line == 10
    assert not ResidentPopulation.objects.exists() and not Organisation.objects.exists()


def test_a_name_longer_than_the_registry_holds_is_refused_with_its_line():
    limit = Organisation._meta.get_field("name").max_length
    rows = list(csv.reader(io.StringIO(MYE.read_text(encoding="utf-8-sig"))))
    at = next(i for i, r in enumerate(rows) if r[0] == "E08000027")  # Dudley
    rows[at][1] = "D" * 300
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    with pytest.raises(ImportRejected) as caught:
        import_resident_estimates(
            out.getvalue().encode(), source_name=MYE.name, actor=ACTOR, reason="test"
        )
    [error] = caught.value.errors
    assert error.line == at + 1 and "300" in str(error) and str(limit) in str(error)
    assert not ResidentPopulation.objects.exists() and not Organisation.objects.exists()


def test_responsibility_gives_residents_not_registered_with_its_method(registry):
    published = _published()
    _residents()
    dudley = int(published["E08000027"]["All ages"])
    birmingham = Decimal(published["E08000025"]["All ages"])
    england = sum(
        int(t["All ages"]) for c, t in published.items() if c[:3] in {"E06", "E07", "E08", "E09"}
    )
    registered = Decimal("300000.5")
    ratio = (registered + 58000000) / england
    residents = round(dudley + birmingham / 3)  # a third of Birmingham's small areas are QUA's
    expected = max(Decimal(residents) - registered / ratio, Decimal(0)).quantize(Decimal(1))

    qua = Organisation.objects.get(code="QUA")
    result = responsibility_for_icb(qua, "2025/26")
    assert result.residents.residents == residents
    counts = {c.key: c.count for c in result.classes}
    assert counts["resident_unregistered"] == expected > 0

    out = CliRunner().invoke(main, ["responsibility", "--icb", "QUA"]).output
    assert f"Living in its area but not registered with a practice: {expected:,.0f}" in out
    assert "an estimate: ONS residents at mid-2024" in out
    assert "list inflation" in out and "different dates" in out


def test_coterminosity_counts_councils_of_2023_in_both_tiers(client, registry):
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    _residents()
    district, upper = council_tier("district"), council_tier("upper")
    assert (district.councils, district.councils_shared) == (2, 1)  # Dudley, Birmingham
    assert (upper.councils, upper.councils_shared) == (2, 1)  # both are single-tier
    tiers = {t["tier"]: t for t in client.get("/api/organisations/coterminosity").json()}
    assert tiers["upper"]["shared"][0]["council_name"] == "Birmingham"
    html = client.get("/organisations/coterminosity/").content.decode()
    assert "County and unitary councils" in html and "1 of 2 councils are split" in html


def test_abolished_districts_are_counted_under_their_council_of_2023():
    import_practice_file(
        practice_file([practice_row("B00001", icb="QHM", lad="E06000004")]),
        source_name="2025_2026.csv",
        actor=ACTOR,
        reason="t",
    )
    from tests.builders import LAS

    LAS.setdefault("E07000163", "Craven")
    LAS.setdefault("E07000164", "Hambleton")
    areas = [("E01000001", "QHM", "E07000163"), ("E01000002", "QHM", "E07000164")]
    try:
        import_lsoa_lookup(lsoa_lookup(areas), source_name="l.csv", actor=ACTOR, reason="t")
    finally:
        LAS.pop("E07000163"), LAS.pop("E07000164")
    _residents()
    names = {r.local_authority.name for r in council_tier("district").shared}
    assert names == set()  # one council, in one ICB
    by_council = council_tier("upper")
    assert by_council.councils == 1  # North Yorkshire, not Craven and Hambleton
