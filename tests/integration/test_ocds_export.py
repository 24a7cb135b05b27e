"""The OCDS export, validated by libcoveocds (the standard's own validator) with no errors."""

import json
from datetime import date
from decimal import Decimal

import pytest

from openics.arranging import services as arranging
from openics.arranging.ocds import dumps, release_package
from openics.contracts.models import Contract
from openics.kernel.money import Money
from tests.ocds_validation import check_release_package
from tests.psr_world import ACTOR, build_psr_world, decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_psr_world()


def full_history(world):
    """An intention, a representation, a review, an award, its notice, a modification and a
    subcontract; a second decision abandoned in its standstill."""
    decision = decide(world)
    arranging.publish_intention(decision, published_on=date(2025, 1, 20), actor=ACTOR, reason="p")
    arranging.receive_representation(
        decision,
        provider=world.company,
        received_on=date(2025, 1, 24),
        summary="Not asked",
        actor=ACTOR,
        reason="letter",
    )
    arranging.review_representations(
        decision,
        outcome="proceed",
        decided_on=date(2025, 2, 3),
        reasons="Followed",
        actor=ACTOR,
        reason="review",
    )
    contract = arranging.award_contract(
        decision, awarded_on=date(2025, 2, 11), actor=ACTOR, reason="award"
    )
    arranging.publish_award_notice(
        decision, published_on=date(2025, 2, 20), actor=ACTOR, reason="notice"
    )
    arranging.modify_contract(
        contract,
        reference="MOD-1",
        decided_on=date(2025, 9, 1),
        grounds="external_factors",
        description="More housebound patients",
        value_change=Money.parse("612345.67"),
        new_end=date(2029, 9, 30),
        actor=ACTOR,
        reason="change",
    )
    sub = Contract.objects.create(
        reference="SUB-1",
        title="Wound clinics",
        commissioner=world.trust,
        provider=world.company,
        prime=contract,
        sector="community",
        start=date(2025, 4, 1),
        end=date(2026, 3, 31),
        annual_value=Money.parse("40000"),
        payment_mechanism="block",
    )
    other = decide(
        world,
        reference="DEC-2",
        title="Diagnostics",
        services=[world.diagnostics],
        process="competitive",
        existing_contract=None,
        provider=world.company,
        provider_address="1 Scan Street, Dudley DY1 1AA",
        situation={},
    )
    arranging.publish_intention(other, published_on=date(2025, 1, 20), actor=ACTOR, reason="p")
    arranging.abandon(
        other, on=date(2025, 1, 27), reasons="Budget withdrawn", actor=ACTOR, reason="abandon"
    )
    return decision, contract, sub


def test_the_export_of_a_full_history_is_valid_ocds(world):
    full_history(world)
    package = json.loads(dumps(release_package(published=date(2025, 10, 1))))
    report = check_release_package(package)
    assert report.errors == []
    tags = [r["tag"] for r in package["releases"] if r["ocid"].endswith("DEC-1")]
    assert tags == [["award"], ["award"], ["contract"], ["contractAmendment"]]
    intention = package["releases"][0]["awards"][0]
    assert intention["status"] == "pending"
    assert intention["standstillPeriod"]["endDate"].startswith(
        "2025-01-31"
    )  # Tue 21 + 8 working days
    cancelled = [r for r in package["releases"] if r["tag"] == ["tenderCancellation"]]
    assert cancelled[0]["tender"]["status"] == "cancelled"
    assert package["releases"][0]["tender"]["specialRegime"] == ["PSR"]


def test_subcontracts_are_linked_both_ways(world):
    full_history(world)
    package = release_package(published=date(2025, 10, 1))
    by_ocid = {r["ocid"]: r for r in package["releases"]}
    sub = by_ocid["ocds-opnics-contract-SUB-1"]
    assert sub["relatedProcesses"][0]["relationship"] == ["parent"]
    assert sub["relatedProcesses"][0]["identifier"] == "ocds-opnics-DEC-1"
    prime = [
        r
        for r in package["releases"]
        if r["ocid"] == "ocds-opnics-DEC-1" and r["tag"] == ["contract"]
    ][0]
    assert prime["relatedProcesses"][0]["relationship"] == ["subContract"]


def test_amounts_are_exact_pounds_and_pence(world):
    full_history(world)
    text = dumps(release_package(published=date(2025, 10, 1)))
    package = json.loads(text, parse_float=Decimal)
    amendment = [r for r in package["releases"] if r["tag"] == ["contractAmendment"]][0]
    assert amendment["contracts"][0]["value"]["amount"] == Decimal("2692345.67")


def test_a_broken_release_is_caught_by_the_validator(world):
    full_history(world)
    package = json.loads(dumps(release_package(published=date(2025, 10, 1))))
    package["releases"][0]["tender"]["procurementMethod"] = "negotiated"
    del package["releases"][1]["ocid"]
    errors = check_release_package(package).errors
    assert any("ocid" in e for e in errors)
    assert any("negotiated" in e for e in errors)
