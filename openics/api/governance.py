"""Boards, meetings, the register of interests and the record of decisions through the read
API. Amounts are strings of pounds ("45.00"); everything is as things stand today."""

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from openics.api.pagination import MAX_LIMIT, MAX_OFFSET
from openics.governance import selectors

router = Router(tags=["governance"])


# --- schemas --------------------------------------------------------------------------------


class ConstitutionCheckOut(Schema):
    regime_id: str
    regime_title: str
    in_force: bool
    applies: bool
    holds: bool
    breaches: list[str]
    note: str


class BoardOut(Schema):
    slug: str
    name: str
    kind: str
    kind_label: str
    organisation: str
    organisation_code: str
    parent: str | None
    established_on: date
    dissolved_on: date | None
    current_members: int
    regime_in_force: str | None
    constitution_holds: bool | None
    breaches: list[str]
    illustrative: bool
    url: str


class PostOut(Schema):
    title: str
    organisation: str
    organisation_code: str
    starts: date
    ends: date | None


class MemberOut(Schema):
    person: str
    person_key: str
    appointed_by: str | None
    nominated_by: str | None
    starts: date
    term_ends: date
    deputy_chair: bool
    posts_held_elsewhere: list[PostOut]
    last_fit_and_proper: date | None
    illustrative: bool


class SeatOut(Schema):
    title: str
    role: str
    role_label: str
    voting: bool
    member: MemberOut | None = Field(description="Who holds the seat today; null if vacant")


class PastMemberOut(Schema):
    person: str
    person_key: str
    seat: str
    starts: date
    last_day: date
    left_on: date | None = Field(description="The first day off the board, if they left early")
    why: str


class BodyOut(Schema):
    name: str
    code: str


class MeetingSummaryOut(Schema):
    reference: str
    held_on: date
    title: str
    items: int
    decided: int
    not_taken: int


class InterventionOut(Schema):
    reference: str
    kind: str
    title: str
    regime_id: str
    basis: str
    made_on: date
    made_by: str
    addressed_to: str
    subject: str
    blocks: str
    board: str | None
    meeting: str | None
    item: str | None
    window_ends: date | None
    ended_on: date | None
    outcome: str
    in_effect_today: bool
    illustrative: bool


class BoardDetailOut(BoardOut):
    purpose: str
    quorum: dict | None
    pooled_budget: str | None
    bodies: list[BodyOut]
    committees: list[str]
    seats: list[SeatOut]
    past_members: list[PastMemberOut]
    constitution: list[ConstitutionCheckOut]
    meetings: list[MeetingSummaryOut]
    interventions: list[InterventionOut]


class AttendeeOut(Schema):
    person: str
    person_key: str
    seat: str


class RecusalOut(AttendeeOut):
    reasons: list[str]


class VoteOut(AttendeeOut):
    choice: str


class ItemOut(Schema):
    number: str
    title: str
    kind: str
    paper_title: str
    paper_url: str
    selection_decision: str | None
    organisations: list[str]
    status: str
    outcome: str
    resolution: str
    outcome_reasons: list[str]
    recusals: list[RecusalOut]
    votes: list[VoteOut]
    tally: dict[str, int]
    interventions: list[str]


class MeetingOut(Schema):
    reference: str
    board: str
    board_name: str
    held_on: date
    title: str
    public: bool
    location: str
    present: list[AttendeeOut]
    absent: list[AttendeeOut]
    items: list[ItemOut]
    illustrative: bool


class DeclarationOut(Schema):
    person: str
    person_key: str
    current_member: bool
    category: str
    category_label: str
    organisation: str
    organisation_code: str
    nature: str
    related_person: str
    arose_on: date
    declared_on: date
    ends_on: date | None
    declared_late: bool
    illustrative: bool


class GiftOut(Schema):
    received_on: date
    person: str
    person_key: str
    kind: str
    description: str
    giver: str
    giver_code: str
    value: str
    accepted: bool
    declared_on: date | None
    from_supplier: bool
    from_patient: bool
    cash_or_voucher: bool
    senior_approval: bool
    breaches: list[str]
    regime_id: str
    illustrative: bool


class DueOut(Schema):
    person: str
    person_key: str
    what: str
    due_by: date
    overdue: bool


class InterestsOut(Schema):
    on: date
    declarations: list[DeclarationOut]
    gifts: list[GiftOut]
    due: list[DueOut]


class ChainOut(Schema):
    intact: bool
    entries: int = Field(description="Entries checked (up to the first that does not fit)")
    first_bad: int | None
    problem: str


