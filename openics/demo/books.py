"""The demonstration books of NHS Black Country ICB for 2025/26.

The ICB's allocation and its place budgets are real (NHS England's published 2024/25
recurrent allocations for QUA, shared between the places by the approved place run);
the Dudley practices' contracts use their real 2022-23 total NHS payments. The other
contracts, their values (set as shares of each place budget), the activity, the
subcontracts, the public health grant and the pooled fund (with the ICB's and the council's
contributions) are illustrative, and say so in their titles.
"""

from __future__ import annotations

import contextlib
import csv
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from openics.contracts import services as contracts
from openics.contracts.models import Contract
from openics.core.audit import Actor, Auditor, Refused, service
from openics.kernel.money import Money
from openics.ledger import services as books
from openics.ledger.models import Account, Purpose, Transaction
from openics.organisations.models import Organisation, Relationship
from openics.regimes.vocabulary import PaymentMechanism, Sector

YEAR_START = date(2025, 4, 1)
YEAR_END = date(2026, 3, 31)
ILLUSTRATIVE = "(illustrative)"

# Each place's acute trust, and the share of the place budget each kind of contract takes.
PLACE_TRUSTS = {"Dudley": "RNA", "Sandwell": "RXK", "Walsall": "RBK", "Wolverhampton": "RL4"}
SHARES = {"acute": Decimal("0.62"), "mental_health": Decimal("0.15"), "community": Decimal("0.13")}
# The bodies the books need besides the registry's, and the subcontracts (synthetic).
BOOKS = Path(__file__).parent / "data" / "books.json"


def _month_ends() -> list[date]:
    ends = []
    for i in range(12):
        year, month = (2025, 4 + i) if i < 9 else (2026, i - 8)
        following = date(year + (month == 12), month % 12 + 1, 1)
        ends.append(following - timedelta(days=1))
    return ends


def _share(amount: Money, fraction: Decimal) -> Money:
    return Money.from_decimal_rounded(amount.to_decimal() * fraction)


@service("demo.establish_providers")
def _establish_providers(*, audit: Auditor) -> dict[str, Organisation]:
    """The bodies the books need besides the registry's (data/books.json): each one
    found by its kind and name (or code) when it is already there, established otherwise."""
    from openics.organisations.lifecycle import establish

    found = {}
    for fields in json.loads(BOOKS.read_text(encoding="utf-8"))["providers"]:
        key = fields.pop("key")
        active_from = date.fromisoformat(fields.pop("active_from"))
        existing = Organisation.objects.filter(kind=fields["kind"], name=fields["name"]).first()
        if existing is None and fields["code"]:
            existing = Organisation.objects.filter(kind=fields["kind"], code=fields["code"]).first()
        found[key] = existing or establish.__wrapped__(
            active_from=active_from, audit=audit, **fields
        )
    return found


def _contract(*, actor, reason, **fields) -> Contract:
    """A one-year contract, entered through the contracts service once (later runs find it)."""
    existing = Contract.objects.filter(reference=fields["reference"]).first()
    if existing:
        return existing
    return contracts.enter_contract(
        start=YEAR_START, end=YEAR_END, **fields, actor=actor, reason=reason
    )


