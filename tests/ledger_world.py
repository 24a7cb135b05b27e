"""A small system for the books tests: NHS England, DHSC, an ICB with two places, a
council with a public health grant, two trusts, a charity and a company subcontractor."""

from dataclasses import dataclass
from datetime import date

from openics.core.audit import Actor
from openics.kernel.money import Money
from openics.ledger import services as books
from openics.ledger.models import Account, Purpose
from openics.organisations.models import Organisation, Relationship
from tests.factories import ContractFactory, OrganisationFactory

ACTOR = Actor.process("test-books")
START = date(2025, 4, 1)


@dataclass
class World:
    nhse: Organisation
    dhsc: Organisation
    icb: Organisation
    dudley: Organisation
    walsall: Organisation
    council: Organisation
    trust: Organisation
    other_trust: Organisation
    charity: Organisation
    company: Organisation


def build_world() -> World:
    make = OrganisationFactory
    icb = make(kind="icb", code="QUA", name="NHS Black Country ICB")
    dudley = make(kind="place", code="", name="Dudley place")
    walsall = make(kind="place", code="", name="Walsall place")
    for place in (dudley, walsall):
        Relationship.objects.create(child=place, parent=icb, kind="within", active_from=START)
    return World(
        nhse=make(kind="nhs_england", code="X24", name="NHS England"),
        dhsc=make(kind="dhsc", code="", name="Department of Health and Social Care"),
        icb=icb,
        dudley=dudley,
        walsall=walsall,
        council=make(
            kind="local_authority",
            code="",
            ons_code="E08000027",
            name="Dudley",
            ownership="local_authority",
        ),
        trust=make(
            code="RNA", name="The Dudley Group NHS Foundation Trust", kind="foundation_trust"
        ),
        other_trust=make(code="RBK", name="Walsall Healthcare NHS Trust"),
        charity=make(
            kind="voluntary_provider",
            code="",
            name="Dudley Wellbeing Charity",
            ownership="voluntary",
            charity_number="1234567",
        ),
        company=make(
            kind="independent_provider",
            code="",
            name="Scan Co Ltd",
            ownership="independent",
            company_number="01234567",
        ),
    )


def pounds(text: str) -> Money:
    return Money.parse(text)


def fund_place(world: World, amount: str = "£1,000,000.00", place=None) -> Account:
    """NHS England → ICB allocation → a place budget (acute), by hand."""
    books.receive_allocation(
        icb=world.icb,
        amount=pounds(amount),
        on=START,
        description="allocation",
        actor=ACTOR,
        reason="test",
    )
    audit_kwargs = {"actor": ACTOR, "reason": "test"}
    allocation = Account.objects.get(organisation=world.icb, purpose=Purpose.ALLOCATION)
    budget = _budget(world, place or world.dudley)
    books.transfer_budget(
        source=allocation,
        target=budget,
        amount=pounds(amount),
        on=START,
        description="to place",
        **audit_kwargs,
    )
    budget.refresh_from_db()
    return budget


@books.service("test.open_budget")
def _open_budget(*, world, place, audit):
    return books.account_for(world.icb, Purpose.BUDGET, place=place, sector="acute", audit=audit)


def _budget(world, place):
    return _open_budget(world=world, place=place, actor=ACTOR, reason="test")


def contract(world: World, **fields):
    fields.setdefault("commissioner", world.icb)
    fields.setdefault("provider", world.trust)
    return ContractFactory(**fields)
