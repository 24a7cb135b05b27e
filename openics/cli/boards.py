"""`openics boards …`: boards, members, meetings and votes."""

from __future__ import annotations

from datetime import date

import click

from openics.cli.runtime import cli_actor, fail, parse_day, refused, setup_django


def _board(slug: str):
    from openics.governance.models import Board

    board = Board.objects.filter(slug=slug).first()
    if board is None:
        known = ", ".join(Board.objects.values_list("slug", flat=True)) or "none yet"
        fail(f"no board {slug!r}; the boards are: {known}")
    return board


@click.group("boards")
def boards_group() -> None:
    """Boards and committees: members, constitutions, meetings, votes and recusals."""


@boards_group.command("list")
def boards_list() -> None:
    """Every board, its kind and how many members it has today."""
    setup_django()
    from openics.governance.models import Board, Membership

    today = date.today()
    for board in Board.objects.select_related("organisation").order_by("name"):
        n = Membership.objects.on(today).filter(seat__board=board).count()
        click.echo(f"{board.slug:<34}{board.kind_label:<28}{n:>3} members  {board.name}")


def _who(body) -> str:
    """An organisation with its kind and ownership, as the board's page shows it."""
    ownership = body.get_ownership_display() if body.ownership else "ownership not known"
    company = f"; company {body.company_number}" if body.company_number else ""
    return f"{body.name} ({body.get_kind_display()}; {ownership}{company})"


@boards_group.command("show")
@click.argument("slug")
@click.option("--on", "on", default=None, help="The day to look at (default today).")
def boards_show(slug: str, on: str | None) -> None:
    """A board's members on a day and its constitution checked under every regime."""
    setup_django()
    from openics.governance import compliance, facts

    board = _board(slug)
    day = parse_day(on)
    click.echo(f"{board.name} ({board.kind_label}) on {day}")
    for m in facts.members_on(board, day):
        deputy = ", deputy chair" if m.deputy_chair else ""
        click.echo(
            f"  {m.seat.title:<52}{m.person.name} ({m.person.slug}), "
            f"{m.starts} to {m.term_ends}{deputy}"
        )
        for role, body in (("appointed by", m.appointed_by), ("nominated by", m.nominated_by)):
            if body is not None:
                click.echo(f"  {'':<52}{role} {_who(body)}")
    click.echo("Checked under every regime:")
    for c in compliance.constitution(board, day):
        status = "not applicable" if not c.applies else ("meets it" if c.ok else "BREACH")
        force = "in force" if c.in_force else "not in force"
        click.echo(f"  {c.regime_id} ({force}): {status}")
        for line in c.breaches:
            click.echo(f"    - {line}")
        if c.note:
            click.echo(f"    {c.note}")


@boards_group.command("end-term")
@click.argument("slug")
@click.option("--person", "person_key", required=True, help="The member's key, e.g. leo-notreal")
@click.option(
    "--on", "on", default=None, help="The day they stop holding the seat (default today)."
)
@click.option("--reason", required=True, help="Why they are leaving (on the public record).")
def boards_end_term(slug: str, person_key: str, on: str | None, reason: str) -> None:
    """A member leaves the board before their term ends."""
    setup_django()
    from openics.core.audit import Refused
    from openics.governance.models import Membership
    from openics.governance.services import end_membership

    board = _board(slug)
    day = parse_day(on)
    membership = Membership.objects.filter(
        seat__board=board,
        person__slug=person_key,
        starts__lt=day,
        term_ends__gte=day,
        left_on__isnull=True,
    ).first()
    if membership is None:
        fail(f"{person_key!r} holds no seat on {board.name} on {day}")
    try:
        end_membership(
            membership=membership, left_on=day, why=reason, actor=cli_actor(), reason=reason
        )
    except Refused as exc:
        refused(exc)
    click.echo(f"{membership.person.name} left {membership.seat.title} on {day}.")


@boards_group.command("minutes")
@click.argument("reference")
def boards_minutes(reference: str) -> None:
    """A meeting's minutes: who came, who stepped out of which item and why, and the votes."""
    setup_django()
    from openics.governance.models import Meeting

    meeting = Meeting.objects.filter(reference=reference).first()
    if meeting is None:
        fail(f"no meeting {reference!r}")
    click.echo(meeting.title)
    present = meeting.attendance.filter(present=True).select_related("membership__person")
    absent = meeting.attendance.filter(present=False).select_related("membership__person")
    click.echo("Present: " + ", ".join(a.membership.person.name for a in present))
    click.echo("Apologies: " + (", ".join(a.membership.person.name for a in absent) or "none"))
    for item in meeting.items.all():
        status = "for noting" if item.kind == "noting" else item.get_status_display()
        click.echo(f"\n{item.number}. {item.title} [{status}]")
        for r in item.recusals.select_related("membership__person"):
            click.echo(f"   Stepped out: {r.membership.person.name}")
            for why in r.reasons:
                click.echo(f"     because {why}")
        votes = item.votes.select_related("membership__person")
        if votes:
            click.echo(
                "   Votes: " + ", ".join(f"{v.membership.person.name} {v.choice}" for v in votes)
            )
        if item.outcome:
            click.echo(f"   Resolved ({item.outcome}): {item.resolution}")
        for why in item.outcome_reasons:
            click.echo(f"   Not taken: {why}")


@boards_group.command("decide")
@click.argument("meeting_reference")
@click.argument("number")
@click.option(
    "--vote",
    "votes",
    multiple=True,
    required=True,
    help="person-key=for|against|abstain (repeatable)",
)
@click.option("--resolution", required=True)
@click.option("--reason", default=None, help="Why this is being recorded (for the audit).")
def boards_decide(meeting_reference, number, votes, resolution, reason) -> None:
    """Records the board's decision on an item; conflicted members are recused by the rules."""
    setup_django()
    from openics.core.audit import Refused
    from openics.governance.models import AgendaItem, Membership
    from openics.governance.services import decide_item

    item = AgendaItem.objects.filter(meeting__reference=meeting_reference, number=number).first()
    if item is None:
        fail(f"no item {number} at {meeting_reference!r}")
    day = item.meeting.held_on
    cast = {}
    for text in votes:
        key, _, choice = text.partition("=")
        membership = (
            Membership.objects.on(day)
            .filter(seat__board=item.meeting.board, person__slug=key.strip())
            .first()
        )
        if membership is None:
            fail(f"{key!r} held no seat on {item.meeting.board.name} on {day}")
        cast[membership] = choice.strip()
    try:
        decide_item(
            item=item,
            votes=cast,
            resolution=resolution,
            actor=cli_actor(),
            reason=reason or f"minutes of {meeting_reference} item {number}",
        )
    except Refused as exc:
        refused(exc)
    click.echo(f"Item {number}: {item.outcome}.")
