"""A small governance world: an ICB with a board of the ten its regime asks for, a trust
whose chief executive sits on the board, a company with a parent and a subcontractor, and
a collaborative the trust belongs to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from openics.core.audit import Actor
from openics.governance import services as gov
from openics.governance.models import Board, Meeting, Membership, Person
from openics.organisations.models import Organisation, Relationship
from tests.factories import OrganisationFactory

ACTOR = Actor.process("test-governance")
WHO = {"actor": ACTOR, "reason": "test world"}
BOARD_MEMBERS = [
    ("chair", "Chair", "chair"),
    ("ceo", "Chief executive", "chief_executive"),
    ("fd", "Director of finance", "finance_director"),
    ("md", "Medical director", "medical_director"),
    ("nd", "Director of nursing", "nursing_director"),
    ("ned1", "Non-executive member 1", "non_executive"),
    ("ned2", "Non-executive member 2", "non_executive"),
    ("trusts", "Partner member: trusts", "partner_trusts"),
    ("gp", "Partner member: primary medical services", "partner_primary_medical"),
    ("la", "Partner member: local authorities", "partner_local_authority"),
]
MEETING_DAY = date(2026, 3, 10)


@dataclass
class GovernanceWorld:
    icb: Organisation
    trust: Organisation
    company: Organisation
    parent: Organisation
    subcontractor: Organisation
    collaborative: Organisation
    board: Board
    people: dict[str, Person] = field(default_factory=dict)
    members: dict[str, Membership] = field(default_factory=dict)

    def meeting(self, day=MEETING_DAY, absent=()) -> Meeting:
        meeting = gov.schedule_meeting(board=self.board, held_on=day, **WHO)
        gov.record_attendance(
            meeting=meeting,
            present=[m for key, m in self.members.items() if key not in absent],
            **WHO,
        )
        return meeting

    def votes(self, *keys, choice="for") -> dict:
        return {self.members[k]: choice for k in keys}


def build_governance_world() -> GovernanceWorld:
    make = OrganisationFactory
    icb = make(kind="icb", code="QXX", name="NHS Testshire ICB")
    trust = make(kind="foundation_trust", code="RTT", name="Testshire Hospitals NHS FT")
    company = make(
        kind="independent_provider", code="", name="Scan Co Ltd", ownership="independent"
    )
    parent = make(
        kind="independent_provider", code="", name="Scan Holdings plc", ownership="independent"
    )
    subcontractor = make(
        kind="voluntary_provider", code="", name="Helping Hands", ownership="voluntary"
    )
    collaborative = make(kind="provider_collaborative", code="", name="Testshire Collaborative")
    Relationship.objects.create(child=company, parent=parent, kind="owned_by")
    Relationship.objects.create(child=trust, parent=collaborative, kind="member")
    board = gov.establish_board(
        slug="qxx-board",
        name="NHS Testshire ICB board",
        kind="icb_board",
        organisation=icb,
        established_on=date(2022, 7, 1),
        requirements=own_constitution("NHS Testshire ICB constitution (test)"),
        **WHO,
    )
    world = GovernanceWorld(icb, trust, company, parent, subcontractor, collaborative, board)
    for key, title, role in BOARD_MEMBERS:
        person = gov.register_person(
            slug=key,
            name=f"{title} Person",
            mental_health_expertise=role == "medical_director",
            **WHO,
        )
        for day in (date(2025, 3, 1), date(2026, 2, 20)):
            gov.record_fit_and_proper(
                person=person, completed_on=day, assessed_by="the chair", **WHO
            )
        seat = gov.add_seat(board=board, title=title, role=role, **WHO)
        world.people[key] = person
        world.members[key] = gov.appoint(
            seat=seat,
            person=person,
            starts=date(2025, 4, 1),
            term_ends=date(2028, 3, 31),
            appointed_by=icb,
            **WHO,
        )
        gov.make_return(person=person, made_on=date(2026, 4, 1), nil=True, **WHO)
    gov.record_post(
        person=world.people["trusts"],
        organisation=trust,
        title="Chief executive",
        starts=date(2020, 1, 1),
        **WHO,
    )
    return world


def own_constitution(source: str) -> list[dict]:
    """The membership an ICB's constitution asks for beyond the Act, as the 2022 model had it."""
    return [
        {
            "title": "a director of finance",
            "roles": ["finance_director"],
            "at_least": 1,
            "source": source,
        },
        {
            "title": "a medical director",
            "roles": ["medical_director"],
            "at_least": 1,
            "source": source,
        },
        {
            "title": "a director of nursing",
            "roles": ["nursing_director"],
            "at_least": 1,
            "source": source,
        },
        {
            "title": "at least two non-executive members",
            "roles": ["non_executive"],
            "at_least": 2,
            "source": source,
        },
    ]
