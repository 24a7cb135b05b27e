"""A meeting in the workspace: its agenda, attendance, for each item who must step out and
why and whether the meeting is still quorate (computed by the governance rules before any
vote), the votes and resolution, an item minuted as not taken, a call-in or direction
recorded from above, and publishing the minutes to the public record."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from openics.arranging import services as arranging
from openics.arranging.models import SelectionDecision
from openics.core.audit import Refused
from openics.governance import facts, minutes, selectors
from openics.governance import services as gov
from openics.governance.models import AgendaItem, Meeting, Vote
from openics.regimes.model import RuleContext
from openics.regimes.registry import regime_in_force_on
from openics.regimes.rules import governance as rules
from openics.workspace import access
from openics.workspace.forms import InterventionForm, ItemForm
from openics.workspace.views.common import actor, error_list, organisation, page, why


def _meeting(org, reference: str) -> Meeting:
    found = (
        Meeting.objects.filter(board__organisation=org, reference=reference)
        .select_related("board")
        .first()
    )
    if found is None:
        raise Http404(f"{org.name} has no meeting {reference}")
    return found


def _item(meeting, number: str) -> AgendaItem:
    found = meeting.items.filter(number=number).first()
    if found is None:
        raise Http404(f"the meeting has no item {number}")
    return found


def _meeting_page(request, org, meeting, *, refusals=(), status=200):
    return page(
        request,
        "meetings/meeting.jinja",
        {
            "record": selectors.meeting_record(meeting.reference),
            "m": meeting,
            "published": minutes.published(meeting),
            "errors": error_list(None, refusals),
            "members": list(facts.members_on(meeting.board, meeting.held_on)),
        },
        org=org,
        status=status,
    )


@login_required
def meeting(request, code: str, reference: str):
    org = organisation(code)
    return _meeting_page(request, org, _meeting(org, reference))


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, code: str, reference: str):
    org = organisation(code)
    access.require(request, "record_attendance", org.code)
    m = _meeting(org, reference)
    members = list(facts.members_on(m.board, m.held_on))
    refusals: list[str] = []
    chosen = {str(x.pk) for x in members}
    if request.method == "POST":
        chosen = set(request.POST.getlist("present"))
        try:
            gov.record_attendance(
                meeting=m,
                present=[x for x in members if str(x.pk) in chosen],
                actor=actor(request),
                reason=why(request, m.reference),
            )
        except Refused as exc:
            refusals = exc.reasons
        else:
            return redirect("workspace:meeting", code=org.code, reference=m.reference)
    return page(
        request,
        "meetings/attendance.jinja",
        {
            "m": m,
            "members": members,
            "chosen": chosen,
            "errors": error_list(None, refusals),
        },
        org=org,
    )


def _waiting_decisions(org):
    """Selection decisions of this body not yet on an agenda (they may be taken to the board)."""
    return list(
        SelectionDecision.objects.filter(agenda_item__isnull=True)
        .filter(commissioner=org)
        .order_by("reference")
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_item(request, code: str, reference: str):
    org = organisation(code)
    access.require(request, "add_item", org.code)
    m = _meeting(org, reference)
    decisions = _waiting_decisions(org)
    form = ItemForm(request.POST or None, decisions=decisions)
    refusals: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        who = {"actor": actor(request), "reason": why(request, m.reference)}
        try:
            if data["decision"]:
                arranging.take_to_board(
                    form.decisions[data["decision"]],
                    meeting=m,
                    number=data["number"],
                    title=data["title"],
                    paper_title=data["paper_title"],
                    organisations=data["organisation_list"],
                    **who,
                )
            else:
                gov.add_item(
                    meeting=m,
                    number=data["number"],
                    title=data["title"],
                    kind=data["kind"],
                    paper_title=data["paper_title"],
                    organisations=data["organisation_list"],
                    **who,
                )
        except Refused as exc:
            refusals = exc.reasons
        else:
            return redirect("workspace:meeting", code=org.code, reference=m.reference)
    return page(
        request,
        "meetings/item_new.jinja",
        {"form": form, "m": m, "errors": error_list(form, refusals)},
        org=org,
    )


def _position(item):
    """What the rules say of the item as things stand: who must step out and why, whether
    the meeting is quorate, what blocks it. None when no regime was in force on the day."""
    try:
        position = gov.item_position(item)
    except Refused:
        return None
    return position


@login_required
@require_http_methods(["GET", "POST"])
def item(request, code: str, reference: str, number: str):
    """The item before the vote (who must step out, quorate or not), and the vote itself."""
    org = organisation(code)
    m = _meeting(org, reference)
    it = _item(m, number)
    refusals: list[str] = []
    if request.method == "POST":
        access.require(request, "decide_item", org.code)
    members = list(facts.members_on(m.board, m.held_on))
    cast = {str(x.pk): request.POST.get(f"vote-{x.pk}", "") for x in members}
    resolution = request.POST.get("resolution", "")
    if request.method == "POST":
        votes = {x: cast[str(x.pk)] for x in members if cast[str(x.pk)]}
        if not votes:
            refusals.append("Record at least one vote, or minute the item as not taken")
        else:
            try:
                gov.decide_item(
                    item=it,
                    votes=votes,
                    resolution=resolution,
                    actor=actor(request),
                    reason=why(request, m.reference),
                )
            except Refused as exc:
                refusals = exc.reasons
            else:
                return redirect("workspace:meeting", code=org.code, reference=m.reference)
    position = _position(it)
    names = {str(x.pk): x for x in members}
    present = set(position["present"]) if position else set()
    recused = position["recused"] if position else {}
    return page(
        request,
        "meetings/item.jinja",
        {
            "m": m,
            "item": it,
            "position": position,
            "voters": [names[k] for k in names if k in present and k not in recused],
            "stepping_out": [(names[k], recused[k]) for k in names if k in recused],
            "absent": [names[k] for k in names if k not in present],
            "cast": cast,
            "resolution": resolution,
            "choices": Vote.Choice.choices,
            "errors": error_list(None, refusals),
        },
        org=org,
    )


@login_required
@require_POST
def not_taken(request, code: str, reference: str, number: str):
    org = organisation(code)
    access.require(request, "record_not_taken", org.code)
    m = _meeting(org, reference)
    try:
        gov.record_not_taken(
            item=_item(m, number), actor=actor(request), reason=why(request, m.reference)
        )
    except Refused as exc:
        return _meeting_page(request, org, m, refusals=exc.reasons)
    return redirect("workspace:meeting", code=org.code, reference=m.reference)


@login_required
@require_POST
def publish(request, code: str, reference: str):
    org = organisation(code)
    access.require(request, "publish_minutes", org.code)
    m = _meeting(org, reference)
    try:
        minutes.publish_minutes(meeting=m, actor=actor(request), reason=why(request, m.reference))
    except Refused as exc:
        return _meeting_page(request, org, m, refusals=exc.reasons)
    return redirect("workspace:meeting", code=org.code, reference=m.reference)


def _powers(on) -> list[tuple[str, str]]:
    regime = regime_in_force_on(on)
    if regime is None:
        return []
    available = rules.powers_available(RuleContext(regime, on))
    return [
        (kind, f"{spec['title']} ({spec['basis']})")
        for kind, spec in available.items()
        if spec.get("blocks") in ("item", "board")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def intervene(request, code: str, reference: str, number: str):
    """NHS England (or the Secretary of State's office) records a call-in or direction."""
    org = organisation(code)
    access.require(request, "record_intervention", org.code)
    m = _meeting(org, reference)
    it = _item(m, number)
    form = InterventionForm(request.POST or None, powers=_powers(m.held_on))
    refusals: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            gov.record_intervention(
                reference=data["reference"],
                kind=data["kind"],
                made_on=data["made_on"],
                made_by=data["made_by"],
                addressed_to=org,
                subject=data["subject"],
                item=it,
                actor=actor(request),
                reason=why(request, m.reference),
            )
        except Refused as exc:
            refusals = exc.reasons
        else:
            return redirect("workspace:item", code=org.code, reference=m.reference, number=number)
    return page(
        request,
        "meetings/intervene.jinja",
        {"form": form, "m": m, "item": it, "errors": error_list(form, refusals)},
        org=org,
    )
