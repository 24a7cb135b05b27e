"""The only code that writes boards, members, interests, meetings, votes and interventions.

Every function is an audited @service that asks the regime in force on the day before
writing. Recusal is never a choice made by the caller: when an item is decided, the
rules compare each member's posts and declared interests with the organisations the item
affects, and anyone conflicted is recorded as stepping out, with the reason. Decisions,
items that could not be taken and powers used from above go onto the hash-chained record.
"""

from __future__ import annotations

from datetime import date

from openics.core.audit import Refused, service, snapshot
from openics.core.changes import change
from openics.governance import facts, record
from openics.governance.models import (
    AgendaItem,
    Attendance,
    Board,
    Declaration,
    DeclarationReturn,
    FitAndProperCheck,
    Gift,
    Intervention,
    ItemKind,
    Meeting,
    Membership,
    Person,
    Post,
    RecordEntry,
    Recusal,
    Seat,
    Vote,
)
from openics.kernel.money import Money
from openics.organisations.models import Organisation
from openics.organisations.selectors import OrganisationNotFound, organisation_by_code
from openics.regimes.model import RuleContext
from openics.regimes.registry import get_regime, regime_in_force_on
from openics.regimes.rules import governance as rules
from openics.regimes.vocabulary import BOARD_HOST_KIND, BOARD_KIND_LABELS, BOARD_ROLE_LABELS

RESERVED_SLUGS = ("interests", "record", "powers", "meetings", "interests.csv", "gifts.csv")
CATEGORIES = ("financial", "non_financial_professional", "non_financial_personal", "indirect")


def _regime(on: date, regime_id: str | None = None):
    regime = get_regime(regime_id) if regime_id else regime_in_force_on(on)
    if regime is None:
        raise Refused(f"no regime was in force on {on}")
    return regime


def _ctx(on: date, regime_id: str | None = None) -> RuleContext:
    return RuleContext(_regime(on, regime_id), on)


def _organisation(code_or_org, what: str) -> Organisation:
    """An organisation from the registry, by object or by code; refused if unknown."""
    if isinstance(code_or_org, Organisation):
        return code_or_org
    code = str(code_or_org or "").strip()
    try:
        return organisation_by_code(code)
    except OrganisationNotFound as exc:
        problem = "is not in the registry" if not exc.found else "matches more than one body"
        raise Refused(
            f"{what}: {code!r} {problem}; register the organisation first, or give its ODS code",
            asked={"organisation": code},
        ) from None


# -- boards and members ----------------------------------------------------------------------
def _requirements(requirements: list[dict] | None) -> list[dict] | None:
    """A board's own constitution, each requirement checked for the fields the rules read."""
    if requirements is None:
        return None
    problems = []
    for n, need in enumerate(requirements, start=1):
        if not isinstance(need, dict) or not str(need.get("title", "")).strip():
            problems.append(f"requirement {n} of the constitution has no title")
            continue
        at_least = need.get("at_least")
        if isinstance(at_least, bool) or not isinstance(at_least, int) or at_least < 1:
            problems.append(f"requirement {n} ({need['title']}): at_least must be a whole number")
        unknown = [r for r in need.get("roles", []) if r not in BOARD_ROLE_LABELS]
        if unknown:
            problems.append(f"requirement {n} ({need['title']}): no role {', '.join(unknown)}")
    if problems:
        raise Refused(problems)
    return [dict(need) for need in requirements]


