"""Named reads of boards, meetings, the register of interests, powers from above and the
record of decisions, for the portal and the read API. Each reads in a fixed number of
queries, however many boards, members, items or entries there are, except where it calls
the checks in `compliance.py`, which read one board or the whole register on their own."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q

from openics.core.audit import Refused
from openics.governance import compliance, facts, record, services
from openics.governance.compliance import ConstitutionCheck, DeclarationsOwed
from openics.governance.models import (
    AgendaItem,
    Attendance,
    Board,
    Declaration,
    Gift,
    Intervention,
    ItemKind,
    ItemStatus,
    Meeting,
    Membership,
    Person,
    Post,
    RecordEntry,
    Recusal,
    Seat,
    Vote,
)
from openics.organisations.models import Organisation
from openics.regimes.vocabulary import BOARD_KIND_LABELS

ILLUSTRATIVE = "Illustrative: synthetic demonstration data, not a real board or real people"
KIND_ORDER = {kind: n for n, kind in enumerate(BOARD_KIND_LABELS)}
LATE_AFTER_DAYS = 28  # Declaration.late: declared more than 28 days after the interest arose


# --- the constitution of many boards at once ---------------------------------------------------


def _current_members_of_every_board(on: date) -> dict:
    """Every member holding a seat on the day, by board, in seat order: five queries."""
    found = (
        Membership.objects.on(on)
        .select_related("person", "seat", "appointed_by")
        .prefetch_related(
            "person__fppt_checks",
            Prefetch("person__posts", queryset=Post.objects.select_related("organisation")),
            Prefetch(
                "person__declarations",
                queryset=Declaration.objects.select_related("organisation"),
            ),
        )
        .order_by("seat__position", "starts")
    )
    by_board: dict = defaultdict(list)
    for m in found:
        by_board[m.seat.board_id].append(m)
    return by_board


def in_force(checked: list[ConstitutionCheck]) -> ConstitutionCheck | None:
    return next((c for c in checked if c.in_force), None)


def falls_short(check: ConstitutionCheck | None) -> bool:
    """The board cannot exist, or lacks members, under the regime in force."""
    return check is not None and (not check.applies or bool(check.breaches))


# --- every board ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    board: Board
    members: int  # holding a seat today
    check: ConstitutionCheck | None  # under the regime in force today

    @property
    def falls_short(self) -> bool:
        return falls_short(self.check)


def _board_order(board: Board):
    return (KIND_ORDER.get(board.kind, len(KIND_ORDER)), board.established_on, board.name)


def board_rows(*, today: date) -> list[BoardRow]:
    """Every board, with its members today and its constitution under the regime in force."""
    boards = sorted(Board.objects.select_related("organisation", "parent"), key=_board_order)
    members = _current_members_of_every_board(today)
    rows = []
    for board in boards:
        held = members.get(board.pk, [])
        plain = facts.board_of(board, today, members=[facts.member_of(m, today) for m in held])
        rows.append(
            BoardRow(board, len(held), in_force(compliance.constitution(board, today, plain=plain)))
        )
    return rows


# --- one board ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeatRow:
    seat: Seat
    membership: Membership | None  # None: vacant today
    posts: list[Post]  # held elsewhere today
    last_fppt: date | None


@dataclass(frozen=True)
class BoardRecord:
    board: Board
    seats: list[SeatRow]
    past: list[Membership]  # left, or term over; most recent first
    upcoming: list[Membership]  # appointed, not yet started
    checks: list[ConstitutionCheck]  # under every regime, the one in force first
    meetings: list[Meeting]  # newest first, with decided, not_taken and item_count
    interventions: list[Intervention]
    committees: list[Board]
    bodies: list[Organisation]
    today: date

    @property
    def check(self) -> ConstitutionCheck | None:
        return in_force(self.checks)

    @property
    def falls_short(self) -> bool:
        return falls_short(self.check)

    @property
    def vacancies(self) -> int:
        return sum(1 for s in self.seats if s.membership is None)

    @property
    def illustrative(self) -> bool:
        return self.board.illustrative or any(
            s.membership.illustrative for s in self.seats if s.membership
        )


def _current_posts(person: Person, on: date) -> list[Post]:
    return [p for p in person.posts.all() if p.starts <= on and (p.ends is None or on <= p.ends)]


def _last_fppt(person: Person, on: date) -> date | None:
    return max(
        (c.completed_on for c in person.fppt_checks.all() if c.completed_on <= on), default=None
    )


def _with_item_counts(meetings):
    return meetings.annotate(
        item_count=Count("items", distinct=True),
        decided=Count("items", filter=Q(items__status=ItemStatus.DECIDED), distinct=True),
        not_taken=Count("items", filter=Q(items__status=ItemStatus.NOT_TAKEN), distinct=True),
    )


def _interventions():
    return Intervention.objects.select_related(
        "made_by", "addressed_to", "board", "item__meeting"
    ).order_by("-made_on", "reference")


def board_record(slug: str, *, today: date) -> BoardRecord | None:
    """The board with this slug, its seats and members, checks and meetings; None if none."""
    board = Board.objects.select_related("organisation", "parent").filter(slug=slug).first()
    if board is None:
        return None
    memberships = list(
        Membership.objects.filter(seat__board=board)
        .select_related("person", "seat", "appointed_by", "nominated_by")
        .prefetch_related(
            "person__fppt_checks",
            Prefetch("person__posts", queryset=Post.objects.select_related("organisation")),
        )
        .order_by("seat__position", "starts")
    )
    holding = {m.seat_id: m for m in memberships if m.holds_on(today)}
    seats = [
        SeatRow(
            seat,
            holding.get(seat.pk),
            _current_posts(holding[seat.pk].person, today) if seat.pk in holding else [],
            _last_fppt(holding[seat.pk].person, today) if seat.pk in holding else None,
        )
        for seat in board.seats.all()
    ]
    return BoardRecord(
        board=board,
        seats=seats,
        past=sorted(
            (m for m in memberships if m.last_day < today),
            key=lambda m: (m.last_day, m.person.name),
            reverse=True,
        ),
        upcoming=[m for m in memberships if m.starts > today],
        checks=compliance.constitution(board, today),
        meetings=list(_with_item_counts(board.meetings.all()).order_by("-held_on")),
        interventions=list(
            _interventions().filter(Q(board=board) | Q(item__meeting__board=board)).distinct()
        ),
        committees=sorted(board.committees.all(), key=_board_order),
        bodies=list(board.bodies.order_by("name")),
        today=today,
    )


# --- one meeting ----------------------------------------------------------------------------


def item_sort_key(number: str):
    """Items in the order people number them: 2 before 10, 3 before 3a."""
    match = re.match(r"(\d+)(.*)", number)
    return (int(match[1]), match[2]) if match else (10**9, number)


@dataclass(frozen=True)
class Pending:
    """For an item not yet taken: what the rules would say if it were taken as things stand."""

    must_step_out: list[tuple[str, list[str]]]  # (member, reasons)
    quorum: list[str]
    blocked: list[Intervention]


@dataclass(frozen=True)
class ItemRecord:
    item: AgendaItem
    recusals: list[Recusal]
    votes: list[Vote]
    organisations: list[Organisation]
    interventions: list[Intervention]
    pending: Pending | None = None

    @property
    def tally(self) -> dict[str, int]:
        counts = {choice: 0 for choice in Vote.Choice.values}
        for v in self.votes:
            counts[v.choice] = counts.get(v.choice, 0) + 1
        return counts


@dataclass(frozen=True)
class MeetingRecord:
    meeting: Meeting
    present: list[Attendance]
    absent: list[Attendance]
    items: list[ItemRecord]

    @property
    def board(self) -> Board:
        return self.meeting.board

    @property
    def illustrative(self) -> bool:
        return self.meeting.illustrative or self.meeting.board.illustrative


def _pending(item: AgendaItem, attended: bool) -> Pending | None:
    if item.status != ItemStatus.OPEN or item.kind == ItemKind.NOTING:
        return None
    try:
        position = services.item_position(item)
    except Refused:  # no regime in force on the day: nothing the rules can say
        return None
    names = {m.key: m.described for m in position["board"].members}
    return Pending(
        must_step_out=sorted(
            ((names[k], reasons) for k, reasons in position["recused"].items()),
            key=lambda pair: pair[0],
        ),
        quorum=list(position["quorum"]) if attended else [],
        blocked=list(position["blocked"]),
    )


def _people_in_items():
    who = ("membership__person", "membership__seat")
    return (
        Prefetch(
            "recusals",
            queryset=Recusal.objects.select_related(*who).order_by("membership__person__name"),
        ),
        Prefetch(
            "votes",
            queryset=Vote.objects.select_related(*who).order_by(
                "membership__seat__position", "membership__person__name"
            ),
        ),
    )


def meeting_record(reference: str) -> MeetingRecord | None:
    """The minutes of the meeting with this reference; None if there is none."""
    meeting = (
        Meeting.objects.select_related("board__organisation").filter(reference=reference).first()
    )
    if meeting is None:
        return None
    attendance = list(
        meeting.attendance.select_related("membership__person", "membership__seat").order_by(
            "membership__seat__position", "membership__person__name"
        )
    )
    items = sorted(
        meeting.items.select_related("provider").prefetch_related(
            *_people_in_items(),
            Prefetch("organisations", queryset=Organisation.objects.order_by("name")),
            Prefetch("interventions", queryset=_interventions()),
        ),
        key=lambda i: item_sort_key(i.number),
    )
    attended = bool(attendance)
    return MeetingRecord(
        meeting=meeting,
        present=[a for a in attendance if a.present],
        absent=[a for a in attendance if not a.present],
        items=[
            ItemRecord(
                item=i,
                recusals=list(i.recusals.all()),
                votes=list(i.votes.all()),
                organisations=list(i.organisations.all()),
                interventions=list(i.interventions.all()),
                pending=_pending(i, attended),
            )
            for i in items
        ],
    )


# --- the register of interests ----------------------------------------------------------------


@dataclass(frozen=True)
class PersonEntry:
    person: Person
    seats: list[Membership]  # held today
    former: list[Membership]  # held before
    declarations: list[Declaration]
    posts: list[Post]
    returns: list  # DeclarationReturn, newest first
    owed: DeclarationsOwed | None

    @property
    def current(self) -> bool:
        return bool(self.seats)


@dataclass(frozen=True)
class InterestsRegister:
    people: list[PersonEntry]  # current members first, then by name
    gifts: list[Gift]  # newest first
    today: date

    @property
    def current(self) -> list[PersonEntry]:
        return [p for p in self.people if p.current]

    @property
    def others(self) -> list[PersonEntry]:
        return [p for p in self.people if not p.current]

    @property
    def overdue(self) -> list[PersonEntry]:
        return [p for p in self.people if p.owed and p.owed.overdue]

    @property
    def illustrative(self) -> bool:
        return any(p.person.illustrative for p in self.people) or any(
            g.illustrative for g in self.gifts
        )


def interests_register(*, today: date, owed: bool = True) -> InterestsRegister:
    """Everyone who holds or has held a seat, or has declared an interest or been offered a
    gift or hospitality; their declarations, posts and returns; what they owe (unless owed
    is False: compliance.declarations_owed reads each member's record again); every gift."""
    people = Person.objects.prefetch_related(
        Prefetch(
            "declarations",
            queryset=Declaration.objects.select_related("organisation").order_by(
                "arose_on", "declared_on"
            ),
        ),
        Prefetch("posts", queryset=Post.objects.select_related("organisation")),
        "returns",
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("seat__board").order_by("starts"),
        ),
    ).annotate(gift_count=Count("gifts"))
    owing = {o.person.pk: o for o in compliance.declarations_owed(today)} if owed else {}
    entries = []
    for p in people:
        memberships = list(p.memberships.all())
        declarations = list(p.declarations.all())
        if not (memberships or declarations or p.gift_count):
            continue  # never a member, nothing declared: not on the register
        entries.append(
            PersonEntry(
                person=p,
                seats=[m for m in memberships if m.holds_on(today)],
                former=[m for m in memberships if m.last_day < today],
                declarations=declarations,
                posts=sorted(p.posts.all(), key=lambda post: post.starts),
                returns=sorted(p.returns.all(), key=lambda r: r.made_on, reverse=True),
                owed=owing.get(p.pk),
            )
        )
    entries.sort(key=lambda e: (not e.current, e.person.name))
    gifts = list(
        Gift.objects.select_related("person", "source").order_by("-received_on", "person__name")
    )
    return InterestsRegister(entries, gifts, today)


