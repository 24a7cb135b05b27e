"""A board, its members and its register checked against the rules: for its page, the read
API and `openics check`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from openics.governance import facts, record
from openics.governance.models import Board, Membership, Person
from openics.regimes.model import RuleContext
from openics.regimes.registry import all_regimes, regime_in_force_on
from openics.regimes.rules import governance as rules

# What a board's membership is checked against, where the regime has the rule.
CONSTITUTION_RULES = (
    "governance.composition",
    "governance.fit-and-proper",
    "duties.mental-health-member",
)


@dataclass(frozen=True)
class ConstitutionCheck:
    regime_id: str
    regime_title: str
    in_force: bool
    applies: bool  # False when no board of this kind can exist under the regime
    breaches: tuple[str, ...]
    note: str = ""

    @property
    def ok(self) -> bool:
        return not self.breaches


def constitution(
    board: Board, on: date, *, plain: rules.Board | None = None
) -> list[ConstitutionCheck]:
    """The board's membership on the day, checked under every regime (the law first).

    `plain` is the board as the rules read it, where the caller has read it already (the
    list of every board reads all their members in a handful of queries)."""
    plain = plain if plain is not None else facts.board_of(board, on)
    results = []
    regimes = sorted(all_regimes(), key=lambda r: (not r.in_force(on), r.id))
    for regime in regimes:
        ctx = RuleContext(regime, on)
        why_not = rules.constitution_applies(ctx, board.kind)
        if why_not:
            results.append(
                ConstitutionCheck(
                    regime.id,
                    regime.title,
                    regime.in_force(on),
                    False,
                    (),
                    f"not applicable: {why_not}",
                )
            )
            continue
        breaches = []
        for rule_id in CONSTITUTION_RULES:
            if rule_id in regime.rules:
                result = regime.evaluate(rule_id, on, board=plain)
                breaches += [v.explanation for v in result.violations]
        note = (
            ""
            if ctx.param("governance.composition").get(board.kind)
            else ("no national minimum for this kind of board; its own terms of reference apply")
        )
        results.append(
            ConstitutionCheck(
                regime.id, regime.title, regime.in_force(on), True, tuple(breaches), note
            )
        )
    return results


@dataclass(frozen=True)
class DeclarationsOwed:
    person: Person
    due: tuple[rules.Due, ...]

    @property
    def overdue(self) -> tuple[rules.Due, ...]:
        return tuple(d for d in self.due if d.overdue)


def declarations_owed(on: date) -> list[DeclarationsOwed]:
    """What each current board member owes the register on the day, soonest first."""
    regime = regime_in_force_on(on)
    if regime is None:
        return []
    ctx = RuleContext(regime, on)
    first_day: dict = {}
    for m in Membership.objects.on(on).select_related("person"):
        first_day[m.person] = min(first_day.get(m.person, m.starts), m.starts)
    owed = []
    for person, appointed in sorted(first_day.items(), key=lambda kv: kv[0].name):
        person_facts = facts.declarant_of(person, appointed)
        due = tuple(sorted(rules.declarations_due(ctx, person_facts), key=lambda d: d.due_by))
        if due:
            owed.append(DeclarationsOwed(person, due))
    return owed


def chain() -> record.ChainCheck:
    return record.verify()


@dataclass(frozen=True)
class GiftBeforeVote:
    """A member took part in an item after accepting a gift or hospitality from an
    organisation it affects: the item, the person and what the rule says, with its citation."""

    item: object  # AgendaItem
    person: Person
    regime_id: str
    explanation: str
    citation: str


def gifts_before_votes(on: date, *, items=None) -> list[GiftBeforeVote]:
    """Every vote cast up to the day by a member who had accepted, within the rule's period,
    a gift or hospitality from an organisation the item affects, judged under the regime in
    force on the day of the meeting (where it has the rule)."""
    from openics.governance.models import AgendaItem, Gift, Vote

    rule_id = "governance.gift-before-vote"
    if items is None:
        items = AgendaItem.objects.filter(meeting__held_on__lte=on, votes__isnull=False)
    items = list(
        items.distinct()
        .select_related("meeting", "provider")
        .order_by("meeting__held_on", "number")
    )
    votes = (
        Vote.objects.filter(item__in=items)
        .select_related("membership__person")
        .order_by("item_id", "membership__person__name")
    )
    voters: dict = {}
    for vote in votes:
        voters.setdefault(vote.item_id, []).append(vote.membership)
    people = {m.person_id for members in voters.values() for m in members}
    accepted: dict = {}
    for gift in Gift.objects.filter(person_id__in=people, accepted=True, source__isnull=False):
        accepted.setdefault(gift.person_id, []).append(
            rules.Accepted(
                str(gift.source_id),
                gift.giver,
                gift.kind,
                gift.value.pence,
                gift.received_on,
                gift.description,
            )
        )
    found = []
    for item in items:
        day = item.meeting.held_on
        regime = regime_in_force_on(day)
        if regime is None or rule_id not in regime.rules:
            continue
        members = [m for m in voters.get(item.pk, []) if m.person_id in accepted]
        if not members:
            continue
        affected = facts.affected_by(item)
        for membership in members:
            result = regime.evaluate(
                rule_id,
                day,
                member=facts.member_of(membership, day),
                accepted=tuple(accepted[membership.person_id]),
                affected=affected,
                took_part=True,
            )
            for violation in result.violations:
                found.append(
                    GiftBeforeVote(
                        item,
                        membership.person,
                        regime.id,
                        violation.explanation,
                        str(violation.citation),
                    )
                )
    return found


@dataclass(frozen=True)
class ConflictedVote:
    """A member of the board or committee that took an item voted on it while a post or a
    declared interest in force that day made them conflicted under the law of the day."""

    item: object  # AgendaItem
    person: Person
    board: str  # the board or committee whose meeting decided
    regime_id: str
    explanation: str
    citation: str


def conflicted_votes(on: date, *, items=None) -> list[ConflictedVote]:
    """Every vote cast up to the day, at a meeting of whichever board or committee decided,
    by a member whose posts or declared interests (as recorded now, for the day of the
    meeting) conflict with an organisation the item affects (rule governance.conflicts).
    Recusal is worked out when a vote is taken; this asks again of the record as it stands,
    so an interest declared late, or a post recorded after the meeting, is caught."""
    from openics.governance.models import AgendaItem, Vote

    rule_id = "governance.conflicts"
    if items is None:
        items = AgendaItem.objects.filter(meeting__held_on__lte=on, votes__isnull=False)
    items = list(
        items.distinct()
        .select_related("meeting__board", "provider")
        .order_by("meeting__held_on", "number")
    )
    votes = (
        Vote.objects.filter(item__in=items)
        .select_related("membership__person", "membership__seat", "membership__appointed_by")
        .order_by("item_id", "membership__person__name")
    )
    voters: dict = {}
    for vote in votes:
        voters.setdefault(vote.item_id, []).append(vote.membership)
    found = []
    for item in items:
        day = item.meeting.held_on
        regime = regime_in_force_on(day)
        if regime is None or rule_id not in regime.rules or not voters.get(item.pk):
            continue
        affected = facts.affected_by(item)
        if not affected:
            continue
        for membership in voters[item.pk]:
            # Every post and interest in force on the day, whenever it was declared.
            member = dataclasses.replace(
                facts.member_of(membership, day),
                links=tuple(
                    link for link in facts.links_of(membership.person) if link.active_on(day)
                ),
            )
            result = regime.evaluate(rule_id, day, member=member, affected=affected)
            for violation in result.violations:
                found.append(
                    ConflictedVote(
                        item,
                        membership.person,
                        item.meeting.board.name,
                        regime.id,
                        violation.explanation,
                        str(violation.citation),
                    )
                )
    return found
