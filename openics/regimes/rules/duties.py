"""Duties an ICB carries in each decision and in its board: regard to the integrated care
strategy and to the triple aim, a member with mental-health experience, notifying
reconfigurations, and the limits on the Secretary of State's directions. Pure functions.

"Have regard" duties cannot be proved from the outcome of a decision, only from its
record: so these rules ask that a decision record how regard was had, and flag one that
does not. The regime's YAML says which documents and aims count and where each duty is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from openics.regimes.model import RuleContext
from openics.regimes.rules.governance import Board


@dataclass(frozen=True)
class Regard:
    """How a decision had regard to one document or aim, in the decision's own words."""

    to: str  # a document key (integrated_care_strategy, ...) or an aim key (quality, ...)
    how: str

    meanings: ClassVar[dict[str, str]] = {
        "to": (
            "what regard was had to: integrated_care_strategy, "
            "joint_local_health_and_wellbeing_strategy, joint_strategic_needs_assessment, "
            "or an aim: health_and_wellbeing, quality, sustainability"
        ),
        "how": "how the decision took it into account",
    }


@dataclass(frozen=True)
class DecisionRegard:
    """What a decision's record says about the matters it had to have regard to."""

    title: str
    body_kind: str = "icb"
    decided_on: date | None = None
    regard: tuple[Regard, ...] = ()

    meanings: ClassVar[dict[str, str]] = {
        "title": "the decision's title",
        "body_kind": "the kind of body deciding: icb, nhs_trust or foundation_trust",
        "decided_on": "the day it was decided",
        "regard": "each matter it had regard to, and how",
    }

    def how(self, key: str) -> str:
        return " ".join(r.how.strip() for r in self.regard if r.to == key and r.how.strip())


def strategy_regard(ctx: RuleContext, *, decision: DecisionRegard) -> Iterator[str]:
    """An ICB's decision records how it had regard to the integrated care strategy."""
    spec = (ctx.param("duties.regard") or {}).get("strategy")
    if not spec or decision.body_kind not in spec["body_kinds"]:
        return
    if not decision.how("integrated_care_strategy"):
        yield (
            f"'{decision.title}' does not record how it had regard to the integrated care "
            f"strategy for the area, as an ICB must in exercising any function "
            f"({spec['basis']})"
        )


def triple_aim(ctx: RuleContext, *, decision: DecisionRegard) -> Iterator[str]:
    """A decision records how it had regard to each part of the triple aim."""
    spec = (ctx.param("duties.regard") or {}).get("triple_aim")
    if not spec:
        return
    where = spec["basis_by_kind"].get(decision.body_kind)
    if where is None:
        return
    mark = where.get("confidence", "C")
    basis = where["basis"] + ("" if mark == "C" else f" [{mark}]")
    for key, aim in spec["aims"].items():
        if not decision.how(key):
            yield (
                f"'{decision.title}' does not record how it had regard to its likely effect on "
                f"{aim} ({basis})"
            )


def mental_health_member(ctx: RuleContext, *, board: Board) -> Iterator[str]:
    """At least one ordinary member has knowledge and experience of mental-health services."""
    spec = ctx.param("duties.mental_health_member")
    if not spec or board.kind not in spec["board_kinds"]:
        return
    ordinary = [m for m in board.members if m.role in spec["ordinary_roles"]]
    if not any(m.mental_health_expertise for m in ordinary):
        yield (
            f"{board.name} has no ordinary member recorded as having knowledge and experience "
            f"of services for the prevention, diagnosis and treatment of mental illness; the "
            f"chair approves members with a view to ensuring at least one ({spec['basis']})"
        )


@dataclass(frozen=True)
class Reconfiguration:
    """A proposal to reconfigure services, as the notification duty sees it."""

    title: str
    proposed_on: date
    needs_council_consultation: bool  # a substantial development or variation (reg 23)
    consultation_began_on: date | None = None
    notified_on: date | None = None

    meanings: ClassVar[dict[str, str]] = {
        "title": "the proposal",
        "proposed_on": "the day the proposal was made",
        "needs_council_consultation": (
            "it would require the local authority to be consulted under reg 23 of the 2013 "
            "health scrutiny regulations (a substantial development or variation)"
        ),
        "consultation_began_on": "the day that consultation began, if it has",
        "notified_on": "the day the Secretary of State was notified, if they have been",
    }


def reconfiguration_notice(ctx: RuleContext, *, proposal: Reconfiguration) -> Iterator[str]:
    """A notifiable reconfiguration is notified to the Secretary of State."""
    spec = ctx.at(proposal.proposed_on).param("duties.reconfiguration_notice")
    if not spec or not proposal.needs_council_consultation:
        return
    starts = date.fromisoformat(str(spec["from"]))
    if proposal.consultation_began_on is not None and proposal.consultation_began_on < starts:
        return  # consultation began before the duty: not notifiable
    if proposal.notified_on is None:
        yield (
            f"'{proposal.title}' would need the local authority to be consulted, so it is a "
            f"notifiable reconfiguration and the Secretary of State must be notified "
            f"({spec['basis']})"
        )


@dataclass(frozen=True)
class Direction:
    """A direction the Secretary of State gives (or proposes to give) NHS England."""

    made_on: date
    subject: str = "other"  # appointments_or_employment, individual_patient, drug_or_treatment
    consistent_with_nice: bool = False
    states_public_interest: bool = False
    published: bool = False

    meanings: ClassVar[dict[str, str]] = {
        "made_on": "the day it was given",
        "subject": (
            "what it is about: appointments_or_employment, individual_patient, "
            "drug_or_treatment or other"
        ),
        "consistent_with_nice": "a direction on a drug or treatment is consistent with NICE",
        "states_public_interest": "it states that it is given in the public interest",
        "published": "it has been published",
    }


def direction_limits(ctx: RuleContext, *, direction: Direction) -> Iterator[str]:
    """A direction to NHS England keeps to the subjects and form the Act allows."""
    spec = ctx.at(direction.made_on).param("duties.direction_limits")
    if not spec:
        return
    forbidden = spec["forbidden_subjects"]
    if direction.subject in forbidden:
        yield (f"no direction may be given about {forbidden[direction.subject]} ({spec['basis']})")
    if direction.subject == spec["nice_subject"] and not direction.consistent_with_nice:
        yield (
            "a direction about a drug, treatment or other intervention must be consistent "
            f"with NICE's recommendations ({spec['basis']})"
        )
    if not direction.states_public_interest:
        yield (
            "the direction must state that it is given in the public interest "
            f"({spec['form_basis']})"
        )
    if not direction.published:
        yield f"the direction must be published ({spec['form_basis']})"
