"""Every rule function a regime may switch on, by id. A regime's YAML says which apply.

Each entry says, as plain data, what the rule reads (`facts`: each fact's name, type and
meaning, read from the rule function's own types) and gives an `example` of those facts
as JSON-like data, so anyone can ask a rule a question (see `openics.regimes.evaluate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openics.regimes.facts import Fact, describe_function
from openics.regimes.model import RuleFunction
from openics.regimes.rules import (
    contracts,
    duties,
    finance,
    governance,
    organisations,
    planning,
    population,
    procurement,
)


@dataclass(frozen=True)
class RuleSpec:
    title: str
    function: RuleFunction
    example: dict[str, Any]
    meanings: dict[str, str] = field(default_factory=dict)

    @property
    def facts(self) -> tuple[Fact, ...]:
        """The facts the rule reads: name, type, meaning, and the parts of each record."""
        return describe_function(self.function, self.meanings)

    @property
    def fact_names(self) -> tuple[str, ...]:
        """The facts a caller must give (those without a default)."""
        return tuple(f.name for f in self.facts if f.required)


KEY_CRITERIA = (
    "quality_innovation",
    "value",
    "integration_collaboration_sustainability",
    "access_inequalities_choice",
    "social_value",
)

DECISION = {
    "process": "direct_award_c",
    "situation": {
        "existing_provider": True,
        "existing_contract_expiring": True,
        "incumbent_satisfactory": True,
        "existing_lifetime_value_pence": 200_000_000,
        "proposed_lifetime_value_pence": 208_000_000,
    },
    "provider_name": "Example Community Health NHS Trust",
    "provider_address": "1 High Street, Exampleton EX1 1AA",
    "service_description": "Community nursing",
    "cpv_code": "85141000-9",
    "reasons": "The existing provider is performing well and nothing considerable changes",
    "decision_process": "Decided by the ICB's executive committee on officers' advice",
    "decision_makers": ["Chief executive", "Director of finance"],
    "assessments": [
        {"criterion": key, "importance": "medium", "justification": "How it was weighed"}
        for key in KEY_CRITERIA
    ],
    "basic_selection": "Registered with the CQC; accounts reviewed",
    "exclusions": {"subcontracting_asked": True},
    "conflicts": [],
    "intention_published_on": "2025-03-21",
    "contract_entered_on": "2025-04-07",
}

MEMBER = {"key": "m1", "name": "A. Chair", "role": "chair"}


def _member(key: str, role: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "name": f"Member {key}", "role": role} | extra


BOARD = {
    "kind": "icb_board",
    "name": "Example ICB board",
    "members": [
        _member("ch", "chair"),
        _member("ce", "chief_executive"),
        _member("fd", "finance_director"),
        _member("md", "medical_director"),
        _member("nd", "nursing_director"),
        _member("ne1", "non_executive", mental_health_expertise=True),
        _member("ne2", "non_executive", deputy_chair=True),
        _member("pt", "partner_trusts"),
        _member("pp", "partner_primary_medical"),
        _member("pl", "partner_local_authority"),
    ],
}

REGARD = {
    "title": "Commission a community mental health service",
    "body_kind": "icb",
    "decided_on": "2025-06-02",
    "regard": [
        {"to": "integrated_care_strategy", "how": "Delivers the strategy's priority 2"},
        {"to": "health_and_wellbeing", "how": "Earlier support in the community"},
        {"to": "quality", "how": "Continuity of care with one provider"},
        {"to": "sustainability", "how": "Within the agreed budget for five years"},
    ],
}

SYSTEM = {
    "icb": "Example ICB",
    "year": "2025/26",
    "bodies": [
        {
            "name": "Example ICB",
            "kind": "icb",
            "income_pence": 300_000_000_000,
            "expenditure_pence": 299_000_000_000,
        },
        {
            "name": "Example Hospitals NHS Foundation Trust",
            "kind": "foundation_trust",
            "income_pence": 80_000_000_000,
            "expenditure_pence": 80_500_000_000,
            "capital_used_pence": 3_000_000_000,
        },
    ],
    "capital_limit_pence": 3_500_000_000,
}

# A plan prepared, published and shared before its year (both planning rules read one).
PLAN_EXAMPLE = {
    "plan": {
        "year": "2025/26",
        "prepared_on": "2025-03-20",
        "published_on": "2025-03-28",
        "given_to": ["icp", "health_and_wellbeing_boards", "nhs_england"],
    }
}

RULES: dict[str, RuleSpec] = {
    "organisations.body-kind-exists": RuleSpec(
        "A body of this kind can exist",
        organisations.body_kind_exists,
        {"kind": "icb"},
        {"kind": "a kind of body: icb, ccg, nhs_trust, foundation_trust, local_authority, ..."},
    ),
    "organisations.may-commission": RuleSpec(
        "A body of this kind may commission services",
        organisations.may_commission,
        {"kind": "icb"},
        {"kind": "a kind of body: icb, ccg, nhs_trust, foundation_trust, local_authority, ..."},
    ),
    "organisations.ft-principal-purpose": RuleSpec(
        "A foundation trust earns more from the health service in England than elsewhere",
        organisations.ft_principal_purpose,
        {
            "trust": "Example Hospitals NHS Foundation Trust",
            "health_service_england_income": 51_000_000_000,
            "other_income": 49_000_000_000,
        },
        {
            "trust": "the foundation trust's name",
            "health_service_england_income": "its income in the year from providing goods and "
            "services for the purposes of the health service in England, in pence",
            "other_income": "its total income in the year from everything else, in pence",
        },
    ),
    "ledger.ring-fence": RuleSpec(
        "Ring-fenced money is spent only on its purpose",
        finance.ring_fence,
        {
            "fund": "public_health_grant",
            "fund_name": "Public health grant",
            "sector": "public_health",
        },
        {
            "fund": "the kind of ring-fence: public_health_grant, section_75_pool, or '' for none",
            "fund_name": "the fund's name",
            "sector": "what the money would be spent on",
            "agreement_sectors": "the purposes a section 75 agreement names",
        },
    ),
    "ledger.break-even": RuleSpec(
        "A commissioner spends no more in a year than it receives",
        finance.break_even,
        {"body": "Example ICB", "received": 300_000_000_000, "spent": 299_000_000_000},
        {
            "body": "the commissioner's name",
            "received": "sums received in the financial year, in pence",
            "spent": "expenditure in the financial year, in pence",
        },
    ),
    "ledger.system-balance": RuleSpec(
        "An ICB and its partner trusts together spend no more than they receive",
        finance.system_balance,
        {"system": SYSTEM},
        {"system": "the ICB and its partner trusts' figures for one financial year"},
    ),
    "ledger.resource-limits": RuleSpec(
        "The system's capital and revenue resource use is within NHS England's limits",
        finance.resource_limits,
        {"system": SYSTEM},
        {"system": "the ICB and its partner trusts' figures and limits for one financial year"},
    ),
    "ledger.running-cost-limit": RuleSpec(
        "An ICB's running costs are within NHS England's limit per head",
        finance.running_cost_limit,
        {"body": "Example ICB", "population": 1_000_000, "running_costs": 1_800_000_000},
        {
            "body": "the ICB's name",
            "population": "the population the limit is per head of",
            "running_costs": "the ICB's running costs for the year, in pence",
        },
    ),
    "procurement.process": RuleSpec(
        "The process chosen to arrange the services may be used",
        procurement.process_permitted,
        {"decision": DECISION},
        {"decision": "the decision to select a provider"},
    ),
    "procurement.framework-term": RuleSpec(
        "A framework agreement is no longer than the limit",
        procurement.framework_term,
        {"decision": DECISION},
        {"decision": "the decision to select a provider"},
    ),
    "procurement.key-criteria": RuleSpec(
        "Every key criterion is taken into account, and the record says how",
        procurement.key_criteria,
        {"decision": DECISION},
        {"decision": "the decision to select a provider"},
    ),
    "procurement.selection": RuleSpec(
        "The provider meets the basic selection criteria and is not excluded",
        procurement.selection_and_exclusions,
        {"decision": DECISION},
        {"decision": "the decision to select a provider"},
    ),
    "procurement.decision-record": RuleSpec(
        "The decision record holds everything the regime requires",
        procurement.decision_record,
        {"decision": DECISION},
        {"decision": "the decision to select a provider"},
    ),
    "procurement.conflicts": RuleSpec(
        "Conflicts of interest of decision-makers are declared and managed",
        procurement.conflicts,
        {"decision": DECISION},
        {"decision": "the decision to select a provider"},
    ),
    "procurement.standstill": RuleSpec(
        "No contract is entered into before the standstill ends",
        procurement.standstill,
        {"decision": DECISION},
        {"decision": "the decision to select a provider"},
    ),
    "procurement.modification": RuleSpec(
        "A contract is changed in its term only on permitted grounds",
        procurement.modification,
        {
            "change": {
                "awarded_by": "competitive",
                "grounds": "authority_decision",
                "materially_different": False,
                "original_lifetime_value_pence": 1_000_000_000,
                "cumulative_change_pence": 40_000_000,
                "this_change_pence": 40_000_000,
            }
        },
        {"change": "the proposed modification"},
    ),
    "procurement.annual-summary": RuleSpec(
        "The year's summary of decisions is worked out and published",
        procurement.summary_published,
        {
            "year": "2025/26",
            "entries": [
                {"reference": "D-1", "process": "direct_award_a", "awarded_on": "2025-05-01"},
                {
                    "reference": "D-2",
                    "process": "competitive",
                    "awarded_on": "2025-09-01",
                    "new_provider": True,
                    "standstill_ends_on": "2025-08-20",
                    "representations": 1,
                    "representations_summary": "Scoring questioned; decision upheld",
                },
            ],
            "published_on": "2026-06-30",
        },
        {
            "year": "the financial year, like 2025/26",
            "entries": "the authority's decisions and changes",
            "published_on": "the day the summary was published",
        },
    ),
    "governance.composition": RuleSpec(
        "A board has at least the members its kind must have",
        governance.composition,
        {"board": BOARD},
        {"board": "the board and its members on the day"},
    ),
    "governance.fit-and-proper": RuleSpec(
        "Board members have a current fit and proper person assessment",
        governance.fit_and_proper,
        {
            "board": {
                "kind": "icb_board",
                "name": "Example ICB board",
                "members": [
                    _member("ch", "chair", starts="2024-06-01", fppt=["2024-05-20", "2025-05-10"])
                ],
            }
        },
        {"board": "the board and its members on the day"},
    ),
    "governance.eligibility": RuleSpec(
        "A candidate may be appointed to the board",
        governance.eligibility,
        {"candidate": MEMBER, "board_kind": "icb_board", "disqualifications": []},
        {
            "candidate": "the person to be appointed",
            "board_kind": "the kind of board",
            "disqualifications": "grounds that apply to them: mp, conviction, bankruptcy, ...",
        },
    ),
    "governance.conflicts": RuleSpec(
        "A member with an interest in an organisation an item affects takes no part in it",
        governance.conflicts,
        {
            "member": MEMBER
            | {
                "links": [
                    {
                        "organisation": "rxx",
                        "organisation_name": "Example Trust",
                        "category": "financial",
                        "nature": "shares",
                    }
                ]
            },
            "affected": [{"organisation": "rxx", "name": "Example Trust", "why": "the provider"}],
        },
        {"member": "the board member", "affected": "the organisations the item affects"},
    ),
    "governance.quorum": RuleSpec(
        "Enough members free of conflicts are present for the board to decide",
        governance.quorum,
        {
            "board": BOARD,
            "present": ["ch", "ce", "fd", "ne1", "ne2", "pt", "pp"],
            "recused": [],
        },
        {
            "board": "the board",
            "present": "the keys of the members present",
            "recused": "the keys of the members who step out of the item",
        },
    ),
    "governance.gifts": RuleSpec(
        "Gifts and hospitality are declined or declared as the thresholds require",
        governance.gift_breaches,
        {"gift": {"kind": "hospitality", "value_pence": 2500, "received_on": "2025-06-02"}},
        {"gift": "the gift or hospitality offered"},
    ),
    "governance.gift-before-vote": RuleSpec(
        "A member who took a gift or hospitality from an affected organisation takes no part",
        governance.gifts_before_vote,
        {
            "member": MEMBER,
            "accepted": [
                {
                    "organisation": "rxx",
                    "organisation_name": "Example Imaging Ltd",
                    "kind": "hospitality",
                    "value_pence": 9500,
                    "received_on": "2025-06-02",
                    "description": "dinner",
                }
            ],
            "affected": [
                {"organisation": "rxx", "name": "Example Imaging Ltd", "why": "the provider"}
            ],
            "took_part": True,
        },
        {
            "member": "the board member",
            "accepted": "gifts and hospitality they accepted, each with its giver",
            "affected": "the organisations the item affects",
            "took_part": "they voted on the item or counted towards its quorum",
        },
    ),
    "governance.declarations": RuleSpec(
        "Declarations of interests are made on time",
        governance.declarations,
        {
            "declarant": {
                "name": "A. Member",
                "appointed_on": "2024-04-01",
                "returns": ["2024-04-10", "2025-04-01"],
                "interests": [["2025-05-01", "2025-05-20"]],
            }
        },
        {"declarant": "the person who must declare"},
    ),
    "governance.powers": RuleSpec(
        "A power from above exists on the day it is used",
        governance.power_exists,
        {"power": {"kind": "reconfiguration_call_in", "made_on": "2024-01-31"}},
        {"power": "the power used and the day"},
    ),
    "duties.mental-health-member": RuleSpec(
        "An ordinary member has knowledge and experience of mental-health services",
        duties.mental_health_member,
        {"board": BOARD},
        {"board": "the board and its members on the day"},
    ),
    "duties.strategy-regard": RuleSpec(
        "A decision records how it had regard to the integrated care strategy",
        duties.strategy_regard,
        {"decision": REGARD},
        {"decision": "the decision and what it records about regard"},
    ),
    "duties.triple-aim": RuleSpec(
        "A decision records how it had regard to the triple aim",
        duties.triple_aim,
        {"decision": REGARD},
        {"decision": "the decision and what it records about regard"},
    ),
    "duties.reconfiguration-notice": RuleSpec(
        "A notifiable reconfiguration is notified to the Secretary of State",
        duties.reconfiguration_notice,
        {
            "proposal": {
                "title": "Move stroke services to one site",
                "proposed_on": "2025-03-01",
                "needs_council_consultation": True,
                "notified_on": "2025-03-10",
            }
        },
        {"proposal": "the reconfiguration proposal"},
    ),
    "duties.direction-limits": RuleSpec(
        "A direction to NHS England keeps to what the Act allows",
        duties.direction_limits,
        {
            "direction": {
                "made_on": "2025-01-15",
                "subject": "other",
                "states_public_interest": True,
                "published": True,
            }
        },
        {"direction": "the direction given"},
    ),
    "planning.joint-forward-plan": RuleSpec(
        "A five-year joint forward plan is prepared before the year, published and shared",
        planning.joint_forward_plan,
        PLAN_EXAMPLE,
        {"plan": "the plan for one financial year"},
    ),
    "planning.capital-plan": RuleSpec(
        "A capital resource use plan is prepared before the year, published and shared",
        planning.capital_plan,
        PLAN_EXAMPLE,
        {"plan": "the plan for one financial year"},
    ),
    "planning.annual-report": RuleSpec(
        "An ICB's annual report on a year is prepared, given to NHS England and published",
        planning.annual_report,
        {
            "plan": {
                "year": "2024/25",
                "prepared_on": "2025-06-12",
                "published_on": "2025-06-20",
                "given_to": ["nhs_england"],
            }
        },
        {"plan": "the annual report on one financial year"},
    ),
    "planning.decision-regard": RuleSpec(
        "A decision of an ICB records how it had regard to the integrated care strategy",
        planning.decision_regard,
        {
            "decision": {
                "title": "Place budgets 2025/26",
                "kind": "place_budget",
                "decided_on": "2025-03-20",
                "aims": [{"aim": "ICS-1.1", "how": "budgets weighted for deprivation"}],
            }
        },
        {"decision": "the decision and the aims its record says it serves"},
    ),
    "organisations.required-bodies": RuleSpec(
        "The system has every body the regime requires",
        organisations.required_bodies,
        {"present": ["icb", "icp", "place"]},
        {"present": "the kinds of body and of board the system has on the day"},
    ),
    "organisations.collaborative-membership": RuleSpec(
        "A provider collaborative's members are of kinds that may join one",
        organisations.collaborative_membership,
        {
            "collaborative": "Example Provider Collaborative",
            "member": "Example Hospitals NHS Foundation Trust",
            "ownership": "nhs",
        },
        {
            "collaborative": "the collaborative's name",
            "member": "the member's name",
            "ownership": "the member's ownership: nhs, local_authority, voluntary, "
            "gp_partnership or independent",
        },
    ),
    "contracts.holder": RuleSpec(
        "The contract may exist, and its holder may hold it",
        contracts.holder,
        {
            "contract": {
                "reference": "EX-ICP-1",
                "kind": "icp",
                "holder": "Example Hospitals NHS Foundation Trust",
                "holder_ownership": "nhs",
                "value": 100_000_000_000,
            }
        },
        {"contract": "the contract or subcontract and who holds it"},
    ),
    "population.responsible-for": RuleSpec(
        "The system answers for the population the regime makes it answer for",
        population.responsible_for,
        {"counted_by": "registered", "registered": 1_300_000, "residents": 1_250_000},
        {
            "counted_by": "how the record finds whom the system answers for: registered "
            "(its practices' lists) or resident (everyone living in its area)",
            "registered": "people on its practices' lists",
            "residents": "people living in its area",
        },
    ),
    "ledger.protected-funds": RuleSpec(
        "Every fund the regime requires to be protected is ring-fenced",
        finance.protected_funds,
        {"protected_sectors": ["public_health"]},
        {"protected_sectors": "the sectors the system's ring-fences hold money for"},
    ),
}
