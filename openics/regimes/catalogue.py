"""Every rule function a regime may switch on, by id. A regime's YAML says which apply."""

from dataclasses import dataclass

from openics.regimes.model import RuleFunction
from openics.regimes.rules import finance, governance, organisations, procurement


@dataclass(frozen=True)
class RuleSpec:
    title: str
    function: RuleFunction
    facts: tuple[str, ...]


RULES: dict[str, RuleSpec] = {
    "organisations.body-kind-exists": RuleSpec(
        "A body of this kind can exist", organisations.body_kind_exists, ("kind",)
    ),
    "organisations.may-commission": RuleSpec(
        "A body of this kind may commission services", organisations.may_commission, ("kind",)
    ),
    "ledger.ring-fence": RuleSpec(
        "Ring-fenced money is spent only on its purpose",
        finance.ring_fence,
        ("fund", "fund_name", "sector"),
    ),
    "ledger.break-even": RuleSpec(
        "A commissioner spends no more in a year than it receives",
        finance.break_even,
        ("body", "received", "spent"),
    ),
    "procurement.process": RuleSpec(
        "The process chosen to arrange the services may be used",
        procurement.process_permitted,
        ("decision",),
    ),
    "procurement.framework-term": RuleSpec(
        "A framework agreement is no longer than the limit",
        procurement.framework_term,
        ("decision",),
    ),
    "procurement.key-criteria": RuleSpec(
        "Every key criterion is assessed, with its importance and a justification",
        procurement.key_criteria,
        ("decision",),
    ),
    "procurement.selection": RuleSpec(
        "The provider meets the basic selection criteria and is not excluded",
        procurement.selection_and_exclusions,
        ("decision",),
    ),
    "procurement.decision-record": RuleSpec(
        "The decision record holds everything the regime requires",
        procurement.decision_record,
        ("decision",),
    ),
    "procurement.conflicts": RuleSpec(
        "Conflicts of interest of decision-makers are declared and managed",
        procurement.conflicts,
        ("decision",),
    ),
    "procurement.standstill": RuleSpec(
        "No contract is entered into before the standstill ends",
        procurement.standstill,
        ("decision",),
    ),
    "procurement.modification": RuleSpec(
        "A contract is changed in its term only on permitted grounds",
        procurement.modification,
        ("change",),
    ),
    "governance.composition": RuleSpec(
        "A board has at least the members its kind must have", governance.composition, ("board",)
    ),
    "governance.fit-and-proper": RuleSpec(
        "Board members have a current fit and proper person assessment",
        governance.fit_and_proper,
        ("board",),
    ),
    "governance.eligibility": RuleSpec(
        "A candidate may be appointed to the board",
        governance.eligibility,
        ("candidate", "board_kind", "disqualifications"),
    ),
    "governance.conflicts": RuleSpec(
        "A member with an interest in an organisation an item affects takes no part in it",
        governance.conflicts,
        ("member", "affected"),
    ),
    "governance.quorum": RuleSpec(
        "Enough members free of conflicts are present for the board to decide",
        governance.quorum,
        ("board", "present", "recused"),
    ),
    "governance.gifts": RuleSpec(
        "Gifts and hospitality are declined or declared as the thresholds require",
        governance.gift_breaches,
        ("gift",),
    ),
    "governance.declarations": RuleSpec(
        "Declarations of interests are made on time", governance.declarations, ("declarant",)
    ),
    "governance.powers": RuleSpec(
        "A power from above exists on the day it is used", governance.power_exists, ("power",)
    ),
}
