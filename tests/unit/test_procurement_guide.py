"""The guided choice of a process and the next step of a decision, as pure functions: the
considerable change figures, which processes are mandatory, allowed or not, and what the
regulations ask next and by when. No database."""

from datetime import date

from openics.regimes.model import RuleContext
from openics.regimes.registry import get_regime
from openics.regimes.rules.procurement import (
    Progress,
    Situation,
    considerable_change,
    considerable_change_figures,
    next_step,
    process_guide,
)

PSR = RuleContext(get_regime("hca-2022"), date(2025, 6, 2))
POUND = 100


def renewal(existing=2_000_000, proposed=2_080_000, **changes) -> Situation:
    facts = dict(
        existing_provider=True,
        existing_contract_expiring=True,
        incumbent_satisfactory=True,
        existing_lifetime_value_pence=existing * POUND,
        proposed_lifetime_value_pence=proposed * POUND,
    )
    facts.update(changes)
    return Situation(**facts)


def test_a_rise_of_4_percent_is_not_a_considerable_change_and_c_is_allowed():
    figures = considerable_change_figures(PSR, renewal())
    assert figures.rise_pence == 80_000 * POUND and figures.rise_share == "4%"
    assert figures.minimum_increase_pence == 500_000 * POUND and figures.minimum_share == "25%"
    assert not figures.rise_reaches_minimum and not figures.share_reaches_minimum
    assert not figures.met and figures.basis == "SI 2023/1348 reg 6(10)-(12)"
    guide = process_guide(PSR, renewal())
    assert "direct_award_c" in {o.process for o in guide.allowed}
    assert guide.mandatory == ()


def test_a_rise_of_600000_and_30_percent_meets_the_test_and_c_is_not_allowed():
    s = renewal(existing=2_000_000, proposed=2_600_000)
    figures = considerable_change_figures(PSR, s)
    assert figures.rise_reaches_minimum and figures.share_reaches_minimum and figures.met
    assert figures.rise_share == "30%"
    assert figures.explanation == considerable_change(PSR, s)
    guide = process_guide(PSR, s)
    [c] = [o for o in guide.not_allowed if o.process == "direct_award_c"]
    assert any("considerable change test is met" in r for r in c.reasons)
    assert c.basis == "SI 2023/1348 reg 6(5) and reg 9"
    assert {"competitive"} <= {o.process for o in guide.allowed}


def test_both_figures_are_needed_a_large_rise_on_a_large_contract_is_not_enough():
    # £600,000 more on £10m is 6%: at least £500,000 but under 25%.
    figures = considerable_change_figures(PSR, renewal(existing=10_000_000, proposed=10_600_000))
    assert figures.rise_reaches_minimum and not figures.share_reaches_minimum
    assert not figures.met


def test_a_rise_not_of_the_authoritys_making_does_not_meet_the_test():
    s = renewal(proposed=2_600_000, change_attributable_to_authority=False)
    assert not considerable_change_figures(PSR, s).met


def test_direct_award_a_is_mandatory_and_shuts_out_the_rest():
    guide = process_guide(PSR, renewal(only_existing_provider_capable=True))
    assert [o.process for o in guide.mandatory] == ["direct_award_a"]
    refused = {o.process: o for o in guide.not_allowed}
    assert "competitive" in refused
    assert any("Direct Award A must be used" in r for r in refused["competitive"].reasons)


def test_a_framework_only_by_the_competitive_process():
    guide = process_guide(PSR, Situation(framework=True, most_suitable_provider_identifiable=True))
    assert [o.process for o in guide.allowed] == ["competitive"]
    msp = {o.process: o for o in guide.not_allowed}["most_suitable_provider"]
    assert msp.reasons  # why it is not allowed, with its basis


def test_before_the_regime_there_is_no_considerable_change_test():
    old = RuleContext(get_regime("hca-2022"), date(2023, 6, 1))
    assert considerable_change_figures(old, renewal()) is None


def test_next_step_after_a_direct_award_c_decision_is_the_intention_notice():
    step = next_step(PSR, Progress("direct_award_c", "decided", date(2025, 6, 2)), date(2025, 6, 2))
    assert "notice of intention" in step.what and "8 working days" in step.what
    assert step.basis == "SI 2023/1348 reg 12"


def test_next_step_in_standstill_says_from_when_the_contract_may_be_entered_into():
    progress = Progress(
        "direct_award_c", "standstill", date(2025, 5, 1), standstill_ends=date(2025, 5, 14)
    )
    step = next_step(PSR, progress, date(2025, 5, 5))
    assert step.earliest == date(2025, 5, 15)
    assert "midnight at the end of 14 May 2025" in step.what


def test_next_step_after_award_is_the_notice_and_says_when_it_is_overdue():
    progress = Progress(
        "direct_award_c",
        "awarded",
        date(2025, 5, 1),
        awarded_on=date(2025, 6, 1),
        award_notice_due=date(2025, 7, 1),
    )
    on_time = next_step(PSR, progress, date(2025, 6, 20))
    assert on_time.by == date(2025, 7, 1) and not on_time.overdue
    late = next_step(PSR, progress, date(2025, 7, 2))
    assert late.overdue and "overdue" in late.what and "[U]" in late.basis
    done = Progress(**{**progress.__dict__, "award_notice_published": True})
    assert next_step(PSR, done, date(2025, 7, 2)) is None


def test_a_direct_award_a_goes_straight_to_the_award():
    step = next_step(PSR, Progress("direct_award_a", "decided", date(2025, 6, 2)), date(2025, 6, 2))
    assert "no standstill" in step.what and "within 30 days" in step.what
