"""The OCDS notices reader, without a database: real Contracts Finder releases, the shapes
Find a Tender publishes, and hostile files."""

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from openics.sources.base import SourceError
from openics.sources.ocds_notices import (
    NoticeParty,
    ReleaseError,
    nhs_by_name,
    normalised_name,
    read_notices,
)

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "data/contracts-finder-ocds/contracts_finder_ocds_releases_NHS_subset.json"
)


def psr_release(**changes) -> dict:
    """A Find a Tender award under the Provider Selection Regime, in the shape it publishes."""
    release = {
        "ocid": "ocds-h6vhtk-04f1a2",
        "id": "ocds-h6vhtk-04f1a2-1",
        "date": "2025-06-02T09:30:00+01:00",
        "tag": ["award"],
        "parties": [
            {
                "id": "GB-PPON-PABC-1234-WXYZ",
                "name": "NHS Black Country Integrated Care Board",
                "identifier": {"scheme": "GB-PPON", "id": "PABC-1234-WXYZ"},
                "additionalIdentifiers": [{"scheme": "GB-NHS", "id": "QUA"}],
                "roles": ["buyer"],
            },
            {
                "id": "GB-COH-01234567",
                "name": "Example Community Care Ltd",
                "identifier": {"scheme": "GB-COH", "id": "1234567"},
                "roles": ["supplier"],
            },
        ],
        "buyer": {
            "id": "GB-PPON-PABC-1234-WXYZ",
            "name": "NHS Black Country Integrated Care Board",
        },
        "tender": {
            "id": "1",
            "title": "Community nursing",
            "legalBasis": {"scheme": "UKSI", "id": "2023/1348"},
            "procurementMethod": "direct",
            "procurementMethodDetails": "Direct award process C",
            "value": {"amount": 1234567.89, "currency": "GBP"},
        },
        "awards": [
            {
                "id": "1",
                "status": "active",
                "date": "2025-05-30",
                "value": {"amount": 1234567.89, "currency": "GBP"},
                "suppliers": [{"id": "GB-COH-01234567", "name": "Example Community Care Ltd"}],
                "documents": [
                    {
                        "id": "1",
                        "documentType": "awardNotice",
                        "url": "https://www.find-tender.service.gov.uk/Notice/012345-2025",
                    }
                ],
            }
        ],
    }
    release.update(changes)
    return release


def package(*releases, **extra) -> bytes:
    return json.dumps({"uri": "x", "version": "1.1", "releases": list(releases), **extra}).encode()


def test_reads_every_real_contracts_finder_release_exactly():
    parsed = read_notices(SAMPLE.read_bytes(), SAMPLE.name)
    assert parsed.errors == [] and len(parsed.rows) == 14
    assert parsed.layout == "ocds-release-package"
    first = parsed.rows[0]
    assert first.ocid == "ocds-b5fd17-7f49bd48-f259-4f61-b8a8-7d2738e6f3be"
    assert first.source == "Contracts Finder"
    assert first.published_at == datetime(2025, 3, 11, 14, 7, 12, tzinfo=UTC)
    assert first.tags == ("award",)
    assert first.buyer.name == "Nottingham University Hospitals NHS Trust"
    assert first.tender_value.minor_units == 18_000_000 and first.tender_value.currency == "GBP"
    assert first.award_value.minor_units == 18_000_000
    assert first.procurement_method == "limited"
    assert first.procurement_method_details.startswith("Negotiated procedure")
    assert first.tender_end == date(2025, 2, 14)
    # The contract ends at 23:59:59+01:00 on 5 September: that day, not the next in UTC.
    assert (first.contract_start, first.contract_end) == (date(2025, 3, 6), date(2025, 9, 5))
    assert (
        first.url
        == "https://www.contractsfinder.service.gov.uk/Notice/343f9585-8c4b-454b-94ae-aa7c9714adc9"
    )
    assert [s.name for s in first.suppliers] == ["MPCA Consultancy Limited"]
    # NHS Property Services' supplier carries a Companies House number.
    nhsps = next(r for r in parsed.rows if r.buyer.name == "NHS PROPERTY SERVICES LIMITED")
    assert nhsps.suppliers[0].company_number == "02577303"
    # A planning notice has no value or supplier, and its page is its engagement notice.
    planning = next(r for r in parsed.rows if "Integrated Care Board" in r.buyer.name)
    assert planning.tags == ("planning",) and planning.award_value is None
    assert planning.url.endswith("/Notice/47f42b21-33b9-445c-b070-d8b7e2d089bd")
    assert planning.tender_value.minor_units == 1_500_000_000
    # None of the sample is a PSR notice, and every buyer's name says it is NHS.
    assert not any(r.is_psr for r in parsed.rows)
    assert all(nhs_by_name(r.buyer) for r in parsed.rows)