class EntryOut(Schema):
    sequence: int
    entered_at: datetime
    kind: str
    board: str | None
    meeting: str | None
    item: str | None
    corrects: int | None
    corrected_by: list[int]
    body: dict[str, Any]
    previous_hash: str
    hash: str


class RecordOut(Schema):
    chain: ChainOut
    count: int
    offset: int
    entries: list[EntryOut]


class RecordQuery(Schema):
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


# --- shaping --------------------------------------------------------------------------------


def _check(c) -> dict:
    return {
        "regime_id": c.regime_id,
        "regime_title": c.regime_title,
        "in_force": c.in_force,
        "applies": c.applies,
        "holds": c.applies and c.ok,
        "breaches": list(c.breaches),
        "note": c.note,
    }


def _board(board, members: int, check) -> dict:
    return {
        "slug": board.slug,
        "name": board.name,
        "kind": board.kind,
        "kind_label": board.kind_label,
        "organisation": board.organisation.name,
        "organisation_code": board.organisation.public_code,
        "parent": board.parent.slug if board.parent_id else None,
        "established_on": board.established_on,
        "dissolved_on": board.dissolved_on,
        "current_members": members,
        "regime_in_force": check.regime_id if check else None,
        "constitution_holds": None if check is None else not selectors.falls_short(check),
        "breaches": list(check.breaches) if check else [],
        "illustrative": board.illustrative,
        "url": board.get_absolute_url(),
    }


def _who(membership) -> dict:
    return {
        "person": membership.person.name,
        "person_key": membership.person.slug,
        "seat": membership.seat.title,
    }


def _concerns(x) -> dict:
    """The board, meeting and agenda item a power used, or an entry of the record, concerns."""
    return {
        "board": x.board.slug if x.board_id else None,
        "meeting": x.item.meeting.reference if x.item_id else None,
        "item": x.item.number if x.item_id else None,
    }


def _intervention(i, today: date) -> dict:
    return {
        "reference": i.reference,
        "kind": i.kind,
        "title": i.title,
        "regime_id": i.regime_id,
        "basis": i.basis,
        "made_on": i.made_on,
        "made_by": i.made_by.name,
        "addressed_to": i.addressed_to.name,
        "subject": i.subject,
        "blocks": i.blocks,
        **_concerns(i),
        "window_ends": i.window_ends,
        "ended_on": i.ended_on,
        "outcome": i.outcome,
        "in_effect_today": i.in_effect_on(today),
        "illustrative": i.illustrative,
    }


# --- endpoints ------------------------------------------------------------------------------


@router.get(
    "/boards",
    response=list[BoardOut],
    summary="Every board, its members today and its constitution under the law in force",
)
def list_boards(request):
    rows = selectors.board_rows(today=timezone.localdate())
    return [_board(r.board, r.members, r.check) for r in rows]


@router.get(
    "/boards/{slug}",
    response=BoardDetailOut,
    summary="One board: its seats and members, checks under every regime, meetings, powers",
)
def board_detail(request, slug: str):
    today = timezone.localdate()
    found = selectors.board_record(slug, today=today)
    if found is None:
        raise HttpError(404, f"no board has the key {slug}")
    b = found.board
    seats = []
    for s in found.seats:
        m = s.membership
        seats.append(
            {
                "title": s.seat.title,
                "role": s.seat.role,
                "role_label": s.seat.role_label,
                "voting": s.seat.voting,
                "member": None
                if m is None
                else {
                    "person": m.person.name,
                    "person_key": m.person.slug,
                    "appointed_by": m.appointed_by.name if m.appointed_by_id else None,
                    "nominated_by": m.nominated_by.name if m.nominated_by_id else None,
                    "starts": m.starts,
                    "term_ends": m.term_ends,
                    "deputy_chair": m.deputy_chair,
                    "posts_held_elsewhere": [
                        {
                            "title": p.title,
                            "organisation": p.organisation.name,
                            "organisation_code": p.organisation.public_code,
                            "starts": p.starts,
                            "ends": p.ends,
                        }
                        for p in s.posts
                    ],
                    "last_fit_and_proper": s.last_fppt,
                    "illustrative": m.illustrative,
                },
            }
        )
    current = len(found.seats) - found.vacancies
    return _board(b, current, found.check) | {
        "purpose": b.purpose,
        "quorum": b.quorum,
        "pooled_budget": b.pooled_budget.format_plain() if b.pooled_budget else None,
        "bodies": [{"name": o.name, "code": o.public_code} for o in found.bodies],
        "committees": [c.slug for c in found.committees],
        "seats": seats,
        "past_members": [
            {
                "person": m.person.name,
                "person_key": m.person.slug,
                "seat": m.seat.title,
                "starts": m.starts,
                "last_day": m.last_day,
                "left_on": m.left_on,
                "why": m.left_reason if m.left_on else "the term ended",
            }
            for m in found.past
        ],
        "constitution": [_check(c) for c in found.checks],
        "meetings": [
            {
                "reference": m.reference,
                "held_on": m.held_on,
                "title": m.title,
                "items": m.item_count,
                "decided": m.decided,
                "not_taken": m.not_taken,
            }
            for m in found.meetings
        ],
        "interventions": [_intervention(i, today) for i in found.interventions],
    }