@service("governance.establish_board")
def establish_board(
    *,
    slug: str,
    name: str,
    kind: str,
    organisation: Organisation,
    established_on: date,
    bodies=(),
    parent: Board | None = None,
    purpose: str = "",
    pooled_budget: Money | None = None,
    quorum: dict | None = None,
    requirements: list[dict] | None = None,
    illustrative: bool = False,
    audit,
) -> Board:
    if kind not in BOARD_KIND_LABELS:
        raise Refused(f"{kind!r} is not a kind of board; use one of {', '.join(BOARD_KIND_LABELS)}")
    host = BOARD_HOST_KIND[kind]
    if organisation.kind != host:
        raise Refused(
            f"a {BOARD_KIND_LABELS[kind]} belongs to a body of kind {host}, "
            f"not {organisation.kind} ({organisation.name})"
        )
    why_not = rules.constitution_applies(_ctx(established_on), kind)
    if why_not:
        raise Refused(f"cannot establish {name} on {established_on}: {why_not}")
    if slug in RESERVED_SLUGS:
        raise Refused(f"{slug!r} is the name of a portal page; choose another key for the board")
    if Board.objects.filter(slug=slug).exists():
        raise Refused(f"a board called {slug!r} already exists")
    board = Board.objects.create(
        slug=slug,
        name=name,
        kind=kind,
        organisation=organisation,
        parent=parent,
        purpose=purpose,
        pooled_budget=pooled_budget,
        quorum=quorum,
        requirements=_requirements(requirements),
        established_on=established_on,
        illustrative=illustrative,
    )
    board.bodies.set([organisation, *bodies])
    audit.created(board)
    return board


@service("governance.add_seat")
def add_seat(*, board: Board, title: str, role: str, voting: bool = True, audit) -> Seat:
    if role not in BOARD_ROLE_LABELS:
        raise Refused(f"{role!r} is not a board role; use one of {', '.join(BOARD_ROLE_LABELS)}")
    if board.seats.filter(title=title).exists():
        raise Refused(f"{board.name} already has a seat called {title!r}")
    seat = Seat.objects.create(
        board=board, title=title, role=role, voting=voting, position=board.seats.count() + 1
    )
    audit.created(seat)
    return seat


@service("governance.register_person")
def register_person(
    *,
    slug: str,
    name: str,
    mental_health_expertise: bool = False,
    illustrative: bool = False,
    audit,
) -> Person:
    if Person.objects.filter(slug=slug).exists():
        raise Refused(f"a person with the key {slug!r} is already registered")
    person = Person.objects.create(
        slug=slug,
        name=name,
        mental_health_expertise=mental_health_expertise,
        illustrative=illustrative,
    )
    audit.created(person)
    return person


@service("governance.record_post")
def record_post(
    *, person: Person, organisation, title: str, starts: date, ends: date | None = None, audit
) -> Post:
    org = _organisation(organisation, f"the post of {person.name}")
    if ends and ends < starts:
        raise Refused(f"a post cannot end ({ends}) before it starts ({starts})")
    post = Post.objects.create(
        person=person, organisation=org, title=title, starts=starts, ends=ends
    )
    audit.created(post)
    return post


@service("governance.appoint")
def appoint(
    *,
    seat: Seat,
    person: Person,
    starts: date,
    term_ends: date,
    appointed_by: Organisation | None = None,
    nominated_by: Organisation | None = None,
    deputy_chair: bool = False,
    disqualifications: tuple[str, ...] = (),
    illustrative: bool = False,
    audit,
) -> Membership:
    """Appoints a person to a seat for a term, if they are eligible and the seat is free."""
    board = seat.board
    if term_ends < starts:
        raise Refused(f"a term cannot end ({term_ends}) before it starts ({starts})")
    if not board.exists_on(starts):
        raise Refused(f"{board.name} does not exist on {starts}")
    overlapping = [
        m
        for m in seat.memberships.select_related("person")
        if m.starts <= term_ends and starts <= m.last_day
    ]
    if overlapping:
        other = overlapping[0]
        raise Refused(
            f"the seat {seat.title!r} on {board.name} is held by {other.person.name} from "
            f"{other.starts} to {other.last_day}, which overlaps {starts} to {term_ends}; "
            "one seat has one member at a time",
            asked={"seat": seat.title, "person": person.name, "starts": str(starts)},
        )
    elsewhere = Membership.objects.filter(
        seat__board=board, person=person, starts__lte=term_ends
    ).exclude(seat=seat)
    if any(starts <= m.last_day for m in elsewhere):
        raise Refused(f"{person.name} already holds another seat on {board.name} in that time")
    ctx = _ctx(starts)
    candidate = rules.Member(
        key=str(person.pk),
        name=person.name,
        role=seat.role,
        starts=starts,
        links=facts.links_of(person, starts),
    )
    result = ctx.regime.evaluate(
        "governance.eligibility",
        starts,
        candidate=candidate,
        board_kind=board.kind,
        disqualifications=tuple(disqualifications),
    )
    if not result.allowed:
        raise Refused(
            [v.explanation for v in result.violations],
            asked={"seat": seat.title, "person": person.name, "starts": str(starts)},
        )
    membership = Membership.objects.create(
        seat=seat,
        person=person,
        starts=starts,
        term_ends=term_ends,
        appointed_by=appointed_by,
        nominated_by=nominated_by,
        deputy_chair=deputy_chair,
        illustrative=illustrative,
    )
    audit.created(membership)
    return membership