# --- the register as open data ----------------------------------------------------------------


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _yes(flag: bool) -> str:
    return "true" if flag else "false"


# (column, what it holds): the CSV header, in order, and its documentation on the page.
INTEREST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("person", "The person's name"),
    ("person_key", "A stable key for the person, the same in every file"),
    ("current_member", "true if they hold a seat on a board on the day of the download"),
    ("category", "financial, non_financial_professional, non_financial_personal or indirect"),
    ("category_label", "The category in words"),
    ("organisation", "The organisation the interest is in"),
    ("organisation_code", "Its ODS or ONS code; empty where it has none"),
    ("nature", "What the interest is"),
    ("related_person", "For an indirect interest: whose interest it is"),
    ("arose_on", "The day the interest arose (YYYY-MM-DD)"),
    ("declared_on", "The day it was declared (YYYY-MM-DD)"),
    ("ends_on", "The day it ended (YYYY-MM-DD); empty while it continues"),
    ("declared_late", f"true if declared more than {LATE_AFTER_DAYS} days after it arose"),
    ("illustrative", "true for made-up demonstration data"),
)

GIFT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("received_on", "The day it was offered (YYYY-MM-DD)"),
    ("person", "Who it was offered to"),
    ("person_key", "A stable key for the person, the same in every file"),
    ("kind", "gift or hospitality"),
    ("description", "What it was"),
    ("giver", "Who offered it"),
    ("giver_code", "The giver's ODS or ONS code; empty where it has none or is not registered"),
    ("value_pounds", "Its value in pounds, with two decimal places and no £ sign (45.00)"),
    ("accepted", "true if accepted, false if declined"),
    ("declared_on", "The day it was declared (YYYY-MM-DD); empty if it was not"),
    ("from_supplier", "true if from a supplier or contractor"),
    ("from_patient", "true if from a patient or their family"),
    ("cash_or_voucher", "true for cash or vouchers"),
    ("senior_approval", "true if a senior officer approved it in advance"),
    ("breaches", "What the rules said was wrong when it was recorded, separated by ' | '"),
    ("regime_id", "The regime whose rules it was checked against"),
    ("illustrative", "true for made-up demonstration data"),
)


