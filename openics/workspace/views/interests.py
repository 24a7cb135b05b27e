"""The register of interests in the workspace: a member declares an interest, makes a nil
return or records a gift or hospitality; the board secretary sees what is due and overdue,
to print or download. Each write calls the governance service as the person signed in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from openics.core.audit import Refused
from openics.governance import compliance
from openics.governance import services as gov
from openics.governance.models import Membership
from openics.kernel import spreadsheets
from openics.regimes.model import RuleContext
from openics.regimes.registry import regime_in_force_on
from openics.workspace import access
from openics.workspace.forms import DeclareForm, GiftForm, NilReturnForm
from openics.workspace.views.common import actor, error_list, organisation, page, person_of, today


def _member(request, org):
    """The person signed in, as the register knows them, or None (the page says so)."""
    return person_of(request.user)


def _form_page(request, org, template, form, refusals, person, **extra):
    return page(
        request,
        template,
        {"form": form, "errors": error_list(form, refusals), "person": person, **extra},
        org=org,
    )


@login_required
@require_http_methods(["GET", "POST"])
def declare(request, code: str):
    org = organisation(code)
    access.require(request, "declare_interest", org.code)
    person = _member(request, org)
    form = DeclareForm(request.POST or None)
    refusals: list[str] = []
    if request.method == "POST" and person is not None and form.is_valid():
        data = form.cleaned_data
        try:
            gov.declare_interest(
                person=person,
                organisation=data["organisation"],
                category=data["category"],
                nature=data["nature"],
                arose_on=data["arose_on"],
                declared_on=today(),
                ends_on=data["ends_on"],
                related_person=data["related_person"],
                actor=actor(request),
                reason=f"declared by {request.user.get_username()} in the workspace",
            )
        except Refused as exc:
            refusals = exc.reasons
        else:
            return redirect("workspace:my-interests", code=org.code)
    return _form_page(request, org, "interests/declare.jinja", form, refusals, person)


@login_required
@require_http_methods(["GET", "POST"])
def nil_return(request, code: str):
    org = organisation(code)
    access.require(request, "nil_return", org.code)
    person = _member(request, org)
    form = NilReturnForm(request.POST or None, initial={"made_on": today()})
    refusals: list[str] = []
    if request.method == "POST" and person is not None and form.is_valid():
        try:
            gov.make_return(
                person=person,
                made_on=form.cleaned_data["made_on"],
                nil=True,
                actor=actor(request),
                reason=f"nil return made by {request.user.get_username()} in the workspace",
            )
        except Refused as exc:
            refusals = exc.reasons
        else:
            return redirect("workspace:my-interests", code=org.code)
    return _form_page(request, org, "interests/nil_return.jinja", form, refusals, person)


def gift_thresholds(on) -> dict | None:
    """What the regime in force says must be declared or approved, for the form's guidance."""
    regime = regime_in_force_on(on)
    if regime is None:
        return None
    ctx = RuleContext(regime, on)
    return {"regime": regime.title, "spec": ctx.param("governance.gifts")}


@login_required
@require_http_methods(["GET", "POST"])
def record_gift(request, code: str):
    org = organisation(code)
    access.require(request, "record_gift", org.code)
    person = _member(request, org)
    form = GiftForm(request.POST or None, initial={"accepted": True})
    refusals: list[str] = []
    recorded = None
    if request.method == "POST" and person is not None and form.is_valid():
        data = form.cleaned_data
        try:
            recorded = gov.record_gift(
                person=person,
                kind=data["kind"],
                description=data["description"],
                value=data["value"],
                received_on=data["received_on"],
                source=data["source"],
                source_name=data["source_name"] if not data["source"] else "",
                from_supplier=data["from_supplier"],
                from_patient=data["from_patient"],
                cash_or_voucher=data["cash_or_voucher"],
                accepted=data["accepted"],
                senior_approval=data["senior_approval"],
                declared_on=today() if data["declared"] else None,
                actor=actor(request),
                reason=f"recorded by {request.user.get_username()} in the workspace",
            )
        except Refused as exc:
            refusals = exc.reasons
    return _form_page(
        request,
        org,
        "interests/gift.jinja",
        form,
        refusals,
        person,
        recorded=recorded,
        thresholds=gift_thresholds(today()),
    )


@login_required
def my_interests(request, code: str):
    org = organisation(code)
    person = person_of(request.user)
    owed = None
    if person is not None:
        owed = next((o for o in compliance.declarations_owed(today()) if o.person == person), None)
    return page(
        request,
        "interests/mine.jinja",
        {
            "person": person,
            "declarations": list(person.declarations.select_related("organisation"))
            if person
            else [],
            "returns": list(person.returns.order_by("-made_on")) if person else [],
            "gifts": list(person.gifts.order_by("-received_on")) if person else [],
            "owed": owed,
        },
        org=org,
    )


DUE_COLUMNS = ("person", "person_key", "seat", "what", "due_by", "overdue")


def _due_rows(org) -> list[dict]:
    day = today()
    members = {
        m.person_id: m
        for m in Membership.objects.on(day)
        .filter(seat__board__organisation=org)
        .select_related("person", "seat")
    }
    rows = []
    for owed in compliance.declarations_owed(day):
        membership = members.get(owed.person.pk)
        if membership is None:
            continue
        for due in owed.due:
            rows.append(
                {
                    "person": owed.person.name,
                    "person_key": owed.person.slug,
                    "seat": membership.seat.title,
                    "what": due.what,
                    "due_by": due.due_by,
                    "overdue": due.overdue,
                }
            )
    return sorted(rows, key=lambda r: (not r["overdue"], r["due_by"], r["person"]))


@login_required
def due(request, code: str):
    """The secretary's list of declarations due and overdue: a page to print."""
    org = organisation(code)
    access.require(request, "appoint", org.code)  # the board secretary's business (manage_board)
    rows = _due_rows(org)
    return page(request, "interests/due.jinja", {"rows": rows, "day": today()}, org=org)


@login_required
def due_csv(request, code: str):
    org = organisation(code)
    access.require(request, "appoint", org.code)
    rows = [
        [
            r["person"],
            r["person_key"],
            r["seat"],
            r["what"],
            r["due_by"].isoformat(),
            "true" if r["overdue"] else "false",
        ]
        for r in _due_rows(org)
    ]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{org.code}-declarations-due.csv"'
    writer = spreadsheets.writer(response)
    writer.writerow(DUE_COLUMNS)
    writer.writerows(rows)
    return response