@service("governance.end_membership")
def end_membership(*, membership: Membership, left_on: date, why: str, audit) -> Membership:
    """A member leaves before their term ends (resignation, removal, death): from `left_on`
    they no longer hold the seat."""
    if membership.left_on:
        raise Refused(f"{membership} already left on {membership.left_on}")
    if not membership.starts < left_on <= membership.term_ends:
        raise Refused(
            f"{left_on} is not within the term ({membership.starts} to {membership.term_ends}); "
            "a member who serves the whole term needs no leaving date"
        )
    if not why.strip():
        raise Refused("say why the member is leaving; it goes on the public record")
    return change(membership, audit, left_on=left_on, left_reason=why.strip())


@service("governance.record_fppt")
def record_fit_and_proper(
    *, person: Person, completed_on: date, assessed_by: str, audit
) -> FitAndProperCheck:
    check = FitAndProperCheck.objects.create(
        person=person, completed_on=completed_on, assessed_by=assessed_by
    )
    audit.created(check)
    return check


# -- the register of interests -----------------------------------------------------------------
@service("governance.declare_interest")
def declare_interest(
    *,
    person: Person,
    organisation,
    category: str,
    nature: str,
    arose_on: date,
    declared_on: date,
    ends_on: date | None = None,
    related_person: str = "",
    illustrative: bool = False,
    audit,
) -> Declaration:
    if category not in CATEGORIES:
        raise Refused(f"{category!r} is not a category of interest; use one of {CATEGORIES}")
    org = _organisation(organisation, f"the interest declared by {person.name}")
    if not nature.strip():
        raise Refused("say what the interest is")
    if ends_on and ends_on < arose_on:
        raise Refused(f"an interest cannot end ({ends_on}) before it arose ({arose_on})")
    if category == "indirect" and not related_person.strip():
        raise Refused("an indirect interest names the relative or associate whose interest it is")
    declaration = Declaration.objects.create(
        person=person,
        organisation=org,
        category=category,
        nature=nature.strip(),
        arose_on=arose_on,
        declared_on=declared_on,
        ends_on=ends_on,
        related_person=related_person.strip(),
        illustrative=illustrative,
    )
    audit.created(declaration)
    return declaration


@service("governance.end_interest")
def end_interest(*, declaration: Declaration, ends_on: date, audit) -> Declaration:
    if declaration.ends_on:
        raise Refused(f"that interest already ended on {declaration.ends_on}")
    if ends_on < declaration.arose_on:
        raise Refused(f"an interest cannot end before it arose ({declaration.arose_on})")
    return change(declaration, audit, ends_on=ends_on)


@service("governance.make_return")
def make_return(*, person: Person, made_on: date, nil: bool = False, audit) -> DeclarationReturn:
    if (
        nil
        and person.declarations.filter(arose_on__lte=made_on).exclude(ends_on__lt=made_on).exists()
    ):
        raise Refused(f"{person.name} has current declared interests, so cannot make a nil return")
    made = DeclarationReturn.objects.create(person=person, made_on=made_on, nil=nil)
    audit.created(made)
    return made