def interest_rows(register: InterestsRegister) -> list[list[str]]:
    rows = []
    for entry in register.people:
        for d in entry.declarations:
            org = d.organisation
            rows.append(
                [
                    entry.person.name,
                    entry.person.slug,
                    _yes(entry.current),
                    d.category,
                    d.category_label,
                    org.name,
                    org.public_code,
                    d.nature,
                    d.related_person,
                    _iso(d.arose_on),
                    _iso(d.declared_on),
                    _iso(d.ends_on),
                    _yes(d.late),
                    _yes(d.illustrative),
                ]
            )
    return rows


def gift_rows(gifts: list[Gift]) -> list[list[str]]:
    return [
        [
            _iso(g.received_on),
            g.person.name,
            g.person.slug,
            g.kind,
            g.description,
            g.giver,
            g.source.public_code if g.source_id else "",
            g.value.format_plain(),
            _yes(g.accepted),
            _iso(g.declared_on),
            _yes(g.from_supplier),
            _yes(g.from_patient),
            _yes(g.cash_or_voucher),
            _yes(g.senior_approval),
            " | ".join(g.breaches),
            g.regime_id,
            _yes(g.illustrative),
        ]
        for g in sorted(gifts, key=lambda g: (g.received_on, g.person.name))
    ]


# --- powers from above ----------------------------------------------------------------------


