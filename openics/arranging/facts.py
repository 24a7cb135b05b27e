"""Turns stored decisions into the plain facts the regime rules read, and checks them.

Reads only. Used by the services (before anything is written), by the pages and by the
comparison of one decision under several regimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openics.regimes.model import RuleContext, RuleResult
from openics.regimes.registry import all_regimes, get_regime
from openics.regimes.rules.duties import DecisionRegard, Regard
from openics.regimes.rules.procurement import (
    Assessment,
    Conflict,
    DecisionFacts,
    Exclusions,
    Situation,
)

DECISION_RULES = (
    "procurement.process",
    "procurement.framework-term",
    "procurement.key-criteria",
    "procurement.selection",
    "procurement.decision-record",
    "procurement.conflicts",
    "procurement.standstill",
)


def exclusions_from(data: dict) -> Exclusions:
    data = dict(data or {})
    data["debarred_subcontractors"] = tuple(data.get("debarred_subcontractors", ()))
    return Exclusions(**data)


def conflicts_from(items) -> tuple[Conflict, ...]:
    return tuple(
        Conflict(
            person=c.get("person", ""),
            interest=c.get("interest", ""),
            handling=c.get("handling", ""),
            mitigation=c.get("mitigation", ""),
        )
        for c in items or ()
    )


def facts_of(decision, *, contract_entered_on: date | None = None) -> DecisionFacts:
    """The facts of a stored decision (its assessments, conflicts and dates included)."""
    first_service = decision.services.order_by("code").first()
    return DecisionFacts(
        process=decision.process,
        situation=Situation.from_dict(decision.situation),
        provider_name=decision.provider.name,
        provider_address=decision.provider_address,
        service_description=first_service.description if first_service else "",
        cpv_code=first_service.cpv_code if first_service else "",
        reasons=decision.reasons,
        decision_makers=tuple(decision.decision_makers),
        assessments=tuple(
            Assessment(a.criterion, a.importance, a.justification)
            for a in decision.assessments.all()
        ),
        basic_selection=decision.basic_selection,
        exclusions=exclusions_from(decision.exclusions),
        conflicts=conflicts_from(decision.conflicts),
        term_months=decision.framework_term_months,
        intention_published_on=decision.intention_published_on,
        contract_entered_on=contract_entered_on or decision.awarded_on,
        decision_process=decision.decision_process,
        process_started_on=decision.process_started_on,
        # What the 2013 regulations' record of a contract holds (SI 2013/500 reg 9(2)).
        amount_payable_pence=decision.lifetime_value.pence,
        services_start_on=decision.proposed_start,
        services_end_on=decision.proposed_end,
        process_description=decision.decision_process or decision.reasons,
    )


def regard_of(decision) -> DecisionRegard:
    """What the decision's record says about the strategy and the wider effects it weighed."""
    return DecisionRegard(
        title=decision.title,
        body_kind=decision.commissioner.kind,
        decided_on=decision.decided_on,
        regard=tuple(Regard(to, str(how)) for to, how in sorted((decision.regard or {}).items())),
    )


REGARD_RULES = ("duties.strategy-regard", "duties.triple-aim")


def regard_flags(decision) -> list[str]:
    """Where the record shows no regard to what the law in force asks it to weigh (flagged on
    the decision's page and by `openics check`, not refused: the duty is to have regard)."""
    regime = get_regime(decision.regime_id)
    facts = regard_of(decision)
    flags = []
    for rule_id in REGARD_RULES:
        if rule_id in regime.rules:
            result = regime.evaluate(rule_id, decision.decided_on, decision=facts)
            flags += [f"{v.explanation} [{v.rule_id}]" for v in result.violations]
    return flags


def check(regime_id: str, on: date, facts: DecisionFacts) -> list[RuleResult]:
    """Every decision rule the regime has, evaluated on the facts."""
    regime = get_regime(regime_id)
    return [
        regime.evaluate(rule_id, on, decision=facts)
        for rule_id in DECISION_RULES
        if rule_id in regime.rules
    ]


def context(regime_id: str, on: date) -> RuleContext:
    return RuleContext(get_regime(regime_id), on)


@dataclass(frozen=True)
class RegimeVerdict:
    regime_id: str
    title: str
    in_force: bool
    allowed: bool
    results: tuple[RuleResult, ...]
    missing_rules: tuple[str, ...]


def compare(facts: DecisionFacts, on: date) -> list[RegimeVerdict]:
    """The same decision checked under every regime, to show where the rules differ."""
    verdicts = []
    for regime in all_regimes():
        if "procurement.process" not in regime.rules:
            continue
        results = tuple(check(regime.id, on, facts))
        missing = tuple(r for r in DECISION_RULES if r not in regime.rules)
        verdicts.append(
            RegimeVerdict(
                regime.id,
                regime.title,
                regime.in_force(on),
                all(r.allowed for r in results),
                results,
                missing,
            )
        )
    return verdicts
