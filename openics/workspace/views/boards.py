"""A board in the workspace: its seats and members, appointing to a seat and ending a term
(the constitution checked before anything is saved), and setting up a meeting."""

from __future__ import annotations

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from openics.core.audit import Refused
from openics.governance import compliance, facts, selectors
from openics.governance import services as gov
from openics.governance.models import Board, Membership, Person
from openics.workspace import access
from openics.workspace.forms import AppointForm, EndTermForm, MeetingForm
from openics.workspace.views.common import actor, error_list, organisation, page, today


def _board(org, slug: str) -> Board:
    board = Board.objects.filter(organisation=org, slug=slug).first()
    if board is None:
        raise Http404(f"{org.name} has no board {slug}")
    return board


@login_required
def board(request, code: str, slug: str):
    org = organisation(code)
    found = selectors.board_record(_board(org, slug).slug, today=today())
    return page(request, "boards/board.jinja", {"record": found, "b": found.board}, org=org)


def _breaches_in_force(board, day, plain) -> tuple[str, ...]:
    checked = selectors.in_force(compliance.constitution(board, day, plain=plain))
    if checked is None or not checked.applies:
        return ()
    return checked.breaches


@login_required
@require_http_methods(["GET", "POST"])
def appoint(request, code: str, slug: str):
    org = organisation(code)
    access.require(request, "appoint", org.code)
    b = _board(org, slug)
    form = AppointForm(
        request.POST or None, seats=list(b.seats.all()), people=list(Person.objects.all())
    )
    refusals: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        seat = b.seats.get(pk=data["seat"])
        person = Person.objects.get(pk=data["person"])
        try:
            gov.appoint(
                seat=seat,
                person=person,
                starts=data["starts"],
                term_ends=data["term_ends"],
                appointed_by=org,
                actor=actor(request),
                reason=f"appointed by {request.user.get_username()} in the workspace",
            )
        except Refused as exc:
            refusals = exc.reasons
        else:
            return redirect("workspace:board", code=org.code, slug=b.slug)
    return page(
        request,
        "boards/appoint.jinja",
        {"form": form, "errors": error_list(form, refusals), "b": b, "refusals": refusals},
        org=org,
    )


@login_required
@require_http_methods(["GET", "POST"])
def end_term(request, code: str, slug: str, membership: str):
    org = organisation(code)
    access.require(request, "end_term", org.code)
    b = _board(org, slug)
    held = (
        Membership.objects.filter(seat__board=b, pk=membership, left_on__isnull=True)
        .select_related("person", "seat")
        .first()
    )
    if held is None:
        raise Http404("no such current member")
    form = EndTermForm(request.POST or None, initial={"left_on": today()})
    refusals: list[str] = []
    would_break: tuple[str, ...] = ()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        day = data["left_on"]
        # The constitution as it would stand without them, before anything is saved.
        plain = facts.board_of(b, day)
        without = replace(plain, members=tuple(m for m in plain.members if m.key != str(held.pk)))
        before = set(_breaches_in_force(b, day, plain))
        would_break = tuple(x for x in _breaches_in_force(b, day, without) if x not in before)
        if would_break and not data["confirm"]:
            pass  # shown on the page; the secretary confirms to go ahead
        else:
            try:
                gov.end_membership(
                    membership=held,
                    left_on=day,
                    why=data["why"],
                    actor=actor(request),
                    reason=data["why"],
                )
            except Refused as exc:
                refusals = exc.reasons
            else:
                return redirect("workspace:board", code=org.code, slug=b.slug)
    return page(
        request,
        "boards/end_term.jinja",
        {
            "form": form,
            "errors": error_list(form, refusals),
            "b": b,
            "held": held,
            "would_break": would_break,
            "refusals": refusals,
        },
        org=org,
    )


@login_required
@require_http_methods(["GET", "POST"])
def schedule_meeting(request, code: str, slug: str):
    org = organisation(code)
    access.require(request, "schedule_meeting", org.code)
    b = _board(org, slug)
    form = MeetingForm(request.POST or None, initial={"public": True})
    refusals: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = gov.schedule_meeting(
                board=b,
                held_on=data["held_on"],
                title=data["title"],
                location=data["location"],
                public=data["public"],
                actor=actor(request),
                reason=f"meeting set up by {request.user.get_username()} in the workspace",
            )
        except Refused as exc:
            refusals = exc.reasons
        else:
            return redirect("workspace:meeting", code=org.code, reference=meeting.reference)
    return page(
        request,
        "boards/meeting_new.jinja",
        {"form": form, "errors": error_list(form, refusals), "b": b},
        org=org,
    )
