"""Who may hold a contract or subcontract, and whether arranging services by contract is a
way of securing them at all. Pure functions over plain data.

The regime's `contracts.contracting` says whether services may be secured by contract
(null: they may); `contracts.holders` lists its bars, each naming the kinds of contract it
covers, the ownership classes it bars (or the only ones it allows), whether it reaches
subcontracts, and whether the record can settle it (`undetermined` says why not).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from openics.kernel.money import Money
from openics.regimes.model import CannotTell, RuleContext

OWNERSHIP_LABELS = {
    "nhs": "an NHS body",
    "local_authority": "a local authority",
    "voluntary": "a voluntary or community organisation",
    "gp_partnership": "a GP partnership",
    "independent": "an independent-sector company",
}

CONTRACT_KIND_LABELS = {
    "standard": "contract for services",
    "lead_provider": "lead provider contract",
    "icp": "integrated care provider contract",
    "framework": "framework agreement",
    "subcontract": "subcontract",
}


@dataclass(frozen=True)
class ContractHeld:
    """A contract or subcontract as the rules see it: what it is and who holds it."""

    reference: str
    kind: str  # standard, lead_provider, icp, framework or subcontract
    holder: str
    holder_ownership: str  # nhs, local_authority, voluntary, gp_partnership, independent
    value: Money = Money(0)
    subcontract: bool = False
    # The kind of the contract at the top of its chain (a subcontract of an ICP contract).
    prime_kind: str = ""
    # Who owns the holder, where the record says (its parent company's ownership class).
    parent: str = ""
    parent_ownership: str = ""

    meanings: ClassVar[dict[str, str]] = {
        "reference": "the contract's reference",
        "kind": "standard, lead_provider, icp, framework or subcontract",
        "holder": "the provider that holds it",
        "holder_ownership": "the holder's ownership: nhs, local_authority, voluntary, "
        "gp_partnership or independent",
        "value": "its value over its term, in pence",
        "subcontract": "it is a subcontract under another contract",
        "prime_kind": "for a subcontract: the kind of the contract at the top of its chain",
        "parent": "the company that owns the holder, where recorded",
        "parent_ownership": "the parent's ownership class, where recorded",
    }


def _a(ownership: str) -> str:
    return OWNERSHIP_LABELS.get(ownership, f"a body of ownership '{ownership}'")


def _covers(bar: dict, contract: ContractHeld) -> bool:
    kinds = bar.get("contract_kinds", "any")
    if contract.subcontract and not bar.get("subcontracts", False):
        return False
    if kinds == "any":
        return True
    kind = contract.prime_kind if contract.subcontract else contract.kind
    return kind in kinds


def _barred(bar: dict, ownership: str) -> bool:
    if "allowed_owners" in bar:
        return ownership not in bar["allowed_owners"]
    return ownership in bar.get("barred_owners", [])


def holder(ctx: RuleContext, *, contract: ContractHeld) -> Iterator[str]:
    """The contract may exist under the regime, and its holder may hold it."""
    what = CONTRACT_KIND_LABELS.get(contract.kind, contract.kind)
    contracting = ctx.param("contracts.contracting")
    if contracting:
        yield (
            f"{contract.reference} ({what} held by {contract.holder}): arranging services by "
            f"contract is not a way of securing them under {ctx.regime.title} "
            f"({contracting['basis']})"
        )
        return
    for bar in ctx.param("contracts.holders") or []:
        if not _covers(bar, contract):
            continue
        if bar.get("undetermined"):
            if _barred(bar, contract.holder_ownership):
                yield CannotTell(
                    f"{contract.reference} is held by {contract.holder}, "
                    f"{_a(contract.holder_ownership)}: {bar['undetermined']}"
                )
            continue
        if _barred(bar, contract.holder_ownership):
            yield (
                f"{contract.reference} ({what}) is held by {contract.holder}, "
                f"{_a(contract.holder_ownership)}: {bar['title']} ({bar['basis']})"
            )
            continue
        if bar.get("needs_parent") and contract.holder_ownership == "independent":
            yield CannotTell(bar["needs_parent"])
