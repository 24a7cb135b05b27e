"""A register of decisions for the portal tests: an awarded and modified renewal, a direct
award with a late notice, and an illustrative decision in standstill in another place."""

from dataclasses import dataclass
from datetime import date

from openics.arranging import services as arranging
from openics.arranging.models import SelectionDecision
from openics.contracts import services as contracts
from openics.kernel.money import Money
from openics.organisations.models import Organisation
from tests.factories import OrganisationFactory
from tests.psr_world import ACTOR, FIVE_CRITERIA, PsrWorld, build_psr_world, decide

AS = {"actor": ACTOR, "reason": "test"}


@dataclass
class Register:
    world: PsrWorld
    walsall: Organisation
    renewal: SelectionDecision  # DEC-1: Direct Award C, awarded, modified; £2,080,000
    direct: SelectionDecision  # DEC-A: Direct Award A, award notice published late
    standstill: SelectionDecision  # DEC-S: illustrative, in standstill, independent provider


def build_register() -> Register:
    world = build_psr_world()
    walsall = OrganisationFactory(kind="place", code="", name="Walsall place")
    therapy = contracts.register_service(
        code="SVC-MSK",
        name="Community physiotherapy",
        cpv_code="85142100-7",
        sector="community",
        description="Musculoskeletal physiotherapy in Walsall clinics",
        commissioner=world.icb,
        place=walsall,
        illustrative=True,
        **AS,
    )

    renewal = decide(
        world,
        conflicts=[
            {
                "person": "Dr A Smith",
                "interest": "Partner in a practice that refers to the service",
                "handling": "recused",
            }
        ],
    )
    arranging.publish_intention(renewal, published_on=date(2025, 1, 20), **AS)
    contract = arranging.award_contract(renewal, awarded_on=date(2025, 2, 10), **AS)
    arranging.publish_award_notice(renewal, published_on=date(2025, 2, 20), **AS)
    arranging.modify_contract(
        contract,
        reference="MOD-1",
        decided_on=date(2025, 6, 1),
        grounds="authority_decision",
        description="More home visits in the winter",
        value_change=Money.parse("400000"),
        **AS,
    )

    direct = decide(
        world,
        reference="DEC-A",
        title="Community diagnostics 2025-29",
        services=[world.diagnostics],
        process="direct_award_a",
        assessments=[],
        situation={"only_existing_provider_capable": True},
        annual_value=Money.parse("250000"),
    )
    arranging.award_contract(
        direct, awarded_on=date(2025, 1, 20), contract_reference="CON-DIA", **AS
    )
    arranging.publish_award_notice(direct, published_on=date(2025, 3, 1), **AS)  # due 19 Feb

    standstill = decide(
        world,
        reference="DEC-S",
        title="Community physiotherapy 2026-30",
        provider=world.company,
        services=[therapy],
        process="most_suitable_provider",
        existing_contract=None,
        situation={"most_suitable_provider_identifiable": True},
        decided_on=date(2026, 3, 20),
        proposed_start=date(2026, 6, 1),
        proposed_end=date(2030, 5, 31),
        annual_value=Money.parse("1500000"),
        assessments=FIVE_CRITERIA,
        provider_address="1 High Street, Walsall",
        illustrative=True,
    )
    arranging.publish_intention(standstill, published_on=date(2026, 4, 1), **AS)
    for decision in (renewal, direct, standstill):
        decision.refresh_from_db()
    return Register(world, walsall, renewal, direct, standstill)
