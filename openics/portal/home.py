"""The home page and the Regimes section: each rulebook, its dated parameters and its rules."""

from django.http import Http404
from django.shortcuts import render

from openics.core.audit import demonstration_loaded
from openics.portal.navigation import SECTIONS
from openics.regimes import RegimeError, all_regimes, get_regime


def _headlines() -> dict:
    """A few headline figures for the home page, each from the selector its own page uses:
    the 42 ICBs' distance from target (NHS England's published allocations, recomputed) and
    the money diagram from NHS England (the books), with where each comes from."""
    from openics.allocation.selectors import reproduce_published
    from openics.ledger import selectors as books
    from openics.portal import money, money_reports

    found: dict = {}
    published = reproduce_published(line="core")
    if published:
        year = max(r.published.financial_year for r in published)
        rows = sorted(
            (r for r in published if r.published.financial_year == year),
            key=lambda r: r.distance,
        )
        found["distance"] = {
            "year": year,
            "source": rows[0].published.source_name,
            "count": len(rows),
            "items": [
                {"label": r.published.icb.name.removeprefix("NHS "), "value": r.distance * 100}
                for r in rows
            ],
        }
    ways = money_reports.ways_in()
    if ways["year"]:
        try:
            start = books.resolve_start("nhse")
        except books.TraceError:
            start = None
        if start is not None:
            traced = books.follow(start, ways["year"])
            if traced.flows:
                found["diagram"] = {"traced": traced, "sankey": money.money_diagram(traced)}
        found["ways"] = ways
    return found


def home(request):
    return render(
        request,
        "home.jinja",
        {
            "sections": SECTIONS,
            "demonstration": demonstration_loaded(),
            "headlines": _headlines(),
        },
    )


def regime_list(request):
    return render(request, "regimes/regime_list.jinja", {"regimes": all_regimes()})


def regime_detail(request, regime_id: str):
    try:
        regime = get_regime(regime_id)
    except RegimeError as exc:
        raise Http404(str(exc)) from exc
    return render(request, "regimes/regime_detail.jinja", {"regime": regime})
