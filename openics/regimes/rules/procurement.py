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

from openics.kernel.money import Money
from openics.kernel.working_days import working_days_after
from openics.regimes.model import RuleContext

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


@dataclass(frozen=True)
class Conflict:
    """A declared (or potential) conflict of interest of someone involved in the decision."""

    person: str
    interest: str
    handling: str  # "recused" or "sole_expertise"
    mitigation: str = ""


@dataclass(frozen=True)
class Exclusions:
    """The checks on the chosen provider for grounds to exclude it (reg 20, and 20A from 2025)."""

    provider_excluded: bool = False
    provider_excludable: bool = False
    overriding_public_interest: str = ""
    excludable_reason_to_proceed: str = ""
    subcontracting_asked: bool = False
    debarred_subcontractors: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class ModificationFacts:
    awarded_by: str
    grounds: str  # provided_for, succession, external_factors, authority_decision
    materially_different: bool
    original_lifetime_value_pence: int
    cumulative_change_pence: int
    this_change_pence: int
    successor_meets_basic_selection: bool = False


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


def process_permitted(ctx: RuleContext, *, decision: DecisionFacts) -> Iterator[str]:
    """The chosen process exists under the regime and every condition it needs holds."""
    processes = ctx.param("procurement.processes")
    spec = processes.get(decision.process)
    if spec is None:
        why = ctx.param("procurement.absent_processes").get(decision.process, "")
        named = ", ".join(p["title"] for p in processes.values())
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
    if s.framework and "procurement.framework" in ctx.regime.parameters:
        allowed = ctx.param("procurement.framework")["processes"]
        if decision.process not in allowed:
            titles = " or ".join(process_title(ctx, p) for p in allowed)
            yield (
                f"a framework agreement may be concluded only by the {titles}; "
                f"{spec['title']} was chosen ({ctx.param('procurement.framework')['basis']})"
            )


def framework_term(ctx: RuleContext, *, decision: DecisionFacts) -> Iterator[str]:
    """A framework agreement runs no longer than the limit, unless exceptionally justified."""
    if not decision.situation.framework or "procurement.framework" not in ctx.regime.parameters:
        return
    rule = ctx.param("procurement.framework")
    limit = int(rule["max_years"]) * 12
    if decision.term_months > limit and not decision.exceptional_term_justification.strip():
        yield (
            f"the framework agreement would run {decision.term_months} months, more than "
            f"{rule['max_years']} years, with no justification from its subject-matter "
            f"({rule['term_basis']})"
        )


# --- what the decision must record -------------------------------------------------------


def key_criteria(ctx: RuleContext, *, decision: DecisionFacts) -> Iterator[str]:
    """Each key criterion is assessed, with its importance and a written justification."""
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
        elif assessment.importance not in IMPORTANCE:
            yield (
                f"the key criterion '{title}' has no importance (one of "
                f"{', '.join(IMPORTANCE)}) ({rule['basis']})"
            )
        elif not assessment.justification.strip():
            yield (
                f"the key criterion '{title}' has no written justification; the record must "
                f"describe how it was taken into account ({rule['basis']})"
            )


def selection_and_exclusions(ctx: RuleContext, *, decision: DecisionFacts) -> Iterator[str]:
    """Basic selection criteria are assessed, and an excluded provider is not chosen."""
    spec = ctx.param("procurement.processes").get(decision.process)
    if spec is None:
        return
    rule = ctx.param("procurement.exclusions")
    if spec.get("basic_selection") and not decision.basic_selection.strip():
        yield (
            f"the record does not describe how the provider was assessed against the basic "
            f"selection criteria, which {spec['title']} requires ({rule['selection_basis']})"
        )
    ex = decision.exclusions
    if ex.provider_excluded and not ex.overriding_public_interest.strip():
        yield (
            f"{decision.provider_name or 'the provider'} is an excluded provider and no "
            f"overriding reason of public interest is recorded ({rule['basis']})"
        )
    if ex.provider_excludable and not ex.excludable_reason_to_proceed.strip():
        yield (
            f"{decision.provider_name or 'the provider'} is an excludable provider; the "
            f"record must say why the authority chose not to exclude it ({rule['basis']})"
        )
    if rule.get("subcontractor_checks"):
        if not ex.subcontracting_asked:
            yield (
                "the provider was not asked whether it intends to subcontract, as it must be "
                f"since 24 February 2025 ({rule['subcontractor_basis']})"
            )
        for name in ex.debarred_subcontractors:
            yield (
                f"the intended subcontractor {name} is on the debarment list "
                f"({rule['subcontractor_basis']})"
            )


def decision_record(ctx: RuleContext, *, decision: DecisionFacts) -> Iterator[str]:
    """The record holds every item the regime requires of a decision."""
    rule = ctx.param("procurement.record")
    for item in rule["items"]:
        value = getattr(decision, item["field"], "")
        if isinstance(value, str):
            value = value.strip()
        if not value:
            yield f"the decision record has no {item['title']} ({rule['basis']})"


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
    """After a review of representations, the wait before the standstill may close."""
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


# --- modifications ----------------------------------------------------------------------


def modification(ctx: RuleContext, *, change: ModificationFacts) -> Iterator[str]:
    """A contract is changed in its term only on the grounds the regime allows."""
    rule = ctx.param("procurement.modification")
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
    return abs(change.this_change_pence) >= int(rule["notice_threshold_pence"])
