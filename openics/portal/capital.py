"""Capital on the portal (the critics' Q14): each system's capital plan against its capital
resource use limit by year, and what PFI charges cost, by year and by private partner, as
charts beside their tables. Read-only."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from openics.capital import selectors
from openics.organisations.selectors import (
    OrganisationNotFound,
    organisation_by_code,
    system_employers,
)

_HOME = {"href": "/", "text": "Home"}
_MONEY = {"href": "/money/", "text": "Money"}


def capital(request):
    icbs = selectors.capital_icbs()
    code = request.GET.get("icb", "").strip()
    icb = None
    if code:
        try:
            icb = organisation_by_code(code, kind="icb")
        except OrganisationNotFound as exc:
            raise Http404(str(exc)) from exc
    elif icbs:
        icb = icbs[0]
    plan = selectors.capital_plan(icb) if icb else []
    pfi = selectors.pfi_costs(system_employers(icb) if icb else None)
    plan_chart = [
        {"label": y.year, "value": y.position.against_limit_pence / 100_000_000} for y in plan
    ]
    limits = [y.position.limit_pence for y in plan if y.position.limit_pence is not None]
    return render(
        request,
        "money/capital.jinja",
        {
            "icb": icb,
            "icbs": icbs,
            "plan": plan,
            "plan_chart": plan_chart,
            "chart_limit": max(limits) / 100_000_000 if limits else None,
            "pfi": pfi,
            "pfi_year_chart": [
                {"label": year, "value": amount.pence / 100_000_000}
                for year, amount in pfi.by_year.items()
            ],
            "pfi_partner_chart": [
                {"label": partner.name, "value": amount.pence / 100_000_000}
                for partner, amount in pfi.by_partner.items()
            ],
            "pfi_illustrative": any(s.illustrative for s in pfi.schemes),
            "breadcrumbs": [_HOME, _MONEY],
        },
    )