@service("governance.record_gift")
def record_gift(
    *,
    person: Person,
    kind: str,
    description: str,
    value: Money,
    received_on: date,
    source=None,
    source_name: str = "",
    from_supplier: bool = False,
    from_patient: bool = False,
    cash_or_voucher: bool = False,
    accepted: bool = True,
    senior_approval: bool = False,
    declared_on: date | None = None,
    illustrative: bool = False,
    audit,
) -> Gift:
    """Records a gift or hospitality offered. A breach of the thresholds is recorded with it
    (never refused: refusing would keep the offer off the register)."""
    if kind not in Gift.Kind.values:
        raise Refused(f"{kind!r} is neither a gift nor hospitality")
    if value.pence < 0:
        raise Refused("a gift cannot have a negative value")
    org = _organisation(source, f"the giver of {description!r}") if source else None
    if org is None and not source_name.strip():
        raise Refused("say who offered it")
    ctx = _ctx(received_on)
    earlier = sum(
        g.value.pence
        for g in person.gifts.filter(
            kind="gift",
            received_on__gt=rules.add_months(received_on, -12),
            received_on__lte=received_on,
        ).filter(**({"source": org} if org else {"source_name": source_name}))
    )
    gift = rules.Gift(
        kind=kind,
        value_pence=value.pence,
        received_on=received_on,
        from_supplier=from_supplier,
        cash_or_voucher=cash_or_voucher,
        accepted=accepted,
        declared=declared_on is not None,
        senior_approval=senior_approval,
        from_patient=from_patient,
        same_source_12_months_pence=earlier,
    )
    result = ctx.regime.evaluate("governance.gifts", received_on, gift=gift)
    made = Gift.objects.create(
        person=person,
        kind=kind,
        description=description,
        source=org,
        source_name=source_name,
        value=value,
        received_on=received_on,
        from_supplier=from_supplier,
        from_patient=from_patient,
        cash_or_voucher=cash_or_voucher,
        accepted=accepted,
        senior_approval=senior_approval,
        declared_on=declared_on,
        breaches=[v.explanation for v in result.violations],
        regime_id=ctx.regime.id,
        illustrative=illustrative,
    )
    audit.created(made)
    return made


# -- meetings ---------------------------------------------------------------------------------
@service("governance.schedule_meeting")
def schedule_meeting(
    *,
    board: Board,
    held_on: date,
    title: str = "",
    public: bool = True,
    location: str = "",
    illustrative: bool = False,
    audit,
) -> Meeting:
    if not board.exists_on(held_on):
        raise Refused(f"{board.name} does not exist on {held_on}")
    reference = f"{board.slug}-{held_on.isoformat()}"
    if Meeting.objects.filter(reference=reference).exists():
        raise Refused(f"{board.name} already has a meeting on {held_on}")
    meeting = Meeting.objects.create(
        board=board,
        reference=reference,
        held_on=held_on,
        title=title or f"{board.name}, {held_on:%-d %B %Y}",
        public=public,
        location=location,
        illustrative=illustrative,
    )
    audit.created(meeting)
    return meeting


@service("governance.add_item")
def add_item(
    *,
    meeting: Meeting,
    number: str,
    title: str,
    kind: str,
    paper_title: str = "",
    paper_url: str = "",
    organisations=(),
    provider=None,
    decision_reference: str = "",
    audit,
) -> AgendaItem:
    """An item on a meeting's agenda. A provider selection item names the provider the
    decision selects and the decision's reference (arranging.take_to_board does both)."""
    if kind not in ItemKind.values:
        raise Refused(f"{kind!r} is not a kind of item; use one of {', '.join(ItemKind.values)}")
    if kind == ItemKind.PROVIDER_SELECTION and (provider is None or not decision_reference):
        raise Refused("a provider selection item names the selection decision it takes")
    if meeting.items.filter(number=number).exists():
        raise Refused(f"the meeting already has an item {number}")
    orgs = [_organisation(o, f"item {number}") for o in organisations]
    item = AgendaItem.objects.create(
        meeting=meeting,
        number=number,
        title=title,
        kind=kind,
        paper_title=paper_title,
        paper_url=paper_url,
        provider=_organisation(provider, f"item {number}") if provider is not None else None,
        decision_reference=decision_reference,
    )
    item.organisations.set(orgs)
    audit.created(item)
    return item


