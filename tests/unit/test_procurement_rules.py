"""The provider selection rules as pure functions: no database."""

from datetime import date

import pytest

from openics.kernel.working_days import is_working_day, working_days_after
from openics.regimes.model import RuleContext
from openics.regimes.registry import get_regime
from openics.regimes.rules.procurement import (
    Assessment,
    Conflict,
    DecisionFacts,
    Exclusions,
    ModificationFacts,
    Situation,
    process_options,
    standstill_period,
)

PSR = get_regime("hca-2022")
ON = date(2025, 6, 2)
POUND = 100


def renewal(**changes) -> Situation:
    facts = dict(
        existing_provider=True,
        existing_contract_expiring=True,
        incumbent_satisfactory=True,
        existing_lifetime_value_pence=2_000_000 * POUND,
        proposed_lifetime_value_pence=2_080_000 * POUND,
    )
    facts.update(changes)
    return Situation(**facts)


def full(process="direct_award_c", **changes) -> DecisionFacts:
    fields = dict(
        process=process,
        situation=renewal(),
        provider_name="Trust",
        provider_address="DY1",
        service_description="Community nursing",
        cpv_code="85141000-9",
        reasons="Working well",
        decision_process="Executive committee on officers' advice",
        decision_makers=("Executive committee",),
        assessments=tuple(
            Assessment(k, "high", "why")
            for k in (
                "quality_innovation",
                "value",
                "integration_collaboration_sustainability",
                "access_inequalities_choice",
                "social_value",
            )
        ),
        basic_selection="CQC registered",
        exclusions=Exclusions(subcontracting_asked=True),
    )
    fields.update(changes)
    return DecisionFacts(**fields)


def violations(rule, on=ON, regime=PSR, **facts):
    return [v.explanation for v in regime.evaluate(rule, on, **facts).violations]


# --- working days and the standstill -----------------------------------------------------


def test_good_friday_and_easter_monday_are_not_working_days():
    assert not is_working_day(date(2026, 4, 3))
    assert not is_working_day(date(2026, 4, 6))
    assert is_working_day(date(2026, 4, 7))


def test_a_standstill_starting_on_the_thursday_before_easter_skips_the_bank_holidays():
    # Notice published Wednesday 1 April 2026; the standstill begins Thursday 2 April.
    period = standstill_period(RuleContext(PSR, date(2026, 4, 1)), date(2026, 4, 1))
    assert period.begins == date(2026, 4, 2)
    # Fri 3 and Mon 6 are bank holidays: Tue 7 is day 1 ... Thu 16 is day 8.
    assert period.ends == date(2026, 4, 16)


def test_easter_2025_standstill():
    # Easter Sunday 2025 was 20 April; published Wed 16, begins Thu 17 April.
    period = standstill_period(RuleContext(PSR, date(2025, 4, 16)), date(2025, 4, 16))
    # Fri 18 and Mon 21 are bank holidays: Tue 22 is day 1 ... Thu 1 May is day 8.
    assert (period.begins, period.ends) == (date(2025, 4, 17), date(2025, 5, 1))


def test_the_worked_example_without_holidays():
    # Published Monday 1 June 2026: begins Tue 2, eight working days later is Fri 12 June.
    period = standstill_period(RuleContext(PSR, date(2026, 6, 1)), date(2026, 6, 1))
    assert period.ends == date(2026, 6, 12)


def test_christmas_and_boxing_day_substitutes_are_skipped():
    # 26 Dec 2026 is a Saturday, so Monday 28 December is the substitute bank holiday.
    assert working_days_after(date(2026, 12, 24), 1) == date(2026, 12, 29)


def test_a_contract_on_the_last_day_of_the_standstill_is_refused():
    facts = full(intention_published_on=date(2026, 4, 1), contract_entered_on=date(2026, 4, 16))
    [why] = violations("procurement.standstill", decision=facts)
    assert "ends at midnight on 16 April 2026" in why and "reg 12" in why
    later = full(intention_published_on=date(2026, 4, 1), contract_entered_on=date(2026, 4, 17))
    assert violations("procurement.standstill", decision=later) == []


def test_direct_award_a_has_no_standstill():
    facts = full("direct_award_a", contract_entered_on=date(2026, 4, 1))
    assert violations("procurement.standstill", decision=facts) == []


# --- choosing the process ----------------------------------------------------------------


def test_direct_award_c_is_refused_for_a_600k_30_percent_rise():
    s = renewal(proposed_lifetime_value_pence=2_600_000 * POUND)
    [why] = violations("procurement.process", decision=full(situation=s))
    assert "considerable change test" in why
    assert "£600,000.00 (30%)" in why
    assert "reg 6(10)-(12)" in why


@pytest.mark.parametrize(
    ("rise", "original", "met"),
    [
        (500_000, 2_000_000, True),  # exactly £500k and exactly 25%
        (499_999, 1_000_000, False),  # under £500k, whatever the share
        (600_000, 2_400_001, False),  # £600k but under 25%
        (600_000, 2_400_000, True),  # £600k and exactly 25%
    ],
)
def test_considerable_change_needs_both_500k_and_25_percent(rise, original, met):
    s = renewal(
        existing_lifetime_value_pence=original * POUND,
        proposed_lifetime_value_pence=(original + rise) * POUND,
    )
    assert bool(violations("procurement.process", decision=full(situation=s))) is met


