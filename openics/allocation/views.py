"""Allocation pages: published ICB allocations recomputed, and place budgets explained."""

from decimal import Decimal

from django.http import Http404
from django.shortcuts import render

from openics.allocation import selectors
from openics.allocation.models import AllocationTotal, PlaceAllocationRun
from openics.kernel.money import Money
from openics.organisations.models import Organisation

_CRUMBS = [{"href": "/", "text": "Home"}, {"href": "/money/", "text": "Money"}]


def allocations(request):
    year = request.GET.get("year") or None
    rows = selectors.reproduce_published(year)
    years = sorted({r.published.financial_year for r in rows})
    return render(
        request,
        "allocation/allocations.jinja",
        {
            "rows": rows,
            "years": years,
            "year": year,
            "totals": selectors.totals_by_year(),
            "matching": sum(1 for r in rows if r.matches),
            "breadcrumbs": [{"href": "/", "text": "Home"}],
        },
    )


def icb_places(request, icb_code: str):
    icb = Organisation.objects.filter(kind="icb", code=icb_code.upper()).first()
    if icb is None:
        raise Http404(f"no ICB with code {icb_code}")
    runs = PlaceAllocationRun.objects.filter(icb=icb)
    run = runs.filter(status="approved").first() or runs.first()
    rows = []
    if run:
        for r in run.results:
            rows.append(
                {
                    **r,
                    "registered": Decimal(r["registered"]),
                    "weighted": Decimal(r["weighted"]),
                    "share": Decimal(r["share"]) * 100,
                    "need_index": Decimal(r["need_index"]),
                    "budget": Money(r["budget_pence"]),
                    "target": Money(r.get("target_pence", r["budget_pence"])),
                    "chart_need": {"label": r["name"], "value": Decimal(r["need_index"])},
                    "chart_budget": {
                        "label": r["name"],
                        "value": Money(r["per_head_pence"]).to_decimal(),
                    },
                    "per_head": Money(r["per_head_pence"]),
                }
            )
    components, chosen = [], None
    if run:
        from openics.allocation.tool import ToolError, place_rows

        try:
            by_place = place_rows(icb, run.financial_year, "place")
        except ToolError:
            by_place = []
        keys = [r["key"] for r in run.results]
        chosen = request.GET.get("place") if request.GET.get("place") in keys else keys[0]
        components = [
            {
                "label": r["component"],
                "value": r["need_index"],
                "weighted": r["weighted_population"],
                "population": r["population"],
            }
            for r in by_place
            if r["place_code"] == chosen
        ]
    return render(
        request,
        "allocation/icb_places.jinja",
        {
            "icb": icb,
            "run": run,
            "rows": rows,
            "runs": runs,
            "components": components,
            "chosen": chosen,
            "published": icb.published_allocations.order_by("financial_year", "line"),
            "breadcrumbs": _CRUMBS,
        },
    )


def _fair_share_inputs(request):
    """The populations year and the total to share: from the query, or the latest loaded."""
    from openics.population.selectors import latest_financial_year

    year = request.GET.get("year") or latest_financial_year()
    total_text = request.GET.get("total", "").strip()
    if total_text:
        try:
            return year, Money.parse(total_text), "the total you entered"
        except ValueError as exc:
            request.total_error = str(exc)
    # England's total for the populations' year if one is recorded, else the latest one.
    recorded = AllocationTotal.objects.filter(icb__isnull=True, line="core")
    total = (
        recorded.filter(financial_year=year).first() or recorded.order_by("-financial_year").first()
    )
    if total is None:
        return year, None, ""
    return year, total.amount, f"England's {total.financial_year} total: {total.source}"


def fair_shares(request):
    year, total, total_source = _fair_share_inputs(request)
    rows = selectors.national_fair_shares(year, total) if (year and total) else []
    return render(
        request,
        "allocation/fair_shares.jinja",
        {
            "rows": rows,
            "year": year,
            "total": total,
            "total_source": total_source,
            "total_error": getattr(request, "total_error", ""),
            "breadcrumbs": _CRUMBS,
        },
    )


def fair_share_explained(request, icb_code: str):
    year, total, total_source = _fair_share_inputs(request)
    rows = selectors.national_fair_shares(year, total) if (year and total) else []
    row = next((r for r in rows if r.icb.code == icb_code.upper()), None)
    if row is None:
        raise Http404(f"no fair share for an ICB with code {icb_code}")
    return render(
        request,
        "allocation/fair_share.jinja",
        {
            "row": row,
            "year": year,
            "total": total,
            "total_source": total_source,
            "breadcrumbs": [*_CRUMBS, {"href": "/money/fair-shares/", "text": "Fair shares"}],
        },
    )
