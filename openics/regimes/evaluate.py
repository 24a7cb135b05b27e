"""Asking a rule a question: plain facts in, a plain answer out.

`evaluate_rule` takes a regime, a rule, a day and JSON-like facts, builds the rule's typed
facts (refusing unknown, missing or ill-typed ones with the fact named), evaluates the
rule as `Regime.evaluate` does, and returns a plain result: allowed or not, each violation
with its rule, citation and explanation, notes, the regime and its version, and the value
of every parameter the rule read. `explain_rule` says what a rule reads, with an example.
Both are pure: the CLI and the API wrap them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from openics.regimes.catalogue import RULES
from openics.regimes.facts import build_arguments, plain
from openics.regimes.model import Citation, RegimeError, RuleResult
from openics.regimes.registry import all_regimes, get_regime


def _citation(c: Citation | None) -> dict[str, str] | None:
    if c is None:
        return None
    return {"source": c.source, "url": c.url, "confidence": c.confidence.value}


def result_to_dict(result: RuleResult) -> dict[str, Any]:
    """A rule's result as JSON-like data."""
    return {
        "rule_id": result.rule_id,
        "regime_id": result.regime_id,
        "regime_version": result.regime_version,
        "on": result.on.isoformat(),
        "allowed": result.allowed,
        "violations": [
            {
                "rule_id": v.rule_id,
                "citation": _citation(v.citation),
                "explanation": v.explanation,
            }
            for v in result.violations
        ],
        "notes": list(result.notes),
        "cannot_tell": list(result.cannot_tell),
        "parameters": [
            {
                "name": p.name,
                "applies_from": p.applies_from.isoformat(),
                "value": plain(p.value),
                "citation": _citation(p.citation),
            }
            for p in result.parameters
        ],
    }


def evaluate_rule(regime_id: str, rule_id: str, on: date, facts: dict) -> dict[str, Any]:
    """Evaluates one rule of one regime on a day, from plain facts; returns plain data.

    Raises RegimeError for an unknown regime or rule (or a day the regime has no value
    for), and ValueError naming the fact for facts that are unknown, missing or ill-typed.
    """
    if not isinstance(on, date):
        raise ValueError(f"the day must be a date, got {on!r}")
    regime = get_regime(regime_id)
    rule = regime.rule(rule_id)
    spec = RULES[rule_id]
    arguments = build_arguments(spec.function, facts)
    result = rule.evaluate(regime, on, **arguments)
    return result_to_dict(result)


def explain_rule(rule_id: str) -> dict[str, Any]:
    """What a rule reads (each fact's name, type and meaning), an example, and where it applies."""
    try:
        spec = RULES[rule_id]
    except KeyError:
        raise RegimeError(f"no rule {rule_id!r}; known rules: {', '.join(sorted(RULES))}") from None
    regimes = []
    for regime in all_regimes():
        if rule_id in regime.rules:
            rule = regime.rules[rule_id]
            regimes.append(
                {
                    "regime_id": regime.id,
                    "regime_version": regime.version,
                    "title": rule.title,
                    "citation": _citation(rule.citation),
                }
            )
    return {
        "rule_id": rule_id,
        "title": spec.title,
        "summary": " ".join((spec.function.__doc__ or "").split()),
        "facts": [f.to_dict() for f in spec.facts],
        "example": spec.example,
        "regimes": regimes,
    }
