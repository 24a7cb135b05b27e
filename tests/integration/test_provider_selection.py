"""Arranging services through the audited services: decisions, standstill, award, notices,
modifications and refusals that store nothing."""

from datetime import date

import pytest

from openics.arranging import services as arranging
from openics.arranging.facts import compare, facts_of
from openics.arranging.models import (
    CriterionAssessment,
    Modification,
    Notice,
    SelectionDecision,
)
from openics.contracts.models import Contract
from openics.core.audit import Refused
from openics.core.models import AuditEntry
from openics.kernel.money import Money
from tests.psr_world import ACTOR, FIVE_CRITERIA, build_psr_world, decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_psr_world()


def test_a_direct_award_c_is_recorded_with_its_lifetime_value(world):
    decision = decide(world)
    assert decision.regime_id == "hca-2022"
    assert decision.lifetime_value == Money.parse("2080000")  # £520,000 a year for 4 years
    assert decision.assessments.count() == 5
    assert decision.place == world.place
    assert AuditEntry.objects.filter(action="commissioning.record_decision").count() == 1


def test_the_acceptance_case_600k_and_30_percent_is_refused_and_nothing_stored(world):
    with pytest.raises(Refused) as refused:
        decide(world, annual_value=Money.parse("650000"))  # £2.6m over 4 years: +£600k, +30%
    text = str(refused.value)
    assert "considerable change test" in text and "reg 6(10)-(12)" in text
    assert not SelectionDecision.objects.exists()
    assert not CriterionAssessment.objects.exists()
    entry = AuditEntry.objects.get(action="commissioning.record_decision.refused")
    assert entry.after["asked"]["reference"] == "DEC-1"


def test_a_missing_justification_is_refused_citing_regulation_5(world):
    criteria = [dict(c) for c in FIVE_CRITERIA]
    criteria[4]["justification"] = ""
    with pytest.raises(Refused, match="'Social value' has no written justification.*reg 5"):
        decide(world, assessments=criteria)
    assert not SelectionDecision.objects.exists()


def test_a_framework_by_direct_award_is_refused(world):
    with pytest.raises(Refused, match=r"framework agreement may be concluded only by.*16\(3\)"):
        decide(
            world,
            process="most_suitable_provider",
            contract_kind="framework",
            existing_contract=None,
            situation={},
        )


def test_direct_award_c_must_go_to_the_incumbent(world):
    with pytest.raises(Refused, match="continues with the existing provider"):
        decide(world, provider=world.company)


def test_before_2024_an_icb_decision_is_judged_under_the_2013_regulations(world):
    # ICBs stayed under SI 2013/500 until the provider selection regime began: Direct Award
    # C did not exist, and the 2013 record of a contract was required.
    with pytest.raises(Refused, match="not a route under the 2013 regulations") as refused:
        decide(world, decided_on=date(2023, 11, 1))
    assert "SI 2013/500 reg 9(2)" not in str(refused.value)  # the record is complete
    decision = decide(
        world,
        process="direct_award_a",  # under the 2013 regulations: the single capable provider
        situation={"only_one_provider_capable": True},
        assessments=[],
        decided_on=date(2023, 5, 1),
    )
    assert decision.regime_id == "hca-2022"


def test_standstill_dates_are_computed_and_the_contract_waits_for_them(world):
    decision = decide(
        world,
        decided_on=date(2026, 3, 20),
        proposed_start=date(2026, 5, 1),
        proposed_end=date(2030, 4, 30),
    )
    with pytest.raises(Refused, match="needs a notice of intention"):
        arranging.award_contract(decision, awarded_on=date(2026, 4, 20), actor=ACTOR, reason="t")
    notice = arranging.publish_intention(
        decision, published_on=date(2026, 4, 1), actor=ACTOR, reason="publish"
    )
    decision.refresh_from_db()
    assert (decision.standstill_begins, decision.standstill_ends) == (
        date(2026, 4, 2),
        date(2026, 4, 16),
    )
    assert ["Representations by", "midnight at the end of 16 April 2026"] in notice.content
    with pytest.raises(Refused, match="ends at midnight on 16 April 2026"):
        arranging.award_contract(decision, awarded_on=date(2026, 4, 16), actor=ACTOR, reason="t")
    assert not Contract.objects.filter(decision=decision).exists()
    contract = arranging.award_contract(
        decision, awarded_on=date(2026, 4, 17), actor=ACTOR, reason="standstill over"
    )
    decision.refresh_from_db()
    assert contract.original_lifetime_value == decision.lifetime_value
    assert list(contract.services.all()) == [world.community]
    assert decision.award_notice_due == date(2026, 5, 17)
    award = arranging.publish_award_notice(
        decision, published_on=date(2026, 5, 1), actor=ACTOR, reason="publish"
    )
    assert not award.late


def test_representations_lead_to_a_review_and_a_further_five_working_days(world):
    decision = decide(
        world,
        decided_on=date(2026, 3, 20),
        proposed_start=date(2026, 6, 1),
        proposed_end=date(2030, 5, 31),
    )
    arranging.publish_intention(decision, published_on=date(2026, 4, 1), actor=ACTOR, reason="p")
    with pytest.raises(Refused, match="until midnight at the end of 2026-04-16"):
        arranging.receive_representation(
            decision,
            provider=world.company,
            received_on=date(2026, 4, 17),
            summary="Late",
            actor=ACTOR,
            reason="letter",
        )
    arranging.receive_representation(
        decision,
        provider=world.company,
        received_on=date(2026, 4, 10),
        summary="We were not asked",
        actor=ACTOR,
        reason="letter",
    )
    with pytest.raises(Refused, match="are under review"):
        arranging.award_contract(decision, awarded_on=date(2026, 4, 30), actor=ACTOR, reason="t")
    arranging.review_representations(
        decision,
        outcome="proceed",
        decided_on=date(2026, 4, 20),
        reasons="The process was followed",
        actor=ACTOR,
        reason="review",
    )
    decision.refresh_from_db()
    assert decision.further_wait_ends == date(2026, 4, 27)  # Tue 21 .. Mon 27 April
    with pytest.raises(Refused, match="27 April 2026"):
        arranging.award_contract(decision, awarded_on=date(2026, 4, 27), actor=ACTOR, reason="t")
    arranging.award_contract(decision, awarded_on=date(2026, 4, 28), actor=ACTOR, reason="t")