def test_a_rise_not_of_the_authoritys_making_is_no_considerable_change():
    s = renewal(
        proposed_lifetime_value_pence=3_000_000 * POUND, change_attributable_to_authority=False
    )
    assert violations("procurement.process", decision=full(situation=s)) == []


def test_materially_different_arrangements_bar_direct_award_c():
    [why] = violations(
        "procurement.process", decision=full(situation=renewal(materially_different=True))
    )
    assert "materially different in character" in why


def test_direct_award_a_is_mandatory_when_only_the_incumbent_can_provide():
    s = renewal(only_existing_provider_capable=True)
    [why] = violations("procurement.process", decision=full(situation=s))
    assert "Direct Award A must be used" in why
    options = {o.process: o for o in process_options(RuleContext(PSR, ON), s)}
    assert options["direct_award_a"].mandatory
    assert not options["competitive"].available


def test_a_framework_is_concluded_only_by_the_competitive_process():
    s = Situation(framework=True)
    why = violations("procurement.process", decision=full("most_suitable_provider", situation=s))
    assert any("reg 16(3)" in w for w in why)
    assert violations("procurement.process", decision=full("competitive", situation=s)) == []


def test_a_framework_longer_than_four_years_needs_a_reason():
    s = Situation(framework=True)
    facts = full("competitive", situation=s, term_months=60)
    [why] = violations("procurement.framework-term", decision=facts)
    assert "reg 16(5)" in why
    justified = full(
        "competitive",
        situation=s,
        term_months=60,
        exceptional_term_justification="Capital equipment with a 5-year life",
    )
    assert violations("procurement.framework-term", decision=justified) == []


# --- what a decision records -------------------------------------------------------------


def test_every_key_criterion_needs_a_justification():
    assessments = list(full().assessments)
    assessments[1] = Assessment("value", "high", "  ")
    [why] = violations("procurement.key-criteria", decision=full(assessments=tuple(assessments)))
    assert "'Value' has no written justification" in why and "reg 5" in why


def test_key_criteria_differ_between_2021_and_2023():
    facts = full()
    wp = get_regime("white-paper-2021")
    why = violations("procurement.key-criteria", regime=wp, decision=facts)
    assert any("'social value' is not one of the key criteria" in w for w in why)
    assert any("'Service sustainability and social value' was not assessed" in w for w in why)


def test_direct_award_a_needs_no_key_criteria():
    assert (
        violations("procurement.key-criteria", decision=full("direct_award_a", assessments=()))
        == []
    )


def test_subcontracting_checks_apply_from_24_february_2025():
    facts = full(exclusions=Exclusions(subcontracting_asked=False))
    assert violations("procurement.selection", on=date(2025, 2, 23), decision=facts) == []
    [why] = violations("procurement.selection", on=date(2025, 2, 24), decision=facts)
    assert "regs 20A to 20D" in why


def test_an_excluded_provider_needs_an_overriding_public_interest():
    facts = full(exclusions=Exclusions(provider_excluded=True, subcontracting_asked=True))
    assert any(
        "excluded provider" in w for w in violations("procurement.selection", decision=facts)
    )


def test_a_recused_member_cannot_be_a_decision_maker():
    facts = full(decision_makers=("A", "B"), conflicts=(Conflict("B", "Director of X", "recused"),))
    [why] = violations("procurement.conflicts", decision=facts)
    assert "B is recorded as recused" in why


def test_the_record_needs_its_decision_makers():
    [why] = violations("procurement.decision-record", decision=full(decision_makers=()))
    assert "identity of the individuals making the decision" in why and "reg 24(d)" in why


# --- modifications -----------------------------------------------------------------------


def change(cumulative, original=2_000_000, grounds="authority_decision", **kw):
    return ModificationFacts(
        awarded_by="direct_award_c",
        grounds=grounds,
        materially_different=kw.get("different", False),
        original_lifetime_value_pence=original * POUND,
        cumulative_change_pence=cumulative * POUND,
        this_change_pence=cumulative * POUND,
    )


def test_a_modification_below_500k_or_below_25_percent_is_permitted():
    assert violations("procurement.modification", change=change(499_999)) == []
    assert violations("procurement.modification", change=change(600_000, 10_000_000)) == []
    [why] = violations("procurement.modification", change=change(600_000))
    assert "reg 13" in why


def test_external_factors_allow_any_size_but_not_a_different_contract():
    assert (
        violations("procurement.modification", change=change(900_000, grounds="external_factors"))
        == []
    )
    assert violations(
        "procurement.modification", change=change(1, grounds="external_factors", different=True)
    )


def test_the_2012_regime_has_no_direct_award_c():
    why = violations("procurement.process", regime=get_regime("hsca-2012"), decision=full())
    assert "not a way of arranging services" in why[0]


def test_a_framework_decision_can_be_checked_under_a_regime_without_framework_rules():
    facts = full("competitive", situation=Situation(framework=True), term_months=48)
    for regime_id in ("hsca-2012", "white-paper-2021"):
        regime = get_regime(regime_id)
        assert regime.evaluate("procurement.process", ON, decision=facts).allowed
