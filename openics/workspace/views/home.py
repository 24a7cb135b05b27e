"""The workspace's front page: the organisations the person holds roles for, and for one
organisation what they may do there."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from openics.arranging.selectors import overdue_notices
from openics.governance.models import Board, Meeting
from openics.organisations.models import Organisation
from openics.workspace import access
from openics.workspace.views.common import organisation, page, person_of, today


def _codes(user) -> list[str]:
    return sorted(
        {code for code in user.role_assignments.values_list("organisation_code", flat=True)}
    )


@login_required
def home(request):
    codes = _codes(request.user)
    scoped = [c for c in codes if c]
    if scoped and len(scoped) == 1 and "" not in codes:
        return redirect("workspace:organisation", code=scoped[0])
    everywhere = "" in codes
    bodies = (
        Organisation.objects.filter(boards__isnull=False).distinct().order_by("name")
        if everywhere
        else Organisation.objects.filter(code__in=scoped).exclude(kind="place").order_by("name")
    )
    return page(request, "home.jinja", {"bodies": list(bodies), "no_roles": not codes})


@login_required
def organisation_home(request, code: str):
    org = organisation(code)
    boards = list(Board.objects.filter(organisation=org).order_by("name"))
    meetings = list(
        Meeting.objects.filter(board__organisation=org)
        .select_related("board")
        .order_by("-held_on")[:20]
    )
    return page(
        request,
        "organisation.jinja",
        {
            "boards": boards,
            "meetings": meetings,
            "person": person_of(request.user),
            "overdue": overdue_notices(org, today())
            if access.allowed(request.user, "record_decision", org.code)
            else [],
        },
        org=org,
    )