def interventions() -> list[Intervention]:
    return list(_interventions())


# --- the record of decisions -------------------------------------------------------------------


@dataclass(frozen=True)
class RecordPage:
    entries: list[RecordEntry]
    chain: record.ChainCheck
    corrected_by: dict[int, list[int]] = field(default_factory=dict)
    count: int = 0  # entries in the whole record

    @property
    def illustrative(self) -> bool:
        return any(e.board is not None and e.board.illustrative for e in self.entries)


def record_page(*, offset: int = 0, limit: int | None = None) -> RecordPage:
    """Entries in the order they were made (a slice of them if asked), what corrects each,
    and whether the chain is intact from the first entry to the last."""
    entries = RecordEntry.objects.select_related("board", "item__meeting").order_by("sequence")
    if limit is not None:
        entries = entries[offset : offset + limit]
    elif offset:
        entries = entries[offset:]
    entries = list(entries)
    corrected_by: dict[int, list[int]] = defaultdict(list)
    shown = {e.sequence for e in entries}
    corrections = RecordEntry.objects.filter(corrects__in=sorted(shown)).order_by("sequence")
    for seq, corrects in corrections.values_list("sequence", "corrects"):
        corrected_by[corrects].append(seq)
    count = RecordEntry.objects.count() if limit is not None or offset else len(entries)
    return RecordPage(entries, compliance.chain(), dict(corrected_by), count)
