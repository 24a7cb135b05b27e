"""Arranging services: which process may be used, what a decision must record, when it may
take effect, and when a contract may be changed. Pure functions over plain data.

The regime's YAML says which processes exist, the conditions each one needs, which are
mandatory, the key criteria, the thresholds and the working-day counts; this module
knows only what each condition means. So the same decision can be checked against the
2012 rules, the 2021 proposals and the 2023 regulations, and the differences read off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import date, timedelta
from fractions import Fraction
from typing import ClassVar

from openics.kernel.money import Money
from openics.kernel.working_days import working_days_after
from openics.kernel.years import FinancialYear
from openics.regimes.model import Note, RegimeError, RuleContext

IMPORTANCE = ("high", "medium", "low")
# How a process is named when the regime at hand does not have it.
PROCESS_NAMES = {
    "direct_award_a": "Direct Award A",
    "direct_award_b": "Direct Award B",
    "direct_award_c": "Direct Award C",
    "most_suitable_provider": "the Most Suitable Provider process",
    "competitive": "a competitive process",
    "urgent_award": "an urgent award",
    "single_tender": "a single tender",
}
CONFLICT_HANDLING = ("recused", "sole_expertise")


@dataclass(frozen=True)
class Situation:
    """The facts about a service and its market that decide which process may be used."""

    existing_provider: bool = False
    only_existing_provider_capable: bool = False
    patient_choice: bool = False
    providers_unrestricted: bool = False
    all_eligible_offered: bool = False
    expressions_of_interest: bool = False
    framework: bool = False
    existing_contract_expiring: bool = False
    incumbent_satisfactory: bool = False
    materially_different: bool = False
    change_attributable_to_authority: bool = True
    existing_lifetime_value_pence: int | None = None
    proposed_lifetime_value_pence: int = 0
    urgent_not_foreseeable: bool = False
    urgent_not_attributable: bool = False
    urgent_delay_risks_safety: bool = False
    restricts_competition: bool = False
    restriction_in_patients_interest: bool = False
    # SI 2023/1348 reg 6(6): the authority's view that it can identify the most suitable
    # provider without a competition. Not recorded means not shown, so MSP is not open.
    most_suitable_provider_identifiable: bool = False
    # SI 2013/500 reg 5: the services can be provided only by one provider (any provider,
    # not only the incumbent).
    only_one_provider_capable: bool = False

    meanings: ClassVar[dict[str, str]] = {
        "existing_provider": "there is an existing provider of the services",
        "only_existing_provider_capable": (
            "the authority is satisfied that, because of the nature of the services, only the "
            "existing provider can provide them (PSR reg 6(3)(b))"
        ),
        "patient_choice": "patients are offered a choice of provider",
        "providers_unrestricted": "the authority does not restrict the number of providers",
        "all_eligible_offered": "every provider meeting the requirements is offered a contract",
        "expressions_of_interest": "there are arrangements for providers to express interest",
        "framework": "the award would conclude a framework agreement",
        "existing_contract_expiring": "an existing contract is due to expire and be replaced",
        "incumbent_satisfactory": (
            "the existing provider satisfies the existing contract and is likely to satisfy "
            "the proposed one to a sufficient standard"
        ),
        "materially_different": (
            "the proposed arrangements are materially different in character from the "
            "existing contract"
        ),
        "change_attributable_to_authority": "any change in value follows the authority's decision",
        "existing_lifetime_value_pence": (
            "lifetime value of the existing contract when entered into"
        ),
        "proposed_lifetime_value_pence": "lifetime value of the proposed arrangements",
        "urgent_not_foreseeable": "the urgency could not have been foreseen",
        "urgent_not_attributable": "the urgency is not attributable to the authority",
        "urgent_delay_risks_safety": "following the regime would risk patient or public safety",
        "restricts_competition": "the arrangement restricts competition (2013 regulations)",
        "restriction_in_patients_interest": "that restriction is in the interests of patients",
        "most_suitable_provider_identifiable": (
            "the authority is of the view, on the likely providers and the information it "
            "has, that it can identify the most suitable provider (PSR reg 6(6))"
        ),
        "only_one_provider_capable": (
            "the commissioner is satisfied the services can be provided only by one provider "
            "(SI 2013/500 reg 5)"
        ),
    }

    @classmethod
    def from_dict(cls, data: dict) -> Situation:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown facts about the situation: {', '.join(unknown)}")
        return cls(**data)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Assessment:
    """How one key criterion was taken into account: its importance and why."""

    criterion: str
    importance: str
    justification: str

    meanings: ClassVar[dict[str, str]] = {
        "criterion": "the key criterion's key",
        "importance": "high, medium or low (good practice; the regulations give no weighting)",
        "justification": "how the criterion was taken into account",
    }


@dataclass(frozen=True)
class Conflict:
    """A declared (or potential) conflict of interest of someone involved in the decision."""

    person: str
    interest: str
    handling: str  # "recused" or "sole_expertise"
    mitigation: str = ""

    meanings: ClassVar[dict[str, str]] = {
        "person": "who has the conflict",
        "interest": "what the interest is",
        "handling": "recused, or sole_expertise (took part as the only person with the expertise)",
        "mitigation": "the steps taken so no provider was advantaged",
    }


@dataclass(frozen=True)
class Exclusions:
    """The checks on the chosen provider for grounds to exclude it (reg 20, and 20A from 2025)."""

    provider_excluded: bool = False
    provider_excludable: bool = False
    overriding_public_interest: str = ""
    excludable_reason_to_proceed: str = ""
    subcontracting_asked: bool = False
    # Intended sub-contractors on the debarment list whose status is not recorded. Being on
    # the list is not a breach by itself: the list holds excluded and excludable suppliers.
    debarred_subcontractors: tuple[str, ...] = ()
    # Intended sub-contractors (still intended when the award is made) that are excluded,
    # and those that are only excludable.
    excluded_subcontractors: tuple[str, ...] = ()
    excludable_subcontractors: tuple[str, ...] = ()
    # The provider was told of an excluded sub-contractor and given a reasonable chance to
    # find another one.
    subcontractor_notice_given: bool = False

    meanings: ClassVar[dict[str, str]] = {
        "provider_excluded": "the provider is an excluded provider",
        "provider_excludable": "the provider is an excludable provider",
        "overriding_public_interest": "the overriding public interest for awarding anyway",
        "excludable_reason_to_proceed": "why the authority chose not to exclude it",
        "subcontracting_asked": "the provider was asked whether it intends to sub-contract",
        "debarred_subcontractors": (
            "intended sub-contractors on the debarment list, status not recorded"
        ),
        "excluded_subcontractors": "intended sub-contractors still in the bid that are excluded",
        "excludable_subcontractors": "intended sub-contractors that are only excludable",
        "subcontractor_notice_given": (
            "the provider was told and given a reasonable chance to replace an excluded "
            "sub-contractor"
        ),
    }


@dataclass(frozen=True)
class DecisionFacts:
    """Everything the rules look at in one decision; made from the stored record or a form."""

    process: str
    situation: Situation
    provider_name: str = ""
    provider_address: str = ""
    service_description: str = ""
    cpv_code: str = ""
    reasons: str = ""
    decision_makers: tuple[str, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    basic_selection: str = ""
    exclusions: Exclusions = field(default_factory=Exclusions)
    conflicts: tuple[Conflict, ...] = ()
    term_months: int = 0
    exceptional_term_justification: str = ""
    intention_published_on: date | None = None
    contract_entered_on: date | None = None
    # The decision-making process followed (PSR reg 24(d)): who decided, at which meeting,
    # on what advice. Not only the names.
    decision_process: str = ""
    # The day the selection process began: a process under way before 24 February 2025
    # keeps the rules as they were (SI 2025/163 reg 34).
    process_started_on: date | None = None
    # The items the 2013 regulations' record of contracts needs (SI 2013/500 reg 9(2)).
    amount_payable_pence: int | None = None
    services_start_on: date | None = None
    services_end_on: date | None = None
    process_description: str = ""

    meanings: ClassVar[dict[str, str]] = {
        "process": (
            "the process chosen: direct_award_a, direct_award_b, direct_award_c, "
            "most_suitable_provider, competitive, urgent_award or single_tender"
        ),
        "situation": "the facts about the service and its market",
        "provider_name": "name of the provider chosen",
        "provider_address": "its registered office or principal place of business",
        "service_description": "description of the services (needed for notices)",
        "cpv_code": "CPV code of the services (needed for notices, not the reg 24 record)",
        "reasons": "reasons for the process chosen",
        "decision_makers": "the individuals (or committee) who made the decision",
        "assessments": "how each key criterion was taken into account",
        "basic_selection": "how the provider was assessed against the basic selection criteria",
        "exclusions": "the checks for grounds to exclude the provider and its sub-contractors",
        "conflicts": "conflicts of interest declared and how each was managed",
        "term_months": "length of a framework agreement, in months",
        "exceptional_term_justification": "why a framework may run beyond the limit",
        "intention_published_on": "the day the notice of intention was published",
        "contract_entered_on": "the day the contract was, or would be, entered into",
        "decision_process": "the decision-making process followed (PSR reg 24(d))",
        "process_started_on": "the day the selection process began",
        "amount_payable_pence": "total amount to be paid under the contract (SI 2013/500 reg 9)",
        "services_start_on": "first day the services are to be provided (SI 2013/500 reg 9)",
        "services_end_on": "last day the services are to be provided (SI 2013/500 reg 9)",
        "process_description": "description of the process adopted (SI 2013/500 reg 9)",
    }


@dataclass(frozen=True)
class ModificationFacts:
    awarded_by: str
    grounds: str  # provided_for, succession, external_factors, authority_decision
    materially_different: bool
    original_lifetime_value_pence: int
    cumulative_change_pence: int
    this_change_pence: int
    successor_meets_basic_selection: bool = False

    meanings: ClassVar[dict[str, str]] = {
        "awarded_by": "the process the contract was awarded by",
        "grounds": "provided_for, succession, external_factors or authority_decision",
        "materially_different": "the change makes the contract materially different in character",
        "original_lifetime_value_pence": "the contract's lifetime value when entered into",
        "cumulative_change_pence": "the cumulative change in lifetime value since then",
        "this_change_pence": "the change in value of this modification",
        "successor_meets_basic_selection": (
            "a successor provider meets the basic selection criteria"
        ),
    }


@dataclass(frozen=True)
class Standstill:
    published_on: date
    begins: date
    ends: date  # at midnight at the end of this day
    working_days: int

    def open_on(self, day: date) -> bool:
        return self.begins <= day <= self.ends


def pounds(pence: int) -> str:
    return Money(pence).format()


def percent(part: int, whole: int) -> str:
    if not whole:
        return "an unknown share"
    return f"{Fraction(part * 100, whole).__round__(1)}%"


# --- the process ------------------------------------------------------------------------


def considerable_change(ctx: RuleContext, s: Situation) -> str:
    """Why the proposed arrangements are a considerable change from the existing ones, or ''."""
    test = ctx.param("procurement.considerable_change")
    if s.materially_different:
        return (
            "the proposed arrangements are materially different in character from the "
            f"existing contract, which meets the considerable change test ({test['basis']})"
        )
    if s.existing_lifetime_value_pence is None:
        return ""
    original = s.existing_lifetime_value_pence
    rise = s.proposed_lifetime_value_pence - original
    minimum = int(test["minimum_increase_pence"])
    ratio = Fraction(str(test["minimum_ratio"]))
    if not s.change_attributable_to_authority:
        return ""
    if rise >= minimum and Fraction(rise) >= ratio * original:
        return (
            f"the proposed lifetime value {pounds(s.proposed_lifetime_value_pence)} is "
            f"{pounds(rise)} ({percent(rise, original)}) more than the existing contract's "
            f"{pounds(original)}: at least {pounds(minimum)} and at least "
            f"{percent(ratio.numerator * 100, ratio.denominator * 100)} higher, and the change "
            f"follows the authority's own decision, so the considerable change test is met "
            f"({test['basis']})"
        )
    return ""


def _mandatory_process_applies(ctx: RuleContext, s: Situation, chosen: str) -> str:
    processes = ctx.param("procurement.processes")
    for key, spec in processes.items():
        if key == chosen or not spec.get("mandatory"):
            continue
        if not any(_failure(ctx, s, c) for c in spec.get("conditions", [])):
            return (
                f"every condition for {spec['title']} is met, so {spec['title']} must be "
                f"used ({spec['basis']})"
            )
    return ""


_CONDITIONS: dict[str, Callable[[RuleContext, Situation], str]] = {
    "existing_provider": lambda ctx, s: (
        "" if s.existing_provider else "there is no existing provider of these services"
    ),
    "only_existing_provider_capable": lambda ctx, s: (
        ""
        if s.only_existing_provider_capable
        else "the services are not capable of being provided only by the existing provider"
    ),
    "not_framework": lambda ctx, s: (
        "" if not s.framework else "it would conclude a framework agreement"
    ),
    "patient_choice": lambda ctx, s: (
        "" if s.patient_choice else "patients are not offered a choice of provider"
    ),
    "providers_unrestricted": lambda ctx, s: (
        "" if s.providers_unrestricted else "the authority restricts the number of providers"
    ),
    "all_eligible_offered": lambda ctx, s: (
        ""
        if s.all_eligible_offered
        else "contracts are not offered to every provider that meets the requirements"
    ),
    "expressions_of_interest": lambda ctx, s: (
        ""
        if s.expressions_of_interest
        else "there are no arrangements for providers to express an interest"
    ),
    "existing_contract_expiring": lambda ctx, s: (
        ""
        if s.existing_contract_expiring
        else "there is no existing contract coming to an end for the new one to replace"
    ),
    "incumbent_satisfactory": lambda ctx, s: (
        ""
        if s.incumbent_satisfactory
        else "the existing provider is not satisfying the existing contract, or is not "
        "likely to satisfy the proposed one, to a sufficient standard"
    ),
    "no_considerable_change": considerable_change,
    "not_required_to_use_a_or_b": _mandatory_process_applies,
    "urgent_not_foreseeable": lambda ctx, s: (
        "" if s.urgent_not_foreseeable else "the urgency could have been foreseen"
    ),
    "urgent_not_attributable": lambda ctx, s: (
        "" if s.urgent_not_attributable else "the urgency is attributable to the authority"
    ),
    "urgent_delay_risks_safety": lambda ctx, s: (
        ""
        if s.urgent_delay_risks_safety
        else "the delay of following the regime would not put patients or the public at risk"
    ),
    "most_suitable_provider_identifiable": lambda ctx, s: (
        ""
        if s.most_suitable_provider_identifiable
        else "the authority has not recorded that, taking into account the likely providers "
        "and the information available to it, it is likely to be able to identify the most "
        "suitable provider"
    ),
    "single_capable_provider": lambda ctx, s: (
        ""
        if s.only_one_provider_capable or s.only_existing_provider_capable
        else "the commissioner is not satisfied that the services can be provided only by "
        "a single provider"
    ),
    "competition_not_restricted": lambda ctx, s: (
        ""
        if not s.restricts_competition or s.restriction_in_patients_interest
        else "the arrangement restricts competition and that is not shown to be in the "
        "interests of patients"
    ),
}


def _failure(ctx: RuleContext, s: Situation, condition: str) -> str:
    if condition == "not_required_to_use_a_or_b":
        return _mandatory_process_applies(ctx, s, chosen="")
    try:
        check = _CONDITIONS[condition]
    except KeyError:
        return f"the regime names a condition OpenICS does not know: {condition!r}"
    return check(ctx, s)


def process_title(ctx: RuleContext, process: str) -> str:
    spec = ctx.param("procurement.processes").get(process)
    return spec["title"] if spec else process.replace("_", " ")


@dataclass(frozen=True)
class ProcessOption:
    process: str
    title: str
    available: bool
    mandatory: bool
    reasons: tuple[str, ...]
    basis: str


def process_options(ctx: RuleContext, s: Situation) -> list[ProcessOption]:
    """Every process of the regime, whether it may be used here, and why not."""
    options = []
    for key, spec in ctx.param("procurement.processes").items():
        failures = [f for c in spec.get("conditions", []) if (f := _failure(ctx, s, c))]
        options.append(
            ProcessOption(
                key,
                spec["title"],
                not failures,
                bool(spec.get("mandatory")) and not failures,
                tuple(failures),
                spec["basis"],
            )
        )
    return options


@dataclass(frozen=True)
class ChangeFigures:
    """The considerable change test worked through on the values given (SI 2023/1348 reg
    6(10) to (12)): the rise in lifetime value against the minimum increase and ratio."""

    existing_pence: int | None
    proposed_pence: int
    rise_pence: int
    rise_share: str
    minimum_increase_pence: int
    minimum_share: str
    rise_reaches_minimum: bool
    share_reaches_minimum: bool
    attributable: bool
    materially_different: bool
    met: bool
    explanation: str
    basis: str


def considerable_change_figures(ctx: RuleContext, s: Situation) -> ChangeFigures | None:
    """The figures of the considerable change test for these facts, or None where the regime
    has no such test. The test is met exactly when `considerable_change` says so."""
    test = ctx.param("procurement.considerable_change")
    if not test:
        return None
    minimum = int(test["minimum_increase_pence"])
    ratio = Fraction(str(test["minimum_ratio"]))
    original = s.existing_lifetime_value_pence
    rise = s.proposed_lifetime_value_pence - (original or 0)
    known = original is not None
    explanation = considerable_change(ctx, s)
    return ChangeFigures(
        existing_pence=original,
        proposed_pence=s.proposed_lifetime_value_pence,
        rise_pence=rise if known else 0,
        rise_share=percent(rise, original) if known else "an unknown share",
        minimum_increase_pence=minimum,
        minimum_share=percent(ratio.numerator * 100, ratio.denominator * 100),
        rise_reaches_minimum=known and rise >= minimum,
        share_reaches_minimum=known and Fraction(rise) >= ratio * original,
        attributable=s.change_attributable_to_authority,
        materially_different=s.materially_different,
        met=bool(explanation),
        explanation=explanation,
        basis=str(test["basis"]),
    )


@dataclass(frozen=True)
class ProcessGuide:
    """Which processes the facts make mandatory, which are allowed and which are not, each
    with its reasons and basis: what the guided choice of a process shows."""

    mandatory: tuple[ProcessOption, ...]
    allowed: tuple[ProcessOption, ...]
    not_allowed: tuple[ProcessOption, ...]
    change: ChangeFigures | None
    regime_title: str


def process_guide(ctx: RuleContext, s: Situation) -> ProcessGuide:
    options = process_options(ctx, s)
    framework = (
        ctx.param("procurement.framework")
        if s.framework and "procurement.framework" in ctx.regime.parameters
        else None
    )
    if framework:
        # A framework agreement is concluded only by the processes the regime names.
        allowed_for_framework = set(framework["processes"])
        options = [
            o
            if o.process in allowed_for_framework or not o.available
            else ProcessOption(
                o.process,
                o.title,
                False,
                False,
                (
                    "a framework agreement may be concluded only by the "
                    + " or ".join(process_title(ctx, p) for p in framework["processes"]),
                ),
                framework["basis"],
            )
            for o in options
        ]
    return ProcessGuide(
        mandatory=tuple(o for o in options if o.mandatory),
        allowed=tuple(o for o in options if o.available and not o.mandatory),
        not_allowed=tuple(o for o in options if not o.available),
        change=considerable_change_figures(ctx, s),
        regime_title=ctx.regime.title,
    )


def process_permitted(ctx: RuleContext, *, decision: DecisionFacts) -> Iterator[str]:
    """The chosen process exists under the regime and every condition it needs holds."""
    processes = ctx.param("procurement.processes")
    spec = processes.get(decision.process)
    if spec is None:
        why = ctx.param("procurement.absent_processes").get(decision.process, "")
        named = ", ".join(p["title"] for p in processes.values()) or "none"
        yield (
            f"{PROCESS_NAMES.get(decision.process, decision.process)} is not a way of "
            f"arranging services under "
            f"{ctx.regime.title}{': ' + why if why else ''}. The processes are: {named}"
        )
        return
    s = decision.situation
    for condition in spec.get("conditions", []):
        if condition == "not_required_to_use_a_or_b":
            failure = _mandatory_process_applies(ctx, s, chosen=decision.process)
        else:
            failure = _failure(ctx, s, condition)
        if failure:
            yield f"{spec['title']} cannot be used: {failure} ({spec['basis']})"
    framework = (
        ctx.param("procurement.framework")
        if s.framework and "procurement.framework" in ctx.regime.parameters
        else None
    )
    if framework:
        allowed = framework["processes"]
        if decision.process not in allowed:
            titles = " or ".join(process_title(ctx, p) for p in allowed)
            yield (
                f"a framework agreement may be concluded only by the {titles}; "
                f"{spec['title']} was chosen ({framework['basis']})"
            )


def framework_term(ctx: RuleContext, *, decision: DecisionFacts) -> Iterator[str]:
    """A framework agreement runs no longer than the limit, unless exceptionally justified."""
    if not decision.situation.framework or "procurement.framework" not in ctx.regime.parameters:
        return
    rule = ctx.param("procurement.framework")
    if not rule:
        return
    limit = int(rule["max_years"]) * 12
    if decision.term_months > limit and not decision.exceptional_term_justification.strip():
        yield (
            f"the framework agreement would run {decision.term_months} months, more than "
            f"{rule['max_years']} years, with no justification from its subject-matter "
            f"({rule['term_basis']})"
        )


# --- what the decision must record -------------------------------------------------------


def key_criteria(ctx: RuleContext, *, decision: DecisionFacts) -> Iterator[str]:
    """Each key criterion is taken into account and the record says how.

    An importance (high, medium or low) for each criterion is OpenICS's good practice, not
    a condition in the regulations (which give the criteria no weighting): a missing one
    is a note, never a breach.
    """
    spec = ctx.param("procurement.processes").get(decision.process)
    if spec is None or not spec.get("key_criteria"):
        return
    rule = ctx.param("procurement.key_criteria")
    criteria = {c["key"]: c["title"] for c in rule["criteria"]}
    given = {a.criterion: a for a in decision.assessments}
    for key in sorted(set(given) - set(criteria)):
        yield (
            f"'{key.replace('_', ' ')}' is not one of the key criteria under "
            f"{ctx.regime.title} ({rule['basis']})"
        )
    for key, title in criteria.items():
        assessment = given.get(key)
        if assessment is None:
            yield (
                f"the key criterion '{title}' was not assessed; under {spec['title']} every "
                f"key criterion must be taken into account and the record must say how "
                f"({rule['basis']})"
            )
        elif not assessment.justification.strip():
            yield (
                f"the key criterion '{title}' has no written justification; the record must "
                f"describe how it was taken into account ({rule['basis']})"
            )
        elif assessment.importance not in IMPORTANCE:
            yield Note(
                f"good practice, not a legal requirement: give the key criterion '{title}' an "
                f"importance (one of {', '.join(IMPORTANCE)}) relative to the others; the "
                f"regulations do not weight the criteria"
            )


def exclusion_rules(ctx: RuleContext, decision: DecisionFacts) -> dict:
    """The exclusion rules that govern a decision: a process already under way when the
    rules changed keeps the rules of the day it began, where the regime says so."""
    rule = ctx.param("procurement.exclusions")
    changed = rule.get("transitional_from")
    started = decision.process_started_on
    if changed and started is not None and started < date.fromisoformat(str(changed)):
        return ctx.at(started).param("procurement.exclusions")
    return rule


def selection_and_exclusions(ctx: RuleContext, *, decision: DecisionFacts) -> Iterator[str]:
    """Basic selection criteria are assessed, and an excluded provider is not chosen."""
    spec = ctx.param("procurement.processes").get(decision.process)
    if spec is None:
        return
    rule = exclusion_rules(ctx, decision)
    if rule is not ctx.param("procurement.exclusions"):
        yield Note(
            f"the process began on {decision.process_started_on}, before the amended rules "
            f"came in, so the earlier rules apply ({rule['basis']}; "
            f"{ctx.param('procurement.exclusions').get('transitional_basis', '')})"
        )
    provider = decision.provider_name or "the provider"
    if spec.get("basic_selection") and not decision.basic_selection.strip():
        yield (
            f"the record does not describe how the provider was assessed against the basic "
            f"selection criteria, which {spec['title']} requires ({rule['selection_basis']})"
        )
    ex = decision.exclusions
    if ex.provider_excluded and not ex.overriding_public_interest.strip():
        yield (
            f"{provider} is an excluded provider and no overriding reason of public interest "
            f"is recorded ({rule['basis']})"
        )
    if ex.provider_excludable and not ex.excludable_reason_to_proceed.strip():
        yield (
            f"{provider} is an excludable provider; the record must say why the authority "
            f"chose not to exclude it ({rule['basis']})"
        )
    if not rule.get("subcontractor_checks"):
        return
    basis = rule["subcontractor_basis"]
    if not ex.subcontracting_asked:
        yield (
            "the provider was not asked whether it intends to sub-contract, as it must be "
            f"since 24 February 2025 ({basis})"
        )
    for name in ex.excluded_subcontractors:
        if not ex.subcontractor_notice_given:
            yield (
                f"the intended sub-contractor {name} is excluded: the authority must tell "
                f"{provider} and give it a reasonable chance to find another sub-contractor "
                f"before deciding ({basis})"
            )
        elif not ex.overriding_public_interest.strip():
            yield (
                f"{provider} kept the excluded sub-contractor {name} after being told, so "
                f"{provider} must itself be treated as excluded unless awarding is needed to "
                f"protect public health or another overriding public interest, and none is "
                f"recorded ({basis})"
            )
    for name in ex.excludable_subcontractors:
        yield Note(
            f"the intended sub-contractor {name} is excludable: the authority may exclude "
            f"{provider}, and should record why it did or did not ({basis})"
        )
    for name in ex.debarred_subcontractors:
        yield Note(
            f"the intended sub-contractor {name} is on the debarment list, which holds "
            f"excluded and excludable suppliers: record which it is, so the rules for each "
            f"can be applied ({basis})"
        )


def decision_record(ctx: RuleContext, *, decision: DecisionFacts) -> Iterator[str]:
    """The record holds every item the regime requires of a decision."""
    rule = ctx.param("procurement.record")
    for item in rule["items"]:
        value = getattr(decision, item["field"], "")
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "" or value == ():
            mark = item.get("confidence", "C")
            source = item.get("basis", rule["basis"]) + ("" if mark == "C" else f" [{mark}]")
            yield f"the decision record has no {item['title']} ({source})"


def conflicts(ctx: RuleContext, *, decision: DecisionFacts) -> Iterator[str]:
    """A conflicted decision-maker stands aside, unless their expertise is irreplaceable."""
    rule = ctx.param("procurement.conflicts")
    makers = set(decision.decision_makers)
    for conflict in decision.conflicts:
        if not conflict.interest.strip():
            yield f"the conflict declared by {conflict.person} does not say what the interest is"
        if conflict.handling not in CONFLICT_HANDLING:
            yield (
                f"the record does not say how {conflict.person}'s conflict was managed "
                f"({rule['basis']})"
            )
        elif conflict.handling == "recused" and conflict.person in makers:
            yield (
                f"{conflict.person} is recorded as recused but is listed among the "
                f"decision-makers ({rule['basis']})"
            )
        elif conflict.handling == "sole_expertise" and not conflict.mitigation.strip():
            yield (
                f"{conflict.person} took part despite a conflict because of their expertise, "
                f"but no steps to keep any provider from being advantaged are recorded "
                f"({rule['basis']})"
            )


# --- standstill and notices --------------------------------------------------------------


def standstill_applies(ctx: RuleContext, process: str) -> bool:
    spec = ctx.param("procurement.processes").get(process) or {}
    return bool(spec.get("standstill"))


def standstill_period(ctx: RuleContext, published_on: date) -> Standstill:
    """The standstill that follows a notice of intention published on `published_on`."""
    rule = ctx.param("procurement.standstill")
    begins = published_on + timedelta(days=1)
    count = int(rule["working_days"])
    return Standstill(published_on, begins, working_days_after(begins, count), count)


def further_wait_ends(ctx: RuleContext, told_on: date) -> date:
    """The further wait's basis is NHS England's statutory guidance, not reg 12 itself."""
    return working_days_after(told_on, int(ctx.param("procurement.standstill")["further_wait"]))


def standstill(ctx: RuleContext, *, decision: DecisionFacts) -> Iterator[str]:
    """A process with a standstill publishes its intention first, and waits for it to end."""
    if not standstill_applies(ctx, decision.process):
        return
    rule = ctx.param("procurement.standstill")
    title = process_title(ctx, decision.process)
    if decision.contract_entered_on is None:
        return
    if decision.intention_published_on is None:
        yield (
            f"a contract awarded by the {title} needs a notice of intention and a standstill "
            f"first; none was published ({rule['basis']})"
        )
        return
    period = standstill_period(ctx, decision.intention_published_on)
    if decision.contract_entered_on <= period.ends:
        yield (
            f"the standstill begins on {period.begins:%-d %B %Y} and ends at midnight on "
            f"{period.ends:%-d %B %Y}, so a contract cannot be entered into on "
            f"{decision.contract_entered_on:%-d %B %Y} ({rule['basis']})"
        )


def notice_due(ctx: RuleContext, kind: str, on: date) -> date | None:
    deadlines = ctx.param("procurement.notices")
    spec = deadlines.get(kind)
    if not spec or spec.get("days") is None:
        return None
    return on + timedelta(days=int(spec["days"]))


@dataclass(frozen=True)
class Progress:
    """Where a selection decision has got to, as the next step reads it."""

    process: str
    status: str  # decided, standstill, review, awarded or abandoned
    decided_on: date
    standstill_ends: date | None = None
    further_wait_ends: date | None = None
    awarded_on: date | None = None
    award_notice_due: date | None = None
    award_notice_published: bool = False


@dataclass(frozen=True)
class NextStep:
    """What the regulations require next, from when and by when, and on what basis."""

    what: str
    basis: str
    earliest: date | None = None
    by: date | None = None
    overdue: bool = False


def next_step(ctx: RuleContext, progress: Progress, today: date) -> NextStep | None:
    """The next thing the authority must do for a decision; None once nothing more is due."""
    title = process_title(ctx, progress.process)
    rule = ctx.param("procurement.standstill")
    notices = ctx.param("procurement.notices")
    status = progress.status
    if status == "decided":
        if standstill_applies(ctx, progress.process):
            return NextStep(
                f"Publish the notice of intention to award the contract. The standstill "
                f"begins the next day and lasts {rule['working_days']} working days; no "
                f"contract may be entered into until it ends",
                rule["basis"],
            )
        days = (notices.get("award_after_direct") or {}).get("days")
        return NextStep(
            f"{title} has no standstill: enter into the contract, then publish the contract "
            f"award notice" + (f" within {days} days of the award" if days else ""),
            _notice_basis(ctx, "award_after_direct"),
            earliest=progress.decided_on,
        )
    if status == "standstill":
        last = max(d for d in (progress.standstill_ends, progress.further_wait_ends) if d)
        if progress.further_wait_ends:
            what = (
                f"The authority proceeds after reviewing representations, and waits until "
                f"the end of {progress.further_wait_ends:%-d %B %Y} (a further "
                f"{rule['further_wait']} working days); then it may enter into the contract"
            )
            basis = rule.get("further_wait_basis", rule["basis"])
        else:
            what = (
                f"Representations may be made until midnight at the end of "
                f"{progress.standstill_ends:%-d %B %Y}; if none are made, the contract may "
                f"be entered into from {last + timedelta(days=1):%-d %B %Y}"
            )
            basis = rule["basis"]
        return NextStep(what, basis, earliest=last + timedelta(days=1))
    if status == "review":
        return NextStep(
            f"Review the representations and make a further decision: proceed (then tell "
            f"the providers and wait a further {rule['further_wait']} working days), go back "
            f"to an earlier step, or abandon the process. No contract may be entered into "
            f"until then",
            f"{rule['basis']}(4); {rule.get('further_wait_basis', '')}".rstrip("; "),
        )
    if status == "awarded" and not progress.award_notice_published:
        kind = (
            "award_after_standstill"
            if standstill_applies(ctx, progress.process)
            else ("urgent_award" if progress.process == "urgent_award" else "award_after_direct")
        )
        due = progress.award_notice_due
        return NextStep(
            "Publish the contract award notice"
            + (f" by {due:%-d %B %Y}" if due else "")
            + (" — it is overdue" if due and today > due else ""),
            _notice_basis(ctx, kind),
            earliest=progress.awarded_on,
            by=due,
            overdue=due is not None and today > due,
        )
    return None


def _notice_basis(ctx: RuleContext, kind: str) -> str:
    """The notices' citation, with the deadline for this kind and how sure it is."""
    spec = ctx.param("procurement.notices").get(kind) or {}
    citation = ctx.regime.parameter("procurement.notices").citation
    mark = spec.get("confidence", "C")
    days = spec.get("days")
    when = f"{days} days after the event" if days else "no deadline encoded"
    source = citation.source if citation else ctx.regime.title
    return f"{source}; {spec.get('title', kind)}: {when}" + ("" if mark == "C" else f" [{mark}]")