def test_direct_award_a_has_no_standstill_and_30_days_for_its_notice(world):
    decision = decide(
        world,
        process="direct_award_a",
        assessments=[],
        situation={"only_existing_provider_capable": True},
    )
    with pytest.raises(Refused, match="has no notice of intention"):
        arranging.publish_intention(
            decision, published_on=date(2025, 1, 16), actor=ACTOR, reason="p"
        )
    arranging.award_contract(decision, awarded_on=date(2025, 1, 20), actor=ACTOR, reason="t")
    decision.refresh_from_db()
    assert decision.award_notice_due == date(2025, 2, 19)
    late = arranging.publish_award_notice(
        decision, published_on=date(2025, 3, 1), actor=ACTOR, reason="late"
    )
    assert late.late


def test_published_notices_are_never_rewritten(world):
    decision = decide(world)
    notice = arranging.publish_intention(
        decision, published_on=date(2025, 1, 20), actor=ACTOR, reason="p"
    )
    notice.content = [["Notice", "changed"]]
    with pytest.raises(PermissionError):
        notice.save()
    with pytest.raises(PermissionError):
        Notice.objects.filter(pk=notice.pk).update(published_on=date(2025, 1, 1))


def test_abandoning_after_award_is_refused(world):
    decision = decide(
        world,
        process="direct_award_a",
        assessments=[],
        situation={"only_existing_provider_capable": True},
    )
    arranging.award_contract(decision, awarded_on=date(2025, 1, 20), actor=ACTOR, reason="t")
    with pytest.raises(Refused, match="reg 15"):
        arranging.abandon(
            decision, on=date(2025, 2, 1), reasons="changed our minds", actor=ACTOR, reason="t"
        )


def awarded(world) -> Contract:
    decision = decide(
        world,
        process="direct_award_a",
        assessments=[],
        situation={"only_existing_provider_capable": True},
    )
    return arranging.award_contract(decision, awarded_on=date(2025, 1, 20), actor=ACTOR, reason="t")


def test_modifications_follow_the_thresholds_and_keep_the_history(world):
    decision = decide(world)
    arranging.publish_intention(decision, published_on=date(2025, 1, 20), actor=ACTOR, reason="p")
    contract = arranging.award_contract(
        decision, awarded_on=date(2025, 2, 10), actor=ACTOR, reason="t"
    )
    small = arranging.modify_contract(
        contract,
        reference="MOD-1",
        decided_on=date(2025, 6, 1),
        grounds="authority_decision",
        description="More visits",
        value_change=Money.parse("400000"),
        actor=ACTOR,
        reason="t",
    )
    assert not small.notice_required
    with pytest.raises(Refused, match="reg 13"):
        arranging.modify_contract(
            contract,
            reference="MOD-2",
            decided_on=date(2025, 7, 1),
            grounds="authority_decision",
            description="Much more",
            value_change=Money.parse("200000"),
            actor=ACTOR,
            reason="t",
        )
    contract.refresh_from_db()
    assert contract.lifetime_value == Money.parse("2480000")
    assert contract.original_lifetime_value == Money.parse("2080000")
    assert Modification.objects.count() == 1


def test_a_large_external_change_needs_a_notice(world):
    contract = awarded(world)
    change = arranging.modify_contract(
        contract,
        reference="MOD-X",
        decided_on=date(2025, 6, 1),
        grounds="external_factors",
        description="Population growth",
        value_change=Money.parse("750000"),
        actor=ACTOR,
        reason="t",
    )
    assert change.notice_required and change.notice_due == date(2025, 7, 1)
    notice = arranging.publish_modification_notice(
        change, published_on=date(2025, 6, 10), actor=ACTOR, reason="t"
    )
    assert ["Change in lifetime value", "£750,000.00"] in notice.content


def test_one_decision_checked_under_every_regime(world):
    decision = decide(world)
    verdicts = {v.regime_id: v for v in compare(facts_of(decision), decision.decided_on)}
    assert verdicts["hca-2022"].allowed and verdicts["hca-2022"].in_force
    assert not verdicts["hsca-2012"].allowed
    assert not verdicts["white-paper-2021"].allowed  # its five criteria are grouped otherwise


def test_open_standstills_can_be_read_for_past_days(world):
    decision = decide(
        world,
        decided_on=date(2026, 3, 20),
        proposed_start=date(2026, 5, 1),
        proposed_end=date(2030, 4, 30),
    )
    arranging.publish_intention(decision, published_on=date(2026, 4, 1), actor=ACTOR, reason="p")
    arranging.award_contract(decision, awarded_on=date(2026, 4, 20), actor=ACTOR, reason="t")
    open_on = SelectionDecision.objects.in_standstill_on
    assert not open_on(date(2026, 4, 1)).exists()  # published, not yet begun
    assert open_on(date(2026, 4, 10)).get() == decision  # still listed after the award
    assert not open_on(date(2026, 4, 17)).exists()  # over
