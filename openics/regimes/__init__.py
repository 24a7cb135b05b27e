"""regimes: the rules as code. Versioned, dated rulebooks; pure Python, no database.

Each regime (a legal framework, a proposal or a critics' alternative) has dated
parameters in YAML and rule functions with citations. Every other part of OpenICS asks
this package what the rules are on a given day; nothing here touches Django models.
"""

# After the registry: evaluate reads the catalogue and the loaded regimes.
from openics.regimes.evaluate import evaluate_rule, explain_rule  # noqa: E402
from openics.regimes.model import (
    Citation,
    Parameter,
    Regime,
    RegimeError,
    Rule,
    RuleResult,
    Violation,
)
from openics.regimes.registry import all_regimes, get_regime, regime_in_force_on

__all__ = [
    "Citation",
    "Parameter",
    "Regime",
    "RegimeError",
    "Rule",
    "RuleResult",
    "Violation",
    "all_regimes",
    "evaluate_rule",
    "explain_rule",
    "get_regime",
    "regime_in_force_on",
]
