"""Turns the stored record into the plain facts the governance rules read."""

from __future__ import annotations

from datetime import date

from openics.governance.models import AgendaItem, Board, Membership
from openics.organisations.models import Organisation, Relationship
from openics.regimes.rules import governance as rules


def links_of(person, on: date | None = None) -> tuple[rules.Link, ...]:
    """Everything tying a person to organisations: posts they hold and interests declared
    (on a day: those in force and already declared by then)."""
    links = []
    for post in person.posts.all():  # .all() so a caller's prefetch is used
        links.append(link_of(post.organisation, "post", post.title, post.starts, post.ends))
    for d in person.declarations.all():
        if on is not None and d.declared_on > on:
            continue  # not yet declared on the day, so not yet on the register
        links.append(link_of(d.organisation, d.category, d.nature, d.arose_on, d.ends_on))
    if on is not None:
        links = [link for link in links if link.active_on(on)]
    return tuple(links)


def link_of(org: Organisation, category, nature, starts, ends) -> rules.Link:
    private = org.ownership == "independent" and org.kind == "independent_provider"
    return rules.Link(
        organisation=str(org.pk),
        organisation_name=org.name,
        category=category,
        nature=nature,
        starts=starts,
        ends=ends,
        independent_healthcare=private,
    )


def member_of(membership: Membership, on: date | None = None) -> rules.Member:
    person = membership.person
    return rules.Member(
        key=str(membership.pk),
        name=person.name,
        role=membership.seat.role,
        voting=membership.seat.voting,
        deputy_chair=membership.deputy_chair,
        appointed_by=membership.appointed_by.kind if membership.appointed_by_id else "",
        starts=membership.starts,
        fppt=tuple(c.completed_on for c in person.fppt_checks.all()),
        links=links_of(person, on),
        mental_health_expertise=person.mental_health_expertise,
    )


def members_on(board: Board, on: date):
    return (
        Membership.objects.on(on)
        .filter(seat__board=board)
        .select_related("person", "seat", "appointed_by", "nominated_by")
        .prefetch_related(
            "person__fppt_checks",
            "person__posts__organisation",
            "person__declarations__organisation",
        )
    )


def board_of(board: Board, on: date, *, members=None) -> rules.Board:
    """The board as the rules read it; `members` where the caller has read them already."""
    if members is None:
        members = tuple(member_of(m, on) for m in members_on(board, on))
    return rules.Board(
        kind=board.kind,
        name=board.name,
        members=tuple(members),
        quorum=board.quorum or None,
        requirements=tuple(board.requirements) if board.requirements else None,
    )


def affected_by(item: AgendaItem, on: date | None = None) -> tuple[rules.Affected, ...]:
    """Who an item affects: its provider or named bodies, their parents, subcontractors and
    the collaboratives they belong to."""
    on = on or item.meeting.held_on
    direct: list[tuple[Organisation, str]] = []
    if item.provider_id:
        direct.append((item.provider, "the provider the decision selects"))
    direct += [(org, "named in the item") for org in item.organisations.all()]
    return affected_through(direct, on)


def affected_through(direct, on: date) -> tuple[rules.Affected, ...]:
    """The bodies a decision about `direct` ((organisation, why) pairs) affects on a day:
    those, their parents, subcontractors and the collaboratives they belong to."""
    from openics.contracts.models import Contract

    found: dict[str, rules.Affected] = {}

    def add(org: Organisation, why: str) -> None:
        found.setdefault(str(org.pk), rules.Affected(str(org.pk), org.name, why))

    for org, why in direct:
        add(org, why)
    for org, _ in direct:
        links = Relationship.objects.filter(child=org).select_related("parent")
        for link in links:
            if not _active(link, on):
                continue
            if link.kind == "owned_by":
                add(link.parent, f"the parent company of {org.name}")
            elif link.kind == "member" and link.parent.kind == "provider_collaborative":
                add(link.parent, f"a collaborative {org.name} belongs to")
        subcontracts = Contract.objects.filter(prime__provider=org, start__lte=on, end__gte=on)
        for sub in subcontracts.select_related("provider"):
            add(sub.provider, f"a subcontractor to {org.name}")
    return tuple(found.values())


def _active(link: Relationship, on: date) -> bool:
    return (link.active_from is None or link.active_from <= on) and (
        link.active_to is None or on <= link.active_to
    )


def declarant_of(person, appointed_on: date) -> rules.Declarant:
    return rules.Declarant(
        name=person.name,
        appointed_on=appointed_on,
        returns=tuple(r.made_on for r in person.returns.all()),
        interests=tuple((d.arose_on, d.declared_on) for d in person.declarations.all()),
    )
