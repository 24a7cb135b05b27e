"""`openics import notices`: real Contracts Finder notices beside the demo's decisions, and
the shapes Find a Tender publishes; linked to the registry, shown on the register, a page
per notice, the API and a CSV, all with their provenance."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from openics.arranging.models import PublishedNotice, PublishedNoticeSupplier
from openics.arranging.published import import_notices
from openics.cli import main
from openics.core.audit import Actor
from openics.core.imports import ImportRejected
from openics.core.models import AuditEntry, ImportRun
from openics.kernel.money import Money
from openics.organisations.models import Organisation
from tests.factories import OrganisationFactory
from tests.unit.test_source_ocds_notices import SAMPLE, package, psr_release

pytestmark = pytest.mark.django_db
AS = {"actor": Actor.process("test"), "reason": "test"}


def council_release() -> dict:
    return psr_release(
        ocid="ocds-h6vhtk-0c0c0c",
        id="council-1",
        parties=[{"id": "C1", "name": "Birmingham City Council", "roles": ["buyer"]}],
        buyer={"id": "C1", "name": "Birmingham City Council"},
        awards=[],
    )


@pytest.fixture
def registry():
    return {
        "walsall": OrganisationFactory(code="RBK", name="WALSALL HEALTHCARE NHS TRUST"),
        "icb": OrganisationFactory(
            kind="icb", code="QUA", name="NHS Black Country Integrated Care Board"
        ),
        "nwl": OrganisationFactory(kind="icb", code="QRV", name="NHS North West London ICB"),
        "company": OrganisationFactory(
            kind="independent_provider",
            code="",
            name="Phoenix Surfacing Ltd",
            ownership="independent",
            company_number="02577303",
        ),
        "care": OrganisationFactory(
            kind="independent_provider",
            code="",
            name="Example Community Care Limited",
            ownership="independent",
            company_number="01234567",
        ),
        "council": OrganisationFactory(
            kind="local_authority",
            code="",
            name="Birmingham City Council",
            ownership="local_authority",
        ),
    }


def test_the_real_sample_imports_every_release_links_what_is_known_and_once_only(registry):
    report = import_notices(SAMPLE.read_bytes(), source_name=SAMPLE.name, **AS)
    assert (report.rows, report.created, report.reported) == (14, 14, [])
    assert PublishedNotice.objects.count() == 14
    walsall = PublishedNotice.objects.get(buyer_name="Walsall Healthcare NHS Trust")
    assert walsall.buyer == registry["walsall"] and walsall.buyer_match == "exact name"
    assert "owned by the NHS" in walsall.nhs_reason
    # The ICB publishes its name in full; the registry holds it short.
    nwl = PublishedNotice.objects.get(buyer_name="NHS North West London Integrated Care Board")
    assert nwl.buyer == registry["nwl"] and nwl.tags == "planning"
    # Not in the registry: kept by name, "not known".
    nuh = PublishedNotice.objects.get(ocid="ocds-b5fd17-7f49bd48-f259-4f61-b8a8-7d2738e6f3be")
    assert nuh.buyer is None and nuh.buyer_match == "not known"
    assert nuh.nhs_reason == "its name says 'NHS'"
    assert nuh.tender_value == Money(18_000_000) and nuh.tender_currency == "GBP"
    assert nuh.url.startswith("https://www.contractsfinder.service.gov.uk/Notice/")
    # The supplier with a Companies House number is found by it, whatever its name.
    phoenix = PublishedNoticeSupplier.objects.get(name="Phoenix Surfacing Limited")
    assert phoenix.organisation == registry["company"]
    assert phoenix.match == "Companies House 02577303"
    assert report.linked_buyers == 2 and report.linked_suppliers == 1
    run = ImportRun.objects.get(kind="published-notices")
    assert (run.rows, run.created, run.source_name) == (14, 14, SAMPLE.name)
    assert AuditEntry.objects.filter(object_type="commissioning.publishednotice").count() == 14

    again = import_notices(SAMPLE.read_bytes(), source_name="copy.json", **AS)
    assert (again.created, again.unchanged) == (0, 14)
    assert PublishedNotice.objects.count() == 14
    first = json.loads(SAMPLE.read_bytes())["releases"][0]
    first["tender"]["title"] = "Changed"
    changed = import_notices(package(first), source_name="changed.json", **AS)
    assert changed.unchanged == 1 and "held already with different content" in changed.notes[0]
    assert PublishedNotice.objects.get(ocid=first["ocid"]).title.startswith("TQ1_")


def test_a_psr_notice_keeps_its_legal_basis_and_non_nhs_buyers_are_reported(registry):
    data = package(psr_release(), council_release())
    report = import_notices(data, source_name="fts.json", **AS)
    assert report.created == 1
    (reported,) = report.reported
    assert reported.startswith("release 2 (ocds-h6vhtk-0c0c0c, release council-1)")
    assert "the registry's" in reported and "not an NHS body" in reported
    notice = PublishedNotice.objects.get()
    assert notice.is_psr and (notice.legal_basis_scheme, notice.legal_basis_id) == (
        "UKSI",
        "2023/1348",
    )
    assert notice.buyer == registry["icb"] and notice.buyer_match == "ODS code QUA"
    assert notice.award_value == Money(123_456_789)
    supplier = notice.suppliers.get()
    assert supplier.organisation == registry["care"] and supplier.company_number == "01234567"


def test_a_file_with_a_bad_release_writes_nothing_and_names_each_bad_one(registry):
    bad = psr_release(id="bad", date="yesterday")
    data = package(
        psr_release(), bad, {**psr_release(id="x"), "tender": {"value": {"amount": True}}}
    )
    with pytest.raises(ImportRejected) as caught:
        import_notices(data, source_name="bad.json", **AS)
    text = caught.value.report()
    assert "release 2 (ocds-h6vhtk-04f1a2): date 'yesterday' is not a date" in text
    assert "release 3 (ocds-h6vhtk-04f1a2): tender.value.amount is a JSON true/false" in text
    assert PublishedNotice.objects.count() == 0 and ImportRun.objects.count() == 0


def test_a_file_of_no_nhs_buyer_or_not_ocds_is_refused(registry):
    with pytest.raises(ImportRejected, match="has no release with an NHS buyer"):
        import_notices(package(council_release()), source_name="council.json", **AS)
    with pytest.raises(ImportRejected, match="is not OCDS"):
        import_notices(b'{"hello": 1}', source_name="other.json", **AS)
    with pytest.raises(ImportRejected, match="holds no releases"):
        import_notices(package(), source_name="empty.json", **AS)
    assert PublishedNotice.objects.count() == 0


def test_the_cli_prints_counts_and_the_releases_it_did_not_import(registry, tmp_path):
    path = tmp_path / "fts.json"
    path.write_bytes(package(psr_release(), council_release()))
    result = CliRunner().invoke(main, ["import", "notices", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 releases read (ocds-release-package): 1 imported, 0 already held" in result.output
    assert "1 reported and not imported" in result.output
    assert "not imported: release 2 (ocds-h6vhtk-0c0c0c" in result.output
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"not json")
    result = CliRunner().invoke(main, ["import", "notices", str(bad)])
    assert result.exit_code == 1 and "is not JSON" in result.output


@pytest.fixture
def imported(registry):
    import_notices(SAMPLE.read_bytes(), source_name=SAMPLE.name, **AS)
    import_notices(package(psr_release()), source_name="fts.json", **AS)
    return PublishedNotice.objects.get(ocid="ocds-h6vhtk-04f1a2")


def test_the_register_shows_them_as_real_with_the_link_and_each_has_a_page(client, imported):
    page = client.get("/arranging/decisions/").content.decode()
    assert "Published notice (real)" in page
    assert "15 notices NHS bodies published" in page
    assert 'href="https://www.find-tender.service.gov.uk/Notice/012345-2025"' in page
    assert f"/arranging/published-notices/{imported.pk}/" in page
    assert "fts.json on" in page and "(1 notice)" in page and "(14 notices)" in page
    detail = client.get(f"/arranging/published-notices/{imported.pk}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "UKSI 2023/1348 (the Provider Selection Regime, SI 2023/1348)" in text
    assert "£1,234,567.89" in text
    assert "imported from fts.json" in text
    assert "ODS code QUA" in text
    assert client.get("/arranging/published-notices/not-an-id/").status_code == 404
    listing = client.get("/arranging/published-notices/")
    assert listing.status_code == 200 and "15 published notices" in listing.content.decode()
    assert client.get("/arranging/published-notices/?page=9").status_code == 400
    for page in ("x", "²", "0", "9" * 30):
        assert client.get(f"/arranging/published-notices/?page={page}").status_code == 400


def test_an_organisations_page_lists_the_notices_it_bought_with_and_those_it_won(client, registry):
    import_notices(SAMPLE.read_bytes(), source_name=SAMPLE.name, **AS)
    buyer = client.get(registry["walsall"].get_absolute_url()).content.decode()
    assert "Notices it is named in (real)" in buyer
    walsall = PublishedNotice.objects.get(buyer_name="Walsall Healthcare NHS Trust")
    assert f"/arranging/published-notices/{walsall.pk}/" in buyer
    supplier = client.get(registry["company"].get_absolute_url()).content.decode()
    assert "As a supplier" in supplier and "Phoenix Surfacing" in supplier
    council = client.get(registry["council"].get_absolute_url()).content.decode()
    assert "Notices it is named in" not in council


def test_the_csv_has_a_provenance_column(client, imported):
    response = client.get("/arranging/published-notices.csv")
    assert response.status_code == 200 and "OpenICS-Checkpoint" in response
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 15
    psr = next(r for r in rows if r["ocid"] == "ocds-h6vhtk-04f1a2")
    assert psr["legal_basis"] == "UKSI 2023/1348" and psr["award_value"] == "1234567.89"
    assert psr["provenance"].startswith("real: published on Find a Tender at https://")
    assert psr["supplier_company_numbers"] == "01234567"
    nuh = next(r for r in rows if r["buyer"] == "Nottingham University Hospitals NHS Trust")
    assert nuh["buyer_code"] == "not known" and nuh["supplier_company_numbers"] == "not known"


def test_the_api_lists_and_shows_them_with_their_provenance(client, imported):
    listing = client.get("/api/arranging/published-notices?limit=5").json()
    assert listing["count"] == 15 and len(listing["items"]) == 5
    assert all(item["provenance"].startswith("real: ") for item in listing["items"])
    one = client.get(f"/api/arranging/published-notices/{imported.pk}").json()
    assert one["label"] == "published notice (real)" and one["psr"] is True
    assert one["award_value"] == "1234567.89" and one["buyer_code"] == "QUA"
    assert (
        one["source_file"] == "fts.json"
        and one["suppliers"][0]["registry_name"] == "Example Community Care Limited"
    )
    by_ocid = client.get("/api/arranging/published-notices?ocid=ocds-h6vhtk-04f1a2").json()
    assert by_ocid["count"] == 1
    assert client.get("/api/arranging/published-notices/nope").status_code == 404


def test_a_merger_leaves_a_notice_naming_the_buyer_it_named(imported):
    from openics.organisations.lifecycle import holding_fields

    labels = {h.label for h in holding_fields()}
    assert "commissioning.publishednotice.buyer" not in labels
    assert Organisation.objects.filter(published_notices=imported).count() == 1