@service("governance.record_attendance")
def record_attendance(*, meeting: Meeting, present, audit) -> list[Attendance]:
    """Who came: every member holding a seat that day is recorded present or absent."""
    members = list(facts.members_on(meeting.board, meeting.held_on))
    keys = {m.pk for m in members}
    strangers = [m for m in present if m.pk not in keys]
    if strangers:
        raise Refused(
            f"{', '.join(str(m.person) for m in strangers)} did not hold a seat on "
            f"{meeting.board.name} on {meeting.held_on}"
        )
    if meeting.attendance.exists():
        raise Refused("attendance for this meeting is already recorded")
    here = {m.pk for m in present}
    rows = [Attendance(meeting=meeting, membership=m, present=m.pk in here) for m in members]
    Attendance.objects.bulk_create(rows)
    audit.record_many([{"obj": row, "before": None, "after": snapshot(row)} for row in rows])
    return rows


def blocking_interventions(item: AgendaItem) -> list[Intervention]:
    """Powers from above in effect on the day that take this item out of the board's hands."""
    day = item.meeting.held_on
    found = Intervention.objects.filter(item=item, blocks="item") | Intervention.objects.filter(
        board=item.meeting.board, blocks="board"
    )
    return [i for i in found.distinct() if i.in_effect_on(day)]


def item_position(item: AgendaItem) -> dict:
    """Who is present, who must step out and why, and whether the meeting is quorate, for an
    item: what the minutes record and what a decision has to pass."""
    meeting = item.meeting
    ctx = _ctx(meeting.held_on)
    board = facts.board_of(meeting.board, meeting.held_on)
    present_ids = set(
        meeting.attendance.filter(present=True).values_list("membership_id", flat=True)
    )
    present = tuple(m.key for m in board.members if m.key in {str(p) for p in present_ids})
    affected = facts.affected_by(item)
    recused: dict[str, list[str]] = {}
    for member in board.members:
        result = ctx.regime.evaluate(
            "governance.conflicts", meeting.held_on, member=member, affected=affected
        )
        if not result.allowed:
            recused[member.key] = [f"{v.explanation} ({v.citation})" for v in result.violations]
    quorum = ctx.regime.evaluate(
        "governance.quorum",
        meeting.held_on,
        board=board,
        present=present,
        recused=tuple(recused),
    )
    return {
        "regime": ctx.regime,
        "board": board,
        "present": present,
        "affected": affected,
        "recused": recused,
        "quorum": [v.explanation for v in quorum.violations],
        "blocked": blocking_interventions(item),
    }


def _recuse(item: AgendaItem, position: dict) -> list[Recusal]:
    rows = [
        Recusal(item=item, membership_id=key, reasons=reasons)
        for key, reasons in position["recused"].items()
        if key in position["present"]
    ]
    Recusal.objects.bulk_create(rows)
    return rows


def _minute(item: AgendaItem, position: dict, votes: dict | None = None) -> dict:
    names = {m.key: m.described for m in position["board"].members}
    return {
        "meeting": item.meeting.reference,
        "held_on": item.meeting.held_on.isoformat(),
        "board": item.meeting.board.name,
        "item": item.number,
        "title": item.title,
        "kind": item.kind,
        "selection_decision": item.decision_reference or None,
        "regime": position["regime"].id,
        "present": sorted(names[k] for k in position["present"]),
        "recused": [
            {"member": names[k], "reasons": r}
            for k, r in sorted(position["recused"].items(), key=lambda kv: names[kv[0]])
            if k in position["present"]
        ],
        "votes": {
            names[k]: v for k, v in sorted((votes or {}).items(), key=lambda kv: names[kv[0]])
        },
        # The same by membership id, for comparing the record with the minutes' tables.
        "minutes": {
            "votes": dict(sorted((votes or {}).items())),
            "recused": sorted(k for k in position["recused"] if k in position["present"]),
        },
    }