# --- modifications ----------------------------------------------------------------------


def modification(ctx: RuleContext, *, change: ModificationFacts) -> Iterator[str]:
    """A contract is changed in its term only on the grounds the regime allows."""
    rule = ctx.param("procurement.modification")
    if not rule:
        why = (
            ctx.param("procurement.modification_absent")
            if ("procurement.modification_absent" in ctx.regime.parameters)
            else ""
        )
        raise RegimeError(
            f"{ctx.regime.title} has no modification rules in OpenICS on {ctx.on}"
            f"{': ' + why if why else ''}"
        )
    basis = rule["basis"]
    titles = rule["grounds"]
    if change.grounds not in titles:
        yield f"'{change.grounds}' is not a ground for modifying a contract ({basis})"
        return
    direct = change.awarded_by in rule.get("lenient_for", [])
    if change.materially_different and change.grounds != "provided_for":
        yield (
            "the change would make the contract materially different in character, which "
            f"needs a new selection process, not a modification ({basis})"
        )
        return
    if direct or change.grounds in ("provided_for", "external_factors"):
        return
    if change.grounds == "succession":
        if not change.successor_meets_basic_selection:
            yield (f"a new provider by succession must meet the basic selection criteria ({basis})")
        return
    limit = int(rule["value_limit_pence"])
    ratio = Fraction(str(rule["ratio_limit"]))
    total = abs(change.cumulative_change_pence)
    original = change.original_lifetime_value_pence
    if total >= limit and Fraction(total) >= ratio * original:
        yield (
            f"the cumulative change in lifetime value since the contract was entered into "
            f"would be {pounds(change.cumulative_change_pence)} ({percent(total, original)} of "
            f"{pounds(original)}): not below {pounds(limit)} and not below "
            f"{percent(ratio.numerator * 100, ratio.denominator * 100)}, so a change the "
            f"authority decided on needs a new selection process ({basis})"
        )


