"""Every rule function a regime may switch on, by id. A regime's YAML says which apply."""

from dataclasses import dataclass

from openics.regimes.model import RuleFunction
from openics.regimes.rules import finance, organisations


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
}
