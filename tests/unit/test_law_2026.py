"""The law as it stands in December 2026, read as tables: each row is one case on one side
of a boundary (the day before and the day a change comes in; just under, at and just over
a threshold). Each row says what the law gives; the audit is docs/law-audit-response.md."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openics.kernel.years import FinancialYear
from openics.regimes import evaluate_rule, get_regime
from openics.regimes.catalogue import DECISION, RULES
from openics.regimes.model import RuleContext
from openics.regimes.rules.governance import months_beginning_with
from openics.regimes.rules.procurement import SummaryEntry, annual_summary, standstill_period

HCA, HSCA = "hca-2022", "hsca-2012"


def ask(regime, rule, on, **facts):
    return evaluate_rule(regime, rule, on, facts)


def explanations(result):
    return " | ".join(v["explanation"] for v in result["violations"])


# --- procurement for ICBs, 1 July 2022 to 31 December 2023 ---------------------------------

SECTION_75 = dict(
    DECISION,
    process="competitive",
    provider_address="1 High Street",
    amount_payable_pence=500_000_00,
    services_start_on="2023-07-01",
    services_end_on="2026-06-30",
    process_description="Open tender advertised on Contracts Finder",
)


@pytest.mark.parametrize(
    ("on", "process", "allowed", "says"),
    [
        # The day ICBs began: the 2013 regulations, with ICBs for CCGs.
        (date(2022, 7, 1), "competitive", True, ""),
        (date(2023, 5, 1), "competitive", True, ""),
        (
            date(2023, 5, 1),
            "direct_award_c",
            False,
            "provider selection regime began on 1 January 2024",
        ),
        (date(2023, 12, 31), "most_suitable_provider", False, "1 January 2024"),
        # The PSR's first day: Direct Award C is a process.
        (date(2024, 1, 1), "direct_award_c", True, ""),
    ],
)
def test_an_icb_decision_before_the_psr_is_judged_by_the_2013_regulations(
    on, process, allowed, says
):
    result = ask(HCA, "procurement.process", on, decision=DECISION | {"process": process})
    assert result["allowed"] is allowed, explanations(result)
    assert says in explanations(result)


def test_a_2023_record_needs_the_reg_9_items():
    ok = ask(HCA, "procurement.decision-record", date(2023, 5, 1), decision=SECTION_75)
    assert ok["allowed"], explanations(ok)
    bare = {
        k: v for k, v in SECTION_75.items() if k not in ("amount_payable_pence", "services_end_on")
    }
    why = explanations(ask(HCA, "procurement.decision-record", date(2023, 5, 1), decision=bare))
    assert "total amount to be paid" in why and "reg 9(2)(c)" in why
    assert "date the services are to end" in why and "reg 9(2)(d)" in why
    assert "reasons" not in why


def test_the_2013_record_items_under_the_2012_regime_are_reg_9():
    items = RuleContext(get_regime(HSCA), date(2015, 1, 1)).param("procurement.record")["items"]
    assert [i["field"] for i in items] == [
        "provider_name",
        "provider_address",
        "service_description",
        "amount_payable_pence",
        "services_start_on",
        "services_end_on",
        "process_description",
    ]


@pytest.mark.parametrize(
    ("regime", "on", "situation", "allowed"),
    [
        # Reg 5: a single capable provider, not necessarily the incumbent.
        (HSCA, date(2020, 6, 1), {"only_one_provider_capable": True}, True),
        (
            HSCA,
            date(2020, 6, 1),
            {"existing_provider": False, "only_one_provider_capable": True},
            True,
        ),
        (HSCA, date(2020, 6, 1), {}, False),
        (HCA, date(2023, 5, 1), {"only_one_provider_capable": True}, True),
    ],
)
def test_the_2013_award_without_competition(regime, on, situation, allowed):
    decision = DECISION | {"process": "direct_award_a", "situation": situation}
    assert ask(regime, "procurement.process", on, decision=decision)["allowed"] is allowed


# --- the provider selection regime -------------------------------------------------------


@pytest.mark.parametrize(("identifiable", "allowed"), [(False, False), (True, True)])
def test_most_suitable_provider_needs_the_authority_to_be_able_to_identify_it(
    identifiable, allowed
):
    situation = {"most_suitable_provider_identifiable": identifiable}
    decision = DECISION | {"process": "most_suitable_provider", "situation": situation}
    result = ask(HCA, "procurement.process", date(2025, 6, 2), decision=decision)
    assert result["allowed"] is allowed
    if not allowed:
        assert "identify the most suitable provider" in explanations(result)


def test_the_reg_24_record_does_not_need_a_cpv_code():
    decision = DECISION | {"cpv_code": "", "service_description": ""}
    assert ask(HCA, "procurement.decision-record", date(2025, 6, 2), decision=decision)["allowed"]
    why = explanations(
        ask(
            HCA,
            "procurement.decision-record",
            date(2025, 6, 2),
            decision=DECISION | {"decision_process": ""},
        )
    )
    assert "decision-making process followed" in why and "reg 24(d)" in why


def test_importance_of_a_key_criterion_is_good_practice_not_a_breach():
    assessments = [a | {"importance": ""} for a in DECISION["assessments"]]
    result = ask(
        HCA,
        "procurement.key-criteria",
        date(2025, 6, 2),
        decision=DECISION | {"assessments": assessments},
    )
    assert result["allowed"]
    assert len(result["notes"]) == 5 and all("good practice" in n for n in result["notes"])
    no_why = [a | {"justification": ""} for a in DECISION["assessments"]]
    assert not ask(
        HCA,
        "procurement.key-criteria",
        date(2025, 6, 2),
        decision=DECISION | {"assessments": no_why},
    )["allowed"]


SUB = {"subcontracting_asked": True}


@pytest.mark.parametrize(
    ("exclusions", "started", "allowed", "says"),
    [
        # Being on the debarment list is not a breach in itself.
        (SUB | {"debarred_subcontractors": ["Acme"]}, None, True, ""),
        (SUB | {"excludable_subcontractors": ["Acme"]}, None, True, ""),
        # An excluded sub-contractor: notice and a chance to replace it first.
        (
            SUB | {"excluded_subcontractors": ["Acme"]},
            None,
            False,
            "reasonable chance to find another",
        ),
        (
            SUB | {"excluded_subcontractors": ["Acme"], "subcontractor_notice_given": True},
            None,
            False,
            "must itself be treated as excluded",
        ),
        (
            SUB
            | {
                "excluded_subcontractors": ["Acme"],
                "subcontractor_notice_given": True,
                "overriding_public_interest": "the only provider able to protect public health",
            },
            None,
            True,
            "",
        ),
        # Replaced: no longer intended, nothing to flag.
        (SUB | {"subcontractor_notice_given": True}, None, True, ""),
        # A process under way before 24 February 2025 keeps the old rules (SI 2025/163 reg 34).
        ({"subcontracting_asked": False}, "2025-02-23", True, ""),
        ({"subcontracting_asked": False}, "2025-02-24", False, "asked whether it intends"),
    ],
)
def test_exclusions_from_24_february_2025(exclusions, started, allowed, says):
    decision = DECISION | {"exclusions": exclusions, "process_started_on": started}
    result = ask(HCA, "procurement.selection", date(2025, 6, 2), decision=decision)
    assert result["allowed"] is allowed, explanations(result)
    assert says in explanations(result)


@pytest.mark.parametrize(
    ("published", "eighth", "ninth"),
    [
        # Notice Friday 21 March 2025: begins Saturday 22nd; 8th working day Wednesday 2 April.
        (date(2025, 3, 21), date(2025, 4, 2), date(2025, 4, 3)),
        # Good Friday and Easter Monday 2024 are not counted.
        (date(2024, 3, 22), date(2024, 4, 5), date(2024, 4, 8)),
    ],
)
def test_a_contract_may_be_entered_into_the_day_after_the_8th_working_day(published, eighth, ninth):
    ctx = RuleContext(get_regime(HCA), published)
    assert standstill_period(ctx, published).ends == eighth
    for entered, allowed in ((eighth, False), (ninth, True)):
        decision = DECISION | {
            "intention_published_on": published.isoformat(),
            "contract_entered_on": entered.isoformat(),
        }
        assert (
            ask(HCA, "procurement.standstill", published, decision=decision)["allowed"] is allowed
        )


def test_the_annual_summary_counts_a_years_decisions():
    ctx = RuleContext(get_regime(HCA), date(2026, 6, 1))
    entries = (
        SummaryEntry("A", "direct_award_a", date(2025, 4, 1)),
        SummaryEntry("B", "competitive", date(2026, 3, 31), new_provider=True),
        SummaryEntry("C", "competitive", date(2025, 10, 1), framework=True),
        SummaryEntry("D", "urgent_award", date(2025, 11, 1)),
        SummaryEntry("E", "competitive", date(2026, 4, 1)),  # next year
        SummaryEntry(
            "F",
            "direct_award_c",
            date(2025, 7, 1),
            standstill_ends_on=date(2025, 6, 20),
            representations=2,
            representations_summary="scoring questioned; upheld",
            provider_lost=False,
        ),
    )
    s = annual_summary(ctx, FinancialYear(2025), entries)
    counts = dict(s.by_process)
    assert counts["Direct Award A"] == 1 and counts["Competitive Process"] == 1
    assert counts["Direct Award C"] == 1
    assert (s.frameworks, s.urgent, s.new_providers, s.representations) == (1, 1, 1, 2)
    assert s.period_from == date(2025, 4, 1) and s.period_to == date(2026, 3, 31)
    first = annual_summary(ctx, FinancialYear(2024), entries)
    assert (first.period_from, first.period_to) == (date(2024, 1, 1), date(2025, 3, 31))
    assert ("period", "2025-04-01 to 2026-03-31") in s.rows()


# --- governance --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regime", "on", "pence", "kind", "declare"),
    [
        (HCA, date(2025, 6, 2), 2499, "hospitality", False),
        (HCA, date(2025, 6, 2), 2500, "hospitality", True),
        (HCA, date(2025, 6, 2), 2501, "hospitality", True),
        (HCA, date(2025, 6, 2), 5000, "gift", False),
        (HCA, date(2025, 6, 2), 5001, "gift", True),
        # A CCG in 2015: £10 (the 2016 guidance figure, carried back and marked [U]).
        (HSCA, date(2015, 6, 1), 1000, "gift", False),
        (HSCA, date(2015, 6, 1), 2000, "gift", True),
        # The day before and the day the June 2017 guidance came in.
        (HSCA, date(2017, 6, 15), 2000, "gift", True),
        (HSCA, date(2017, 6, 16), 2000, "gift", False),
    ],
)
def test_gift_and_hospitality_thresholds(regime, on, pence, kind, declare):
    gift = {"kind": kind, "value_pence": pence, "received_on": on.isoformat()}
    result = ask(regime, "governance.gifts", on, gift=gift)
    assert (not result["allowed"]) is declare, explanations(result)
    assert ask(regime, "governance.gifts", on, gift=gift | {"declared": True})["allowed"]


def test_a_2015_ccg_gift_of_20_pounds_is_declared_under_an_unconfirmed_threshold():
    gift = {"kind": "gift", "value_pence": 2000, "received_on": "2015-06-01"}
    [v] = ask(HSCA, "governance.gifts", date(2015, 6, 1), gift=gift)["violations"]
    assert "over £10 and must be declared" in v["explanation"] and "[U]" in v["explanation"]


@pytest.mark.parametrize(("pence", "refused"), [(7499, False), (7500, False), (7501, True)])
def test_hospitality_over_75_pounds_is_refused(pence, refused):
    gift = {
        "kind": "hospitality",
        "value_pence": pence,
        "received_on": "2025-06-02",
        "declared": True,
    }
    assert (not ask(HCA, "governance.gifts", date(2025, 6, 2), gift=gift)["allowed"]) is refused


def test_a_gift_over_50_pounds_is_accepted_only_for_the_organisation():
    gift = {"kind": "gift", "value_pence": 6000, "received_on": "2025-06-02", "declared": True}
    assert ask(HCA, "governance.gifts", date(2025, 6, 2), gift=gift)["allowed"]
    why = explanations(
        ask(HCA, "governance.gifts", date(2025, 6, 2), gift=gift | {"accepted_personally": True})
    )
    assert "only on behalf of the organisation" in why


@pytest.mark.parametrize(
    ("direction", "ends"),
    [
        (date(2024, 1, 31), date(2024, 7, 30)),
        (date(2024, 3, 1), date(2024, 8, 31)),
        (date(2024, 8, 31), date(2025, 2, 28)),
        (date(2024, 6, 15), date(2024, 12, 14)),
    ],
)
def test_six_months_beginning_with_the_direction(direction, ends):
    assert months_beginning_with(direction, 6) == ends


@given(st.dates(min_value=date(2024, 1, 31), max_value=date(2030, 12, 31)), st.integers(1, 24))
def test_a_period_beginning_with_a_day_is_never_longer_than_add_months(day, months):
    from openics.regimes.rules.governance import add_months

    end = months_beginning_with(day, months)
    assert day <= end <= add_months(day, months)
    assert months_beginning_with(day, months + 1) > end


@pytest.mark.parametrize(
    ("made_on", "exists"), [(date(2024, 1, 30), True), (date(2024, 1, 31), False)]
)
def test_a_council_referral_made_before_31_january_2024_is_saved(made_on, exists):
    power = {"kind": "la_referral", "made_on": made_on.isoformat()}
    result = ask(HCA, "governance.powers", date(2024, 6, 1), power=power)
    assert result["allowed"] is exists
    if not exists:
        assert "SI 2024/16" in explanations(result)


def test_committee_members_meet_the_independence_bar():
    link = {
        "organisation": "p1",
        "organisation_name": "Private Clinics Ltd",
        "category": "post",
        "nature": "director",
        "independent_healthcare": True,
    }
    candidate = {"key": "c", "name": "Cy", "role": "other", "links": [link]}
    for kind, basis in (("icb_board", "para 4"), ("icb_committee", "para 11(4)")):
        result = ask(
            HCA,
            "governance.eligibility",
            date(2025, 6, 2),
            candidate=candidate,
            board_kind=kind,
            disqualifications=[],
        )
        assert basis in explanations(result)


def test_the_mental_health_member():
    board = RULES["duties.mental-health-member"].example["board"]
    assert ask(HCA, "duties.mental-health-member", date(2025, 6, 2), board=board)["allowed"]
    members = [m | {"mental_health_expertise": False} for m in board["members"]]
    why = explanations(
        ask(
            HCA, "duties.mental-health-member", date(2025, 6, 2), board=board | {"members": members}
        )
    )
    assert "mental illness" in why and "para 8(6)" in why
    # The chair or chief executive does not count: an ordinary member is needed.
    chair_only = [m | {"mental_health_expertise": m["role"] == "chair"} for m in board["members"]]
    assert not ask(
        HCA, "duties.mental-health-member", date(2025, 6, 2), board=board | {"members": chair_only}
    )["allowed"]


@pytest.mark.parametrize("rule", ["duties.strategy-regard", "duties.triple-aim"])
def test_a_decision_that_records_no_regard_is_flagged(rule):
    decision = {"title": "Close a clinic", "regard": []}
    result = ask(HCA, rule, date(2025, 6, 2), decision=decision)
    assert not result["allowed"]
    assert ask(HCA, rule, date(2025, 6, 2), decision=RULES[rule].example["decision"])["allowed"]


def test_the_triple_aim_names_each_aim_missing():
    decision = {"title": "T", "regard": [{"to": "quality", "how": "better"}]}
    why = explanations(ask(HCA, "duties.triple-aim", date(2025, 6, 2), decision=decision))
    assert "health and well-being" in why and "sustainability" in why and "quality of" not in why


@pytest.mark.parametrize(
    ("proposed", "consultation_began", "allowed"),
    [
        (date(2024, 1, 30), None, True),  # before the duty
        (date(2024, 1, 31), None, False),
        (date(2024, 3, 1), date(2024, 1, 30), True),  # consultation began before 31 Jan 2024
        (date(2024, 3, 1), date(2024, 1, 31), False),
    ],
)
def test_notifiable_reconfigurations(proposed, consultation_began, allowed):
    proposal = {
        "title": "Stroke services",
        "proposed_on": proposed.isoformat(),
        "needs_council_consultation": True,
        "consultation_began_on": consultation_began.isoformat() if consultation_began else None,
    }
    assert (
        ask(HCA, "duties.reconfiguration-notice", date(2024, 6, 1), proposal=proposal)["allowed"]
        is allowed
    )


@pytest.mark.parametrize(
    ("subject", "nice", "allowed"),
    [
        ("other", False, True),
        ("appointments_or_employment", False, False),
        ("individual_patient", False, False),
        ("drug_or_treatment", False, False),
        ("drug_or_treatment", True, True),
    ],
)
def test_limits_on_directions(subject, nice, allowed):
    direction = {
        "made_on": "2025-01-15",
        "subject": subject,
        "consistent_with_nice": nice,
        "states_public_interest": True,
        "published": True,
    }
    assert (
        ask(HCA, "duties.direction-limits", date(2025, 1, 15), direction=direction)["allowed"]
        is allowed
    )


# --- plans and money ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "prepared", "on", "allowed"),
    [
        ("2025/26", "2025-03-31", date(2025, 6, 1), True),
        ("2025/26", "2025-04-01", date(2025, 6, 1), False),
        ("2025/26", None, date(2025, 3, 31), True),  # not yet due
        ("2025/26", None, date(2025, 4, 1), False),
        ("2023/24", "2023-06-30", date(2023, 9, 1), True),  # the first plan: 30 June 2023
        ("2023/24", "2023-07-01", date(2023, 9, 1), False),
    ],
)
def test_joint_forward_plan_deadlines(year, prepared, on, allowed):
    plan = {
        "year": year,
        "prepared_on": prepared,
        "published_on": prepared,
        "given_to": ["icp", "health_and_wellbeing_boards", "nhs_england"],
    }
    assert ask(HCA, "planning.joint-forward-plan", on, plan=plan)["allowed"] is allowed


def test_a_plan_must_be_published_and_given_to_each_recipient():
    plan = {"year": "2025/26", "prepared_on": "2025-03-01", "given_to": ["icp"]}
    why = explanations(ask(HCA, "planning.capital-plan", date(2025, 6, 1), plan=plan))
    assert "not been published" in why
    assert "health and wellbeing board" in why and "NHS England" in why


def system(icb_spent, trust_spent):
    return {
        "icb": "X ICB",
        "year": "2025/26",
        "bodies": [
            {"name": "X ICB", "kind": "icb", "income_pence": 1000, "expenditure_pence": icb_spent},
            {
                "name": "X FT",
                "kind": "foundation_trust",
                "income_pence": 500,
                "expenditure_pence": trust_spent,
            },
        ],
    }


@pytest.mark.parametrize(
    ("icb_spent", "trust_spent", "allowed"),
    [(1000, 500, True), (900, 599, True), (900, 600, True), (900, 601, False), (1001, 500, False)],
)
def test_the_system_balances_together_not_body_by_body(icb_spent, trust_spent, allowed):
    result = ask(
        HCA, "ledger.system-balance", date(2026, 3, 31), system=system(icb_spent, trust_spent)
    )
    assert result["allowed"] is allowed


@pytest.mark.parametrize(
    ("on", "costs", "allowed", "limited"),
    [
        (date(2026, 3, 31), 10**12, True, False),  # no limit encoded before 2026/27
        (date(2026, 4, 1), 1876 * 1000 - 1, True, True),
        (date(2026, 4, 1), 1876 * 1000, True, True),
        (date(2026, 4, 1), 1876 * 1000 + 1, False, True),
    ],
)
def test_the_running_cost_limit_from_2026_27(on, costs, allowed, limited):
    result = ask(
        HCA, "ledger.running-cost-limit", on, body="X ICB", population=1000, running_costs=costs
    )
    assert result["allowed"] is allowed
    assert any("£18.76 a head" in n for n in result["notes"]) is limited


@given(st.integers(1, 5_000_000), st.integers(0, 10**12), st.integers(0, 10**9))
def test_running_costs_are_monotone(population, costs, more):
    facts = {"body": "X", "population": population, "running_costs": costs}
    before = ask(HCA, "ledger.running-cost-limit", date(2026, 6, 1), **facts)["allowed"]
    after = ask(
        HCA,
        "ledger.running-cost-limit",
        date(2026, 6, 1),
        **facts | {"running_costs": costs + more},
    )["allowed"]
    assert before or not after  # spending more never makes a breach go away


@pytest.mark.parametrize(
    ("nhs", "other", "allowed"),
    [(50_01, 49_99, True), (50_00, 50_00, False), (49_99, 50_01, False)],
)
def test_a_foundation_trusts_principal_purpose(nhs, other, allowed):
    result = ask(
        HCA,
        "organisations.ft-principal-purpose",
        date(2025, 6, 1),
        trust="X FT",
        health_service_england_income=nhs,
        other_income=other,
    )
    assert result["allowed"] is allowed


@given(st.integers(0, 10**12), st.integers(0, 10**12))
def test_principal_purpose_is_exactly_more_nhs_england_income(nhs, other):
    result = ask(
        HCA,
        "organisations.ft-principal-purpose",
        date(2025, 6, 1),
        trust="X FT",
        health_service_england_income=nhs,
        other_income=other,
    )
    assert result["allowed"] is (nhs > other)