def _block_contract(source: Account, annual: Money, who, **fields) -> None:
    """A one-year block contract paid in twelve equal months, committed in full from `source`."""
    contract = _contract(
        annual_value=annual,
        payment_mechanism=PaymentMechanism.BLOCK,
        fixed_monthly=Money(annual.pence // 12),
        **fields,
        **who,
    )
    books.commit(contract=contract, source=source, amount=annual, on=YEAR_START, **who)


def _practice_payments(path: Path) -> dict[str, Money]:
    values = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            total = row["Total NHS Payments to General Practice"].strip()
            if total:
                values[row["Practice Code"].strip()] = Money.from_decimal_rounded(Decimal(total))
    return values


def load_books(actor: Actor, reason: str, data_dir: Path) -> None:
    from openics.allocation.models import AllocationLine, PlaceAllocationRun, PublishedAllocation

    if Transaction.objects.exists():
        return
    icb = Organisation.objects.get(kind="icb", code="QUA")
    run = PlaceAllocationRun.objects.filter(icb=icb, status="approved").first()
    if run is None:
        return
    who = {"actor": actor, "reason": reason}
    with transaction.atomic():
        orgs = _establish_providers(**who)
        pmc = PublishedAllocation.objects.get(
            icb=icb, financial_year="2024/25", line=AllocationLine.PRIMARY_MEDICAL_CARE
        )
        pmc_amount = Money.from_pounds(pmc.recurrent_k * 1000)
        for amount, source, description in (
            (
                run.budget,
                run,
                "Core services allocation for 2025/26 (NHS England's published 2024/25 "
                "recurrent core allocation, the latest in the data)",
            ),
            (pmc_amount, pmc, "Primary medical care allocation (published 2024/25 recurrent)"),
        ):
            books.receive_allocation(
                icb=icb, amount=amount, on=YEAR_START, source=source, description=description, **who
            )
        books.delegate_to_places(run=run, on=YEAR_START, **who)
        places = {
            p.name.removesuffix(" place"): p
            for p in Organisation.objects.filter(
                kind="place", parent_links__parent=icb, active_to__isnull=True
            )
        }
        _place_contracts(icb, places, orgs, who)
        _primary_care(icb, places, pmc_amount, data_dir, who)
        _public_health_and_pool(icb, places["Dudley"], orgs, who)
        _pay_the_year(who)
        _pfi_charges(who)
        _provider_costs(who)
        _demonstrate_a_refusal(who)


def _place_budget(icb, place) -> Account:
    return Account.objects.get(organisation=icb, purpose=Purpose.BUDGET, place=place)


def _place_contracts(icb, places, orgs, who):
    trusts = {
        code: Organisation.objects.get(code=code, kind__in=["nhs_trust", "foundation_trust"])
        for code in PLACE_TRUSTS.values()
    }
    for name, place in sorted(places.items()):
        budget = _place_budget(icb, place)
        amount = Money(budget.balance_pence)
        trust = trusts[PLACE_TRUSTS[name]]
        plan = [
            ("acute", trust, f"Acute hospital services for {name} {ILLUSTRATIVE}", "acute"),
            (
                "mental_health",
                orgs["TAJ"],
                f"Mental health services for {name} {ILLUSTRATIVE}",
                "mental_health",
            ),
            ("community", trust, f"Community services for {name} {ILLUSTRATIVE}", "community"),
        ]
        for key, provider, title, sector in plan:
            annual = _share(amount, SHARES[key])
            monthly = _share(annual, Decimal("0.9") / 12)
            contract = _contract(
                reference=f"QUA-{name[:3].upper()}-{key[:3].upper()}-2526",
                title=title,
                commissioner=icb,
                provider=provider,
                sector=sector,
                place=place,
                annual_value=annual,
                payment_mechanism=PaymentMechanism.BLENDED,
                fixed_monthly=monthly,
                unit_price=Money.parse("£4,000.00")
                if sector == "acute"
                else Money.parse("£500.00"),
                activity_unit="spell" if sector == "acute" else "contact",
                **who,
            )
            books.commit(contract=contract, source=budget, amount=annual, on=YEAR_START, **who)
    for sub in json.loads(BOOKS.read_text(encoding="utf-8"))["subcontracts"]:
        prime = Contract.objects.get(reference=sub["prime"])
        share = Decimal(sub["share"])
        _contract(
            reference=sub["reference"],
            title=sub["title"],
            commissioner=prime.provider,
            provider=orgs[sub["provider"]],
            prime=prime,
            sector=sub["sector"],
            place=prime.place,
            annual_value=_share(prime.annual_value, share),
            payment_mechanism=PaymentMechanism.BLOCK,
            fixed_monthly=_share(prime.annual_value, share / 12),
            **who,
        )


def _primary_care(icb, places, pmc_amount, data_dir, who):
    allocation = Account.objects.get(organisation=icb, purpose=Purpose.ALLOCATION)
    budget = _open_programme(icb, **who)
    books.transfer_budget(
        source=allocation,
        target=budget,
        amount=pmc_amount,
        on=YEAR_START,
        description="Primary medical care programme budget",
        **who,
    )
    payments = _practice_payments(
        data_dir / "nhsd-payments-to-general-practice" / "22-23-black-country.csv"
    )
    in_place = {
        link.child: link.parent
        for link in Relationship.objects.filter(
            kind="in_place", parent__in=places.values(), active_to__isnull=True
        ).select_related("child", "parent")
    }
    for practice in sorted(in_place, key=lambda p: p.code):
        value = payments.get(practice.code)
        if not value:
            continue
        _block_contract(
            budget,
            value,
            who,
            reference=f"PMS-{practice.code}-2526",
            title="Primary medical services (value: the practice's 2022-23 total NHS payments)",
            commissioner=icb,
            provider=practice,
            sector=Sector.PRIMARY,
            place=in_place[practice],
        )


@service("demo.open_programme")
def _open_programme(icb, *, audit):
    return books.account_for(icb, Purpose.BUDGET, sector=Sector.PRIMARY, audit=audit)


def _public_health_and_pool(icb, dudley, orgs, who):
    council = Organisation.objects.filter(kind="local_authority", name="Dudley").first()
    if council is None:
        return
    rna = Organisation.objects.get(code="RNA", kind__in=["nhs_trust", "foundation_trust"])
    fence = books.create_ring_fence(
        name="Dudley public health grant 2025/26", kind="public_health_grant", holder=council, **who
    )
    books.receive_grant(
        recipient=council,
        amount=Money.parse("£25,000,000.00"),
        on=YEAR_START,
        description=f"Public health grant 2025/26 {ILLUSTRATIVE} amount",
        sector="public_health",
        ring_fence=fence,
        **who,
    )
    grant = Account.objects.get(ring_fence=fence, purpose=Purpose.BUDGET)
    for reference, title, provider, value in (
        ("DMBC-SH-2526", f"Sexual health service {ILLUSTRATIVE}", rna, "£3,600,000.00"),
        (
            "DMBC-DA-2526",
            f"Drug and alcohol service {ILLUSTRATIVE}",
            orgs["voluntary"],
            "£4,800,000.00",
        ),
    ):
        _block_contract(
            grant,
            Money.parse(value),
            who,
            reference=reference,
            title=title,
            commissioner=council,
            provider=provider,
            sector=Sector.PUBLIC_HEALTH,
        )
    pool = books.create_ring_fence(
        name="Dudley Better Care Fund pooled budget 2025/26",
        kind="section_75_pool",
        holder=council,
        partners=[icb],
        agreed_sectors=["social_care", "community"],
        agreement=f"Section 75 agreement between NHS Black Country ICB and Dudley {ILLUSTRATIVE}",
        **who,
    )
    books.contribute_to_pool(
        ring_fence=pool,
        source=_place_budget(icb, dudley),
        amount=Money.parse("£30,000,000.00"),
        on=YEAR_START,
        **who,
    )
    # The council's part of the pool, from its adult social care budget, which it funds from
    # its own resources (council tax and business rates).
    books.receive_grant(
        recipient=council,
        funder=council,
        amount=Money.parse("£8,000,000.00"),
        on=YEAR_START,
        description=(
            f"Dudley adult social care budget 2025/26, from its own resources {ILLUSTRATIVE}"
        ),
        sector=Sector.SOCIAL_CARE,
        **who,
    )
    books.contribute_to_pool(
        ring_fence=pool,
        source=Account.objects.get(
            organisation=council,
            purpose=Purpose.BUDGET,
            sector=Sector.SOCIAL_CARE,
            ring_fence__isnull=True,
        ),
        amount=Money.parse("£8,000,000.00"),
        on=YEAR_START,
        **who,
    )
    pooled = Account.objects.get(ring_fence=pool, purpose=Purpose.POOLED_FUND)
    _block_contract(
        pooled,
        Money.parse("£24,000,000.00"),
        who,
        reference="DMBC-REA-2526",
        title=f"Reablement and home care {ILLUSTRATIVE}",
        commissioner=council,
        provider=orgs["homecare"],
        sector=Sector.SOCIAL_CARE,
        place=dudley,
    )


def _pay_the_year(who):
    months = _month_ends()
    contracts = list(Contract.objects.filter(start=YEAR_START).order_by("prime_id", "reference"))
    primes = [c for c in contracts if not c.prime_id]
    subs = [c for c in contracts if c.prime_id]
    for index, contract in enumerate(primes):
        variable_each_month = contract.annual_value.pence - contract.fixed_monthly.pence * 12
        for m, month_end in enumerate(months):
            units = 0
            if contract.unit_price.pence:
                wobble = 95 + (m * 7 + index * 3) % 5  # 95–99% of the planned activity
                units = variable_each_month * wobble // 100 // 12 // contract.unit_price.pence
            books.pay_month(contract=contract, month_end=month_end, activity_units=units, **who)
    subs.sort(key=lambda c: (c.depth, c.reference))  # a prime is paid before it passes money on
    for month_end in months:
        for contract in subs:
            books.pay_month(contract=contract, month_end=month_end, activity_units=0, **who)


def _pfi_charges(who):
    """The trusts' PFI unitary charges for the year, paid to their partners (illustrative)."""
    from openics.demo.capital import load_pfi

    load_pfi(who["actor"], f"{who['reason']}: PFI schemes and their unitary charges")


def _provider_costs(who):
    """NHS providers' own spending, so their surplus or deficit means something (illustrative)."""
    for account in (
        Account.objects.filter(
            purpose=Purpose.CASH, organisation__kind__in=["nhs_trust", "foundation_trust"]
        )
        .select_related("organisation")
        .order_by("key")
    ):
        factor = Decimal("1.004") if account.organisation.code == "RL4" else Decimal("0.998")
        books.record_operating_cost(
            organisation=account.organisation,
            amount=_share(Money(account.balance_pence), factor),
            on=YEAR_END,
            description=f"Pay and non-pay costs for 2025/26 {ILLUSTRATIVE}",
            **who,
        )


def _demonstrate_a_refusal(who):
    """The council tries to pay for home care from the public health grant: refused."""
    grant = Account.objects.filter(
        ring_fence__kind="public_health_grant", purpose=Purpose.BUDGET
    ).first()
    homecare = Contract.objects.filter(reference="DMBC-REA-2526").first()
    if grant is None or homecare is None:
        return
    with contextlib.suppress(Refused):
        books.pay(
            contract=homecare,
            amount=Money.parse("£120,000.00"),
            on=date(2025, 11, 14),
            invoice_number="DEMO-REFUSED",
            source=grant,
            actor=who["actor"],
            reason="demonstration: an attempt to pay for home care from the public health grant",
        )
