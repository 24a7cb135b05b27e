"""Plans on the portal: the integrated care strategy, the joint forward plans, capital
resource use plans, annual reports and needs assessments of a system, each aim with what
has been decided and spent for it, the deadlines of the yearly documents, and the
decisions that record no regard to the strategy."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from openics.organisations.selectors import OrganisationNotFound, organisation_by_code
from openics.plans import selectors

_HOME = {"href": "/", "text": "Home"}


def plans(request):
    icbs = selectors.plan_icbs()
    code = request.GET.get("icb", "").strip()
    icb = None
    if code:
        try:
            icb = organisation_by_code(code, kind="icb")
        except OrganisationNotFound as exc:
            raise Http404(str(exc)) from exc
    elif icbs:
        icb = icbs[0]
    today = timezone.localdate()
    documents = selectors.documents(icb) if icb else []
    return render(
        request,
        "plans/plans.jinja",
        {
            "icb": icb,
            "icbs": icbs,
            "today": today,
            "documents": documents,
            "aims": selectors.aims_of(icb) if icb else [],
            "deadlines": selectors.all_deadlines(icb, today) if icb else [],
            "without_regard": selectors.regard_gaps(icb, today) if icb else [],
            "any_illustrative": any(d.illustrative for d in documents),
            "breadcrumbs": [_HOME],
        },
    )
