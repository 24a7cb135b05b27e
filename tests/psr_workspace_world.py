"""The provider selection world (tests/psr_world.py) with what the workspace adds: the ICB's
board, on which one member has declared an interest in the incumbent trust, so choosing
them as a decision-maker shows the conflict before the decision is saved."""

from dataclasses import dataclass
from datetime import date

from openics.governance import services as gov
from openics.governance.models import Person
from tests.governance_world import own_constitution
from tests.psr_world import ACTOR, PsrWorld, build_psr_world

WHO = {"actor": ACTOR, "reason": "test world"}


@dataclass
class WorkspacePsrWorld:
    psr: PsrWorld
    chair: Person
    conflicted: Person


def build_workspace_psr_world() -> WorkspacePsrWorld:
    psr = build_psr_world()
    board = gov.establish_board(
        slug="qua-board",
        name="NHS Black Country ICB board",
        kind="icb_board",
        organisation=psr.icb,
        established_on=date(2022, 7, 1),
        requirements=own_constitution("test constitution"),
        **WHO,
    )
    people = {}
    for slug, name, title, role in (
        ("chair", "Chair Person", "Chair", "chair"),
        ("dr-conflicted", "Dr Conflicted Person", "Medical director", "medical_director"),
    ):
        person = gov.register_person(slug=slug, name=name, **WHO)
        gov.record_fit_and_proper(
            person=person, completed_on=date(2024, 3, 1), assessed_by="the chair", **WHO
        )
        seat = gov.add_seat(board=board, title=title, role=role, **WHO)
        gov.appoint(
            seat=seat,
            person=person,
            starts=date(2024, 4, 1),
            term_ends=date(2028, 3, 31),
            appointed_by=psr.icb,
            **WHO,
        )
        people[slug] = person
    gov.declare_interest(
        person=people["dr-conflicted"],
        organisation=psr.trust,
        category="financial",
        nature="Shares in the trust's pathology subsidiary",
        arose_on=date(2024, 6, 1),
        declared_on=date(2024, 6, 10),
        **WHO,
    )
    return WorkspacePsrWorld(psr, people["chair"], people["dr-conflicted"])