@service("governance.decide_item")
def decide_item(*, item: AgendaItem, votes: dict, resolution: str, audit) -> AgendaItem:
    """Takes the board's decision on an item: `votes` maps each membership to for, against
    or abstain. Conflicted members are recused automatically and may not vote; without a
    quorum of unconflicted members the decision cannot be taken."""
    if item.status != "open":
        raise Refused(f"item {item.number} was already {item.get_status_display().lower()}")
    if item.kind == ItemKind.NOTING:
        raise Refused(f"item {item.number} is for noting; there is nothing to decide")
    if not item.meeting.attendance.exists():
        raise Refused("record who attended the meeting before taking decisions")
    if not resolution.strip():
        raise Refused("write down the resolution the board is deciding on")
    position = item_position(item)
    asked = {"item": item.number, "meeting": item.meeting.reference}
    reasons = [
        f"{i.title} ({i.reference}, {i.made_on}) has taken this out of the board's hands"
        + (f" until {i.ended_on or i.window_ends}" if (i.ended_on or i.window_ends) else "")
        + f" ({i.basis})"
        for i in position["blocked"]
    ]
    names = {m.key: m.name for m in position["board"].members}
    cast = {str(getattr(m, "pk", m)): choice for m, choice in votes.items()}
    for key, choice in cast.items():
        if choice not in Vote.Choice.values:
            reasons.append(f"{choice!r} is not a vote; use for, against or abstain")
        if key not in names:
            reasons.append("a vote was cast by someone who is not a member on the day")
        elif key not in position["present"]:
            reasons.append(f"{names[key]} was not present, so cannot vote")
        elif key in position["recused"]:
            reasons.append(
                f"{names[key]} is recused from item {item.number} and cannot vote: "
                + "; ".join(position["recused"][key])
            )
    if position["quorum"]:
        reasons += [f"the decision cannot be taken: {q}" for q in position["quorum"]]
    if reasons:
        raise Refused(
            reasons, asked=asked, object_type="governance.agendaitem", object_id=str(item.pk)
        )
    before = snapshot(item)
    _recuse(item, position)
    Vote.objects.bulk_create([Vote(item=item, membership_id=k, choice=c) for k, c in cast.items()])
    item.status = "decided"
    item.resolution = resolution.strip()
    item.outcome = rules.vote_outcome(cast)
    item.save()
    audit.changed(item, before)
    body = _minute(item, position, cast) | {"resolution": item.resolution, "outcome": item.outcome}
    record.append(audit=audit, kind="decision", body=body, board=item.meeting.board, item=item)
    return item


@service("governance.record_not_taken")
def record_not_taken(*, item: AgendaItem, audit) -> AgendaItem:
    """Minutes an item the board could not decide (no quorum after recusals, or a power from
    above), with the reasons the rules give. Refused if the item could in fact be decided."""
    if item.status != "open":
        raise Refused(f"item {item.number} was already {item.get_status_display().lower()}")
    position = item_position(item)
    why = [q for q in position["quorum"]] + [
        f"{i.title} ({i.reference}) is in effect: {i.subject}" for i in position["blocked"]
    ]
    if not why:
        raise Refused(f"item {item.number} can be decided: the meeting is quorate and unblocked")
    before = snapshot(item)
    _recuse(item, position)
    item.status = "not_taken"
    item.outcome_reasons = why
    item.save()
    audit.changed(item, before)
    body = _minute(item, position) | {"outcome": "not taken", "reasons": why}
    record.append(audit=audit, kind="not_taken", body=body, board=item.meeting.board, item=item)
    return item


