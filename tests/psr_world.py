"""A small commissioning world for the provider selection tests: an ICB with a place, an
incumbent trust, a rival company, two services, and an existing contract ending in March."""

from dataclasses import dataclass
from datetime import date

from openics.arranging import services as arranging
from openics.contracts import services as contracts
from openics.contracts.models import Contract, Service
from openics.core.audit import Actor
from openics.kernel.money import Money
from openics.organisations.models import Organisation
from tests.factories import OrganisationFactory

ACTOR = Actor.process("test-arranging")

FIVE_CRITERIA = [
    {"criterion": key, "importance": importance, "justification": f"How {key} was weighed."}
    for key, importance in [
        ("quality_innovation", "high"),
        ("value", "high"),
        ("integration_collaboration_sustainability", "medium"),
        ("access_inequalities_choice", "medium"),
        ("social_value", "low"),
    ]
]


@dataclass
class PsrWorld:
    icb: Organisation
    place: Organisation
    trust: Organisation
    company: Organisation
    community: Service
    diagnostics: Service
    existing: Contract


def build_psr_world() -> PsrWorld:
    make = OrganisationFactory
    icb = make(kind="icb", code="QUA", name="NHS Black Country ICB")
    place = make(kind="place", code="", name="Dudley place")
    trust = make(
        code="RNA",
        name="The Dudley Group NHS Foundation Trust",
        kind="foundation_trust",
        postcode="DY1 2HQ",
    )
    company = make(
        kind="independent_provider",
        code="",
        name="Scan Co Ltd",
        ownership="independent",
        company_number="01234567",
    )
    community = contracts.register_service(
        code="SVC-COM",
        name="Community nursing",
        cpv_code="85141000-9",
        sector="community",
        description="District nursing for housebound adults in Dudley",
        commissioner=icb,
        place=place,
        population="Adults registered with Dudley practices",
        actor=ACTOR,
        reason="test set-up",
    )
    diagnostics = contracts.register_service(
        code="SVC-DIA",
        name="Community diagnostics",
        cpv_code="85150000-5",
        sector="acute",
        description="Ultrasound and X-ray in a community setting",
        commissioner=icb,
        place=place,
        actor=ACTOR,
        reason="test set-up",
    )
    existing = Contract.objects.create(
        reference="OLD-COM",
        title="Community nursing 2021-25",
        commissioner=icb,
        provider=trust,
        sector="community",
        place=place,
        start=date(2021, 4, 1),
        end=date(2025, 3, 31),
        annual_value=Money.parse("500000"),
        lifetime_value=Money.parse("2000000"),
        original_lifetime_value=Money.parse("2000000"),
        payment_mechanism="block",
    )
    existing.services.set([community])
    return PsrWorld(icb, place, trust, company, community, diagnostics, existing)


def decide(world: PsrWorld, **overrides):
    """Records a Direct Award C renewing community nursing, with anything overridden."""
    fields = dict(
        reference="DEC-1",
        title="Community nursing 2025-29",
        commissioner=world.icb,
        provider=world.trust,
        services=[world.community],
        process="direct_award_c",
        decided_on=date(2025, 1, 15),
        proposed_start=date(2025, 4, 1),
        proposed_end=date(2029, 3, 31),
        annual_value=Money.parse("520000"),
        payment_mechanism="block",
        reasons="The incumbent is meeting the contract and the service is not changing.",
        decision_makers=["ICB Executive Committee"],
        decision_process="Decided by the ICB Executive Committee on the commissioning paper.",
        situation={"existing_contract_expiring": True, "incumbent_satisfactory": True},
        assessments=FIVE_CRITERIA,
        basic_selection="Registered with the CQC; accounts for 2023/24 reviewed.",
        exclusions={"subcontracting_asked": True},
        existing_contract=world.existing,
    )
    fields.update(overrides)
    return arranging.record_decision(**fields, actor=ACTOR, reason="test decision")