def modification_needs_notice(ctx: RuleContext, change: ModificationFacts) -> bool:
    rule = ctx.param("procurement.modification")
    if not rule:
        return False
    return abs(change.this_change_pence) >= int(rule["notice_threshold_pence"])


# --- the annual summary (reg 25) ----------------------------------------------------------


@dataclass(frozen=True)
class SummaryEntry:
    """One decision or change of the year, as the annual summary counts it."""

    reference: str
    process: str
    awarded_on: date
    framework: bool = False
    call_off: bool = False
    urgent: bool = False
    modification: bool = False
    new_provider: bool = False
    provider_lost: bool = False
    standstill_ends_on: date | None = None
    representations: int = 0
    representations_summary: str = ""

    meanings: ClassVar[dict[str, str]] = {
        "reference": "the decision's reference",
        "process": "the process it was awarded by (as in a decision)",
        "awarded_on": "the day the contract was awarded, or the change made",
        "framework": "it concluded a framework agreement",
        "call_off": "it is a call-off from a framework agreement",
        "urgent": "an urgent award or urgent modification (reg 14)",
        "modification": "a modification of an existing contract rather than an award",
        "new_provider": "the provider was not providing these services to the authority before",
        "provider_lost": "an existing provider of these services lost them by this decision",
        "standstill_ends_on": "the day its standstill ended, if it had one",
        "representations": "how many written representations were made in its standstill",
        "representations_summary": "the nature of those representations and their effect",
    }