# -- powers from above ----------------------------------------------------------------------
@service("governance.record_intervention")
def record_intervention(
    *,
    reference: str,
    kind: str,
    made_on: date,
    made_by,
    addressed_to,
    subject: str,
    board: Board | None = None,
    item: AgendaItem | None = None,
    illustrative: bool = False,
    audit,
) -> Intervention:
    """Records a direction, call-in or intervention, if the power existed on the day."""
    ctx = _ctx(made_on)
    power = rules.Power(kind=kind, made_on=made_on)
    result = ctx.regime.evaluate("governance.powers", made_on, power=power)
    if not result.allowed:
        raise Refused(
            [f"{v.explanation} ({v.citation})" for v in result.violations],
            asked={"kind": kind, "made_on": str(made_on)},
        )
    spec = rules.powers_available(ctx)[kind]
    if spec["blocks"] == "item" and item is None:
        raise Refused(f"a {spec['title'].lower()} concerns one proposal: name the agenda item")
    if Intervention.objects.filter(reference=reference).exists():
        raise Refused(f"an intervention {reference!r} is already recorded")
    made = Intervention.objects.create(
        reference=reference,
        kind=kind,
        title=spec["title"],
        regime_id=ctx.regime.id,
        basis=spec["basis"]
        + ("" if spec.get("confidence", "C") == "C" else f" [{spec['confidence']}]"),
        made_on=made_on,
        made_by=_organisation(made_by, "who made it"),
        addressed_to=_organisation(addressed_to, "to whom"),
        subject=subject,
        blocks=spec["blocks"],
        board=board or (item.meeting.board if item else None),
        item=item,
        window_ends=rules.power_window_ends(ctx, power),
        illustrative=illustrative,
    )
    audit.created(made)
    record.append(
        audit=audit,
        kind="intervention",
        board=made.board,
        item=item,
        body={
            "reference": reference,
            "power": made.title,
            "basis": made.basis,
            "made_on": made_on.isoformat(),
            "made_by": made.made_by.name,
            "addressed_to": made.addressed_to.name,
            "subject": subject,
            "window_ends": made.window_ends.isoformat() if made.window_ends else None,
            "item": f"{item.meeting.reference} item {item.number}" if item else None,
        },
    )
    return made


@service("governance.end_intervention")
def end_intervention(
    *, intervention: Intervention, ended_on: date, outcome: str, audit
) -> Intervention:
    if intervention.ended_on:
        raise Refused(f"{intervention.reference} already ended on {intervention.ended_on}")
    if ended_on < intervention.made_on:
        raise Refused("it cannot end before it was made")
    change(intervention, audit, ended_on=ended_on, outcome=outcome)
    record.append(
        audit=audit,
        kind="intervention_ended",
        board=intervention.board,
        item=intervention.item,
        body={
            "reference": intervention.reference,
            "ended_on": ended_on.isoformat(),
            "outcome": outcome,
        },
    )
    return intervention


@service("governance.correct_record")
def correct_record(*, entry: RecordEntry, correction: str, audit) -> RecordEntry:
    """A correction is a new entry pointing at the one it corrects; nothing is rewritten."""
    if not correction.strip():
        raise Refused("say what the correction is")
    return record.append(
        audit=audit,
        kind="correction",
        board=entry.board,
        item=entry.item,
        corrects=entry,
        body={"corrects": entry.sequence, "correction": correction.strip(), "reason": audit.reason},
    )


@service("governance.record_notice")
def record_notice(
    *,
    reference: str,
    kind: str,
    title: str,
    published_on: date,
    body: dict,
    board: Board | None = None,
    audit,
) -> RecordEntry:
    """Puts a published notice (a provider selection notice, say) on the public record, so
    it is covered by the chain and its checkpoints like a decision."""
    if not reference.strip():
        raise Refused("a notice on the record has a reference")
    return record.append(
        audit=audit,
        kind="notice",
        board=board,
        body={
            "reference": reference,
            "notice": kind,
            "title": title,
            "published_on": published_on.isoformat(),
            **body,
        },
    )