def test_a_find_a_tender_psr_notice_keeps_its_legal_basis_and_identifiers():
    parsed = read_notices(package(psr_release()), "fts.json")
    (row,) = parsed.rows
    assert row.is_psr and row.legal_basis_scheme == "UKSI" and row.legal_basis_id == "2023/1348"
    assert row.source == "Find a Tender"
    assert row.buyer.ods_code == "QUA"
    assert ("GB-PPON", "PABC-1234-WXYZ") in row.buyer.identifiers
    assert row.suppliers[0].company_number == "01234567"  # zero-padded to eight
    # Pence from the decimal text, not a float: 1234567.89 is exactly 123,456,789 pence.
    assert row.tender_value.minor_units == 123_456_789 and not row.tender_value.rounded
    assert row.url == "https://www.find-tender.service.gov.uk/Notice/012345-2025"
    assert row.published_at.date() == date(2025, 6, 2) and row.date_signed is None


def test_record_packages_lists_of_packages_json_lines_and_single_releases():
    compiled = psr_release()
    record_package = {
        "records": [
            {
                "ocid": compiled["ocid"],
                "releases": [{"url": "https://x/1", "date": "2025-06-02", "tag": ["award"]}],
                "compiledRelease": compiled,
            },
            {
                "ocid": "ocds-h6vhtk-0000aa",
                "releases": [psr_release(ocid="ocds-h6vhtk-0000aa", id="r-2")],
            },
        ]
    }
    parsed = read_notices(json.dumps(record_package).encode(), "records.json")
    assert parsed.layout == "ocds-record-package"
    assert [r.position for r in parsed.rows] == [
        "record 1, compiled release",
        "record 2, release 1",
    ]

    two_pages = [json.loads(package(psr_release())), json.loads(package(psr_release(id="r-9")))]
    parsed = read_notices(json.dumps(two_pages).encode(), "pages.json")
    assert [r.position for r in parsed.rows] == ["package 1, release 1", "package 2, release 1"]

    lines = b"\n".join(json.dumps(p).encode() for p in two_pages) + b"\n"
    assert len(read_notices(lines, "pages.jsonl").rows) == 2

    single = read_notices(json.dumps(psr_release()).encode(), "one.json")
    assert single.layout == "ocds-release" and len(single.rows) == 1


def test_bad_releases_are_named_by_position_and_ocid_and_good_ones_still_read():
    releases = [
        psr_release(id="ok-1"),
        psr_release(id=""),
        psr_release(id="bad-date", date="11 March 2025"),
        psr_release(id="bad-tag", tag="award"),
        {
            **psr_release(id="bad-amount"),
            "tender": {"value": {"amount": "100000", "currency": "GBP"}},
        },
        {**psr_release(id="negative"), "tender": {"value": {"amount": -5, "currency": "GBP"}}},
        {**psr_release(id="currency"), "tender": {"value": {"amount": 5, "currency": "pounds"}}},
        psr_release(id="parties", parties={"a": 1}),
        "not a release",
        psr_release(id="x" * 201),
        psr_release(id="nul", tender={"title": "Bad\u0000title"}),
        psr_release(ocid=None, id="no-ocid"),
    ]
    parsed = read_notices(package(*releases), "mixed.json")
    assert [r.release_id for r in parsed.rows] == ["ok-1"]
    reasons = {e.line: str(e) for e in parsed.errors}
    assert all(isinstance(e, ReleaseError) for e in parsed.errors)
    assert reasons[2] == "release 2 (ocds-h6vhtk-04f1a2): has no release id"
    assert "date '11 March 2025' is not a date" in reasons[3]
    assert "tag is a JSON string, not a list" in reasons[4]
    assert "tender.value.amount is a JSON string, not a number" in reasons[5]
    assert "tender.value.amount is negative" in reasons[6]
    assert "not a three-letter currency code" in reasons[7]
    assert "parties is a JSON object, not a list" in reasons[8]
    assert reasons[9] == "release 9: is a JSON string, not a release"
    assert "id is 201 characters long" in reasons[10]
    assert "tender.title contains a NUL character" in reasons[11]
    assert reasons[12] == "release 12: has no ocid"


def test_huge_numbers_are_refused_never_stored_wrong():
    big = {**psr_release(id="big"), "tender": {"value": {"amount": 10**15, "currency": "GBP"}}}
    parsed = read_notices(package(big), "big.json")
    assert "too large to be the value of a notice" in str(parsed.errors[0])
    exponent = (
        b'{"releases": [{"ocid": "o", "id": "i", "date": "2025-01-01", "tag": ["award"], '
        b'"tender": {"value": {"amount": 1e999999, "currency": "GBP"}}}]}'
    )
    assert "too large" in str(read_notices(exponent, "e.json").errors[0])
    with pytest.raises(SourceError, match="not an OCDS file"):
        read_notices(b'{"releases": [{"amount": ' + b"9" * 5000 + b"}]}", "digits.json")
    for constant in (b"NaN", b"Infinity", b"-Infinity"):
        with pytest.raises(SourceError, match="must be finite"):
            read_notices(b'{"releases": [{"amount": ' + constant + b"}]}", "nan.json")