@dataclass(frozen=True)
class AnnualSummary:
    period_from: date
    period_to: date
    by_process: tuple[tuple[str, int], ...]
    frameworks: int
    call_offs: int
    urgent: int
    new_providers: int
    providers_lost: int
    representations: int
    representation_summaries: tuple[str, ...]
    basis: str

    def rows(self) -> list[tuple[str, str]]:
        """The summary as (item, value) rows, as it is published (and written as CSV)."""
        out = [("period", f"{self.period_from.isoformat()} to {self.period_to.isoformat()}")]
        out += [(f"contracts awarded by {title}", str(n)) for title, n in self.by_process]
        out += [
            ("framework agreements concluded", str(self.frameworks)),
            ("contracts awarded under framework agreements", str(self.call_offs)),
            ("urgent awards and urgent modifications", str(self.urgent)),
            ("new providers", str(self.new_providers)),
            ("providers that lost services", str(self.providers_lost)),
            ("representations received during standstill periods", str(self.representations)),
        ]
        out += [("representation", text) for text in self.representation_summaries]
        return out


def summary_period(ctx: RuleContext, year: FinancialYear) -> tuple[date, date] | None:
    """The days a year's summary covers (the first one ran from the regime's start)."""
    rule = ctx.param("procurement.annual_summary")
    if not rule:
        return None
    first_from = date.fromisoformat(str(rule["first_period_from"]))
    first_to = date.fromisoformat(str(rule["first_period_to"]))
    starts, ends = date(year.start, 4, 1), date(year.start + 1, 3, 31)
    if ends < first_from or starts > first_to:
        return (starts, ends) if starts > first_to else None
    return first_from, first_to