@router.get(
    "/meetings/{reference}",
    response=MeetingOut,
    summary="A meeting's minutes: attendance, items, recusals with reasons, votes, outcomes",
)
def meeting_detail(request, reference: str):
    found = selectors.meeting_record(reference)
    if found is None:
        raise HttpError(404, f"no meeting has the reference {reference}")
    m = found.meeting
    return {
        "reference": m.reference,
        "board": m.board.slug,
        "board_name": m.board.name,
        "held_on": m.held_on,
        "title": m.title,
        "public": m.public,
        "location": m.location,
        "present": [_who(a.membership) for a in found.present],
        "absent": [_who(a.membership) for a in found.absent],
        "items": [
            {
                "number": r.item.number,
                "title": r.item.title,
                "kind": r.item.kind,
                "paper_title": r.item.paper_title,
                "paper_url": r.item.paper_url,
                "selection_decision": r.item.decision_reference or None,
                "organisations": [o.name for o in r.organisations],
                "status": r.item.status,
                "outcome": r.item.outcome,
                "resolution": r.item.resolution,
                "outcome_reasons": list(r.item.outcome_reasons),
                "recusals": [_who(x.membership) | {"reasons": list(x.reasons)} for x in r.recusals],
                "votes": [_who(v.membership) | {"choice": v.choice} for v in r.votes],
                "tally": r.tally,
                "interventions": [i.reference for i in r.interventions],
            }
            for r in found.items
        ],
        "illustrative": found.illustrative,
    }


@router.get(
    "/interests",
    response=InterestsOut,
    summary="The register of interests: declarations, gifts and hospitality, what is due",
)
def interests(request):
    today = timezone.localdate()
    register = selectors.interests_register(today=today)
    declarations = [
        {
            "person": e.person.name,
            "person_key": e.person.slug,
            "current_member": e.current,
            "category": d.category,
            "category_label": d.category_label,
            "organisation": d.organisation.name,
            "organisation_code": d.organisation.public_code,
            "nature": d.nature,
            "related_person": d.related_person,
            "arose_on": d.arose_on,
            "declared_on": d.declared_on,
            "ends_on": d.ends_on,
            "declared_late": d.late,
            "illustrative": d.illustrative,
        }
        for e in register.people
        for d in e.declarations
    ]
    gifts = [
        {
            "received_on": g.received_on,
            "person": g.person.name,
            "person_key": g.person.slug,
            "kind": g.kind,
            "description": g.description,
            "giver": g.giver,
            "giver_code": g.source.public_code if g.source_id else "",
            "value": g.value.format_plain(),
            "accepted": g.accepted,
            "declared_on": g.declared_on,
            "from_supplier": g.from_supplier,
            "from_patient": g.from_patient,
            "cash_or_voucher": g.cash_or_voucher,
            "senior_approval": g.senior_approval,
            "breaches": list(g.breaches),
            "regime_id": g.regime_id,
            "illustrative": g.illustrative,
        }
        for g in register.gifts
    ]
    due = [
        {
            "person": e.person.name,
            "person_key": e.person.slug,
            "what": d.what,
            "due_by": d.due_by,
            "overdue": d.overdue,
        }
        for e in register.people
        if e.owed
        for d in e.owed.due
    ]
    return {"on": today, "declarations": declarations, "gifts": gifts, "due": due}


@router.get(
    "/record",
    response=RecordOut,
    summary="The record of decisions, oldest first, with its hashes and whether the chain holds",
)
def record(request, page: Query[RecordQuery]):
    found = selectors.record_page(offset=page.offset, limit=page.limit)
    chain = found.chain
    return {
        "chain": {
            "intact": chain.intact,
            "entries": chain.entries,
            "first_bad": chain.first_bad,
            "problem": chain.problem,
        },
        "count": found.count,
        "offset": page.offset,
        "entries": [
            {
                "sequence": e.sequence,
                "entered_at": e.entered_at,
                "kind": e.kind,
                **_concerns(e),
                "corrects": e.corrects_id,
                "corrected_by": found.corrected_by.get(e.sequence, []),
                "body": e.body,
                "previous_hash": e.previous_hash,
                "hash": e.hash,
            }
            for e in found.entries
        ],
    }