def test_a_fraction_of_a_penny_is_rounded_and_said():
    odd = {**psr_release(), "tender": {"value": {"amount": 10.005, "currency": "GBP"}}}
    parsed = read_notices(package(odd), "odd.json")
    assert parsed.rows[0].tender_value.minor_units == 1001 and parsed.rows[0].tender_value.rounded
    assert any("fractions of a penny" in note for note in parsed.notes)


def test_a_notice_linking_no_page_gets_the_platform_page_of_its_release_id():
    fts = read_notices(package(psr_release(id="001323-2023", awards=[])), "fts.json").rows[0]
    assert fts.url == "https://www.find-tender.service.gov.uk/Notice/001323-2023"
    assert "worked out from its release id" in fts.notes[0]
    cf = psr_release(
        ocid="ocds-b5fd17-1", id="47f42b21-33b9-445c-b070-d8b7e2d089bd-832998", awards=[]
    )
    assert read_notices(package(cf), "cf.json").rows[0].url == (
        "https://www.contractsfinder.service.gov.uk/Notice/47f42b21-33b9-445c-b070-d8b7e2d089bd"
    )
    other = psr_release(ocid="ocds-zzzzzz-1", id="001323-2023", awards=[])
    assert read_notices(package(other), "other.json").rows[0].url == ""


def test_a_value_without_its_currency_is_kept_and_said():
    bare = {**psr_release(), "tender": {"value": {"amount": 250}}}
    parsed = read_notices(package(bare), "bare.json")
    assert parsed.rows[0].tender_value.minor_units == 25_000
    assert parsed.rows[0].tender_value.currency == ""
    assert any("without its currency" in note for note in parsed.notes)


def test_the_same_release_twice_is_read_once_but_a_changed_copy_is_an_error():
    release = psr_release()
    parsed = read_notices(package(release, copy.deepcopy(release)), "twice.json")
    assert len(parsed.rows) == 1 and parsed.errors == []
    assert "repeats release 1" in parsed.notes[0]
    changed = psr_release(tag=["awardUpdate"])
    parsed = read_notices(package(release, changed), "changed.json")
    assert "appears again, with different content, at release 1" in str(parsed.errors[0])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"ocid,id\n1,2\n", "is not JSON"),
        (b'{"releases": [\x00]}', "is not JSON"),
        (b'{"uri": "x"}', "has no `releases` or `records`"),
        (b"[1, 2]", "a JSON int, not a release or record package"),
        (b'"text"', "not a release or record package"),
        (b'{"releases": {}}', "`releases` is not a list"),
        (b'{"releases": []}', "holds no releases"),
        (b'{"records": []}', "holds no releases"),
        (b"[]", "holds no OCDS package"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_a_file_that_is_not_ocds_or_holds_no_release_is_refused(data, message):
    with pytest.raises(SourceError, match=message):
        read_notices(data, "file.json")


def test_a_record_of_only_linked_releases_is_reported():
    record = {
        "records": [
            {"ocid": "ocds-h6vhtk-1", "releases": [{"url": "https://x", "date": "2025-01-01"}]}
        ]
    }
    parsed = read_notices(json.dumps(record).encode(), "linked.json")
    assert parsed.rows == []
    assert "only links to its releases" in str(parsed.errors[0])
    assert str(parsed.errors[0]).startswith("record 1 (ocds-h6vhtk-1)")


def test_nhs_by_name_and_normalised_names():
    assert nhs_by_name(NoticeParty("Walsall Healthcare NHS Trust", "1"))
    assert nhs_by_name(NoticeParty("Somewhere Integrated Care Board", "1"))
    assert nhs_by_name(NoticeParty("Acme Ltd", "1", ods_code="RBK")).startswith("identified by ODS")
    assert not nhs_by_name(NoticeParty("Birmingham City Council", "1"))
    assert not nhs_by_name(NoticeParty("Vanhs Ltd", "1"))  # NHS as a word, not letters
    assert normalised_name("WALSALL  Healthcare NHS Trust.") == "walsall healthcare nhs trust"
    assert normalised_name("Black Country & West") == "black country and west"
    assert normalised_name("NHS North West London Integrated Care Board") == normalised_name(
        "NHS North West London ICB"
    )
    assert normalised_name("Phoenix Surfacing Limited") == "phoenix surfacing ltd"