def annual_summary(
    ctx: RuleContext, year: FinancialYear, entries: tuple[SummaryEntry, ...]
) -> AnnualSummary | None:
    """Builds the reg 25 summary of one year's decisions; None if the year has none."""
    period = summary_period(ctx, year)
    if period is None:
        return None
    rule = ctx.param("procurement.annual_summary")
    start, end = period
    inside = [e for e in entries if start <= e.awarded_on <= end]
    awards = [e for e in inside if not (e.framework or e.call_off or e.modification)]
    processes = ctx.param("procurement.processes")
    by_process = tuple(
        (spec["title"], sum(1 for e in awards if e.process == key))
        for key, spec in processes.items()
        if key != "urgent_award"
    )
    standstills = [
        e
        for e in entries
        if e.standstill_ends_on is not None and start <= e.standstill_ends_on <= end
    ]
    return AnnualSummary(
        start,
        end,
        by_process,
        sum(1 for e in inside if e.framework),
        sum(1 for e in inside if e.call_off),
        sum(1 for e in inside if e.urgent or e.process == "urgent_award"),
        sum(1 for e in inside if e.new_provider),
        sum(1 for e in inside if e.provider_lost),
        sum(e.representations for e in standstills),
        tuple(
            f"{e.reference}: {e.representations_summary.strip()}"
            for e in standstills
            if e.representations and e.representations_summary.strip()
        ),
        rule["basis"],
    )


def summary_published(
    ctx: RuleContext,
    *,
    year: str,
    entries: tuple[SummaryEntry, ...] = (),
    published_on: date | None = None,
) -> Iterator[str]:
    """The year's summary, worked out from its decisions, and whether it is published."""
    fy = FinancialYear.parse(year)
    summary = annual_summary(ctx, fy, entries)
    if summary is None:
        yield Note(f"no annual summary covers {fy.label} under {ctx.regime.title}")
        return
    for item, value in summary.rows():
        yield Note(f"{item}: {value}")
    missing = [
        e.reference for e in entries if e.representations and not e.representations_summary.strip()
    ]
    for ref in missing:
        yield (
            f"{ref} had representations in its standstill but no summary of their nature and "
            f"effect, which the annual summary must give ({summary.basis})"
        )
    if published_on is None and ctx.on > summary.period_to:
        yield Note(
            f"the summary for {summary.period_from} to {summary.period_to} is not recorded as "
            f"published on a public website ({summary.basis}; the deadline is not encoded)"
        )
