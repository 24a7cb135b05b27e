"""People on the portal: staff by organisation and staff group over time, from NHS
Digital's published workforce statistics, and staff who moved between bodies with the
terms they moved on (the critics' Q15). Read-only."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from openics.organisations import selectors
from openics.organisations.selectors import OrganisationNotFound

_HOME = {"href": "/", "text": "Home"}
_PEOPLE = {"href": "/people/", "text": "People"}
PUBLISHER = "NHS Digital, HCHS workforce statistics: staff by staff group and organisation"


def people(request):
    icb = None
    code = request.GET.get("icb", "").strip()
    if code:
        try:
            icb = selectors.organisation_by_code(code, kind="icb")
        except OrganisationNotFound as exc:
            raise Http404(str(exc)) from exc
    days, bodies = selectors.staff_by_organisation(within=icb)
    transfers = selectors.staff_transfers()
    return render(
        request,
        "people/people.jinja",
        {
            "icb": icb,
            "days": days,
            "bodies": bodies,
            "sources": selectors.staff_sources(),
            "publisher": PUBLISHER,
            "transfers": transfers,
            "any_illustrative": any(t.illustrative for t in transfers),
            "breadcrumbs": [_HOME],
        },
    )


def staff(request, code: str):
    try:
        body = selectors.organisation_by_code(code)
    except OrganisationNotFound as exc:
        raise Http404(str(exc)) from exc
    table = selectors.staff_of(body)
    transfers = selectors.staff_transfers(body)
    return render(
        request,
        "people/staff.jinja",
        {
            "body": body,
            "table": table,
            "publisher": PUBLISHER,
            "transfers": transfers,
            "any_illustrative": any(t.illustrative for t in transfers),
            "breadcrumbs": [_HOME, _PEOPLE],
        },
    )
