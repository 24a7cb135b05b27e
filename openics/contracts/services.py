"""The only writers of services and contracts: each refuses what cannot be, and is audited."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from openics.contracts.models import Contract, ContractKind, Service
from openics.core.audit import Auditor, Refused, service
from openics.kernel.money import Money
from openics.organisations.models import Organisation

CPV = re.compile(r"^\d{8}-\d$")


def months_between(start: date, end: date) -> int:
    """Whole months from the first day to the last (1 April to 31 March is 12)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months + (1 if end.day >= start.day - 1 else 0)


def value_over_term(annual: Money, start: date, end: date, extension_months: int = 0) -> Money:
    """Annual value over the term and every extension option, to the nearest penny."""
    months = months_between(start, end) + extension_months
    pence = (Decimal(annual.pence) * months / 12).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return Money(int(pence))


@service("contracts.register_service")
def register_service(
    *,
    code: str,
    name: str,
    description: str,
    cpv_code: str,
    sector: str,
    commissioner: Organisation,
    place: Organisation | None = None,
    population: str = "",
    illustrative: bool = False,
    audit: Auditor,
) -> Service:
    problems = []
    if not CPV.match(cpv_code or ""):
        problems.append(
            f"{cpv_code!r} is not a CPV code; write eight digits, a hyphen and a check digit, "
            "such as 85121000-3"
        )
    if not description.strip():
        problems.append("a service needs a description of what is provided and for whom")
    if Service.objects.filter(code=code).exists():
        problems.append(f"there is already a service {code}")
    if problems:
        raise Refused(problems, asked={"code": code}, object_type="contracts.service")
    svc = Service.objects.create(
        code=code,
        name=name,
        description=description,
        cpv_code=cpv_code,
        sector=sector,
        commissioner=commissioner,
        place=place,
        population=population,
        illustrative=illustrative,
    )
    audit.created(svc)
    return svc


@service("contracts.enter_contract")
def enter_contract(
    *,
    reference: str,
    title: str,
    commissioner: Organisation,
    provider: Organisation,
    sector: str,
    start: date,
    end: date,
    annual_value: Money,
    payment_mechanism: str,
    services=(),
    prime: Contract | None = None,
    lifetime_value: Money | None = None,
    original_lifetime_value: Money | None = None,
    audit: Auditor,
    **terms,
) -> Contract:
    """A contract between two bodies (or, with `prime`, a subcontract under one): refused if
    the reference is taken, it ends before it starts, or a body would contract with itself.
    Its lifetime value is the annual value over the term unless given."""
    problems = []
    if Contract.objects.filter(reference=reference).exists():
        problems.append(f"there is already a contract {reference}")
    if end < start:
        problems.append(f"the contract would end ({end}) before it started ({start})")
    if commissioner == provider:
        problems.append("a body cannot contract with itself")
    if prime is not None and prime.provider != commissioner:
        problems.append(
            f"a subcontract under {prime.reference} is let by its provider, {prime.provider}"
        )
    if terms.get("kind", ContractKind.STANDARD) not in ContractKind.values:
        problems.append(f"{terms['kind']!r} is not a kind of contract")
    if problems:
        raise Refused(problems, asked={"reference": reference}, object_type="contracts.contract")
    whole_term = value_over_term(annual_value, start, end, terms.get("extension_months", 0))
    contract = Contract.objects.create(
        reference=reference,
        title=title,
        commissioner=commissioner,
        provider=provider,
        prime=prime,
        sector=sector,
        start=start,
        end=end,
        annual_value=annual_value,
        payment_mechanism=payment_mechanism,
        lifetime_value=lifetime_value if lifetime_value is not None else whole_term,
        original_lifetime_value=original_lifetime_value
        if original_lifetime_value is not None
        else (lifetime_value if lifetime_value is not None else whole_term),
        **terms,
    )
    contract.services.set(services)
    audit.created(contract)
    return contract
