"""OCDS release packages are checked by the standard's own validator, without the network."""

import copy
import socket

import pytest

from tests.ocds_validation import (
    STANDARD_ZIP,
    check_release_package,
    validate_release_package,
)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to reach the network is recorded, and fails."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("the OCDS validator must not use the network")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield
    assert attempts == []


def award_package() -> dict:
    return {
        "uri": "https://openics.example/ocds/releases/1.json",
        "publishedDate": "2026-04-01T09:00:00Z",
        "version": "1.1",
        "publisher": {"name": "NHS Example Integrated Care Board"},
        "releases": [
            {
                "ocid": "ocds-abc123-2026-0001",
                "id": "ocds-abc123-2026-0001-award-1",
                "date": "2026-04-01T09:00:00Z",
                "tag": ["award"],
                "initiationType": "tender",
                "language": "en",
                "parties": [
                    {"id": "GB-NHS-QUA", "name": "NHS Example ICB", "roles": ["buyer"]},
                    {"id": "GB-NHS-RNA", "name": "Example NHS Trust", "roles": ["supplier"]},
                ],
                "buyer": {"id": "GB-NHS-QUA", "name": "NHS Example ICB"},
                "tender": {"id": "t-1", "procurementMethod": "direct", "status": "complete"},
                "awards": [
                    {
                        "id": "a-1",
                        "status": "active",
                        "date": "2026-04-01T09:00:00Z",
                        "value": {"amount": 1250000, "currency": "GBP"},
                        "suppliers": [{"id": "GB-NHS-RNA", "name": "Example NHS Trust"}],
                    }
                ],
            }
        ],
    }


def test_the_schema_is_shipped_with_the_code():
    assert STANDARD_ZIP.is_file()


def test_a_well_formed_award_package_is_valid():
    report = check_release_package(award_package())
    assert report.errors == []
    assert report.warnings == []
    assert report.valid
    assert validate_release_package(award_package()) == []


def test_a_release_without_an_ocid_is_invalid():
    package = award_package()
    del package["releases"][0]["ocid"]
    errors = validate_release_package(package)
    assert any("'ocid' is missing but required" in error for error in errors), errors


def test_a_date_that_is_not_a_date_is_invalid():
    package = award_package()
    package["releases"][0]["date"] = "1 April 2026"
    errors = validate_release_package(package)
    assert any(e.startswith("releases/0/date:") and "1 April 2026" in e for e in errors), errors


def test_a_code_outside_a_closed_codelist_is_an_error():
    package = award_package()
    package["releases"][0]["tender"]["procurementMethod"] = "negotiated"
    errors = validate_release_package(package)
    assert errors == [
        'releases/tender/procurementMethod: "negotiated" not in the closed codelist method.csv.'
    ]


def test_an_ocid_without_a_prefix_is_an_error():
    package = award_package()
    package["releases"][0]["ocid"] = "2026-0001"
    errors = validate_release_package(package)
    assert any(e.startswith("releases/0/ocid:") for e in errors), errors


def test_extensions_are_not_fetched_but_named_in_a_warning():
    package = award_package()
    url = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/master/extension.json"
    package["extensions"] = [url]
    report = check_release_package(package)
    assert report.errors == []
    assert len(report.warnings) == 1
    assert url in report.warnings[0]


def test_the_package_is_not_changed():
    package = award_package()
    package["extensions"] = ["https://example.org/extension.json"]
    before = copy.deepcopy(package)
    check_release_package(package)
    assert package == before
