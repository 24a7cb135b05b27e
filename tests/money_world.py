"""A small world for the Money reports: an ICB pays a trust, which subcontracts a company;
a council's public health grant pays a charity and refuses a social care payment; a pooled
fund takes money from the ICB and the council and pays for home care."""

from dataclasses import dataclass
from datetime import date

from openics.core.audit import Refused
from openics.ledger import services as books
from openics.ledger.models import Account, Purpose, RingFence
from tests.ledger_world import ACTOR, START, World, build_world, contract, fund_place, pounds

AS = {"actor": ACTOR, "reason": "test"}


@dataclass
class MoneyWorld:
    world: World
    grant: RingFence
    pool: RingFence


def build_money_world() -> MoneyWorld:
    world = build_world()
    budget = fund_place(world, "£1,000,000.00")
    prime = contract(world, reference="C-1", place=world.dudley, annual_value=pounds("£600,000.00"))
    sub = contract(
        world,
        reference="S-1",
        commissioner=world.trust,
        provider=world.company,
        prime=prime,
        annual_value=pounds("£100,000.00"),
    )
    books.commit(contract=prime, source=budget, amount=pounds("£600,000.00"), on=START, **AS)
    books.pay(contract=prime, amount=pounds("£300,000.00"), on=START, invoice_number="A", **AS)
    books.pay(contract=sub, amount=pounds("£40,000.00"), on=START, invoice_number="S", **AS)
    books.record_operating_cost(
        organisation=world.trust,
        amount=pounds("£270,000.00"),
        on=date(2026, 3, 31),
        description="costs",
        **AS,
    )
    grant = books.create_ring_fence(
        name="Dudley public health grant 2025/26",
        kind="public_health_grant",
        holder=world.council,
        **AS,
    )
    books.receive_grant(
        recipient=world.council,
        amount=pounds("£200,000.00"),
        on=START,
        description="public health grant",
        sector="public_health",
        ring_fence=grant,
        **AS,
    )
    grant_budget = Account.objects.get(ring_fence=grant, purpose=Purpose.BUDGET)
    health = contract(
        world,
        reference="PH-1",
        commissioner=world.council,
        provider=world.charity,
        sector="public_health",
        title="Stop smoking service",
    )
    books.commit(contract=health, source=grant_budget, amount=pounds("£50,000.00"), on=START, **AS)
    books.pay(contract=health, amount=pounds("£50,000.00"), on=START, invoice_number="P", **AS)
    pool = books.create_ring_fence(
        name="Dudley pooled fund 2025/26",
        kind="section_75_pool",
        holder=world.council,
        partners=[world.icb],
        agreed_sectors=["social_care", "community"],
        agreement="Section 75 agreement, 1 April 2025",
        **AS,
    )
    books.contribute_to_pool(
        ring_fence=pool, source=budget, amount=pounds("£100,000.00"), on=START, **AS
    )
    books.receive_grant(
        recipient=world.council,
        funder=world.council,  # its own resources
        amount=pounds("£60,000.00"),
        on=START,
        description="adult social care budget",
        sector="social_care",
        **AS,
    )
    council_care = Account.objects.get(
        organisation=world.council, purpose=Purpose.BUDGET, sector="social_care"
    )
    books.contribute_to_pool(
        ring_fence=pool, source=council_care, amount=pounds("£60,000.00"), on=START, **AS
    )
    pooled = Account.objects.get(ring_fence=pool, purpose=Purpose.POOLED_FUND)
    care = contract(
        world,
        reference="HC-1",
        commissioner=world.council,
        provider=world.company,
        sector="social_care",
        title="Home care",
    )
    books.commit(contract=care, source=pooled, amount=pounds("£90,000.00"), on=START, **AS)
    books.pay(contract=care, amount=pounds("£90,000.00"), on=START, invoice_number="H", **AS)
    try:
        books.pay(
            contract=care,
            amount=pounds("£5,000.00"),
            on=START,
            invoice_number="REFUSED",
            source=grant_budget,
            **AS,
        )
    except Refused:
        pass
    else:  # pragma: no cover - the ring-fence must hold
        raise AssertionError("the public health grant paid for home care")
    return MoneyWorld(world, grant, pool)
