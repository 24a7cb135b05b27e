"""The home page and the Regimes section: each rulebook, its dated parameters and its rules."""

from django.http import Http404
from django.shortcuts import render

from openics.core.audit import demonstration_loaded
from openics.portal.navigation import SECTIONS
from openics.regimes import RegimeError, all_regimes, get_regime


def home(request):
    return render(
        request, "home.jinja", {"sections": SECTIONS, "demonstration": demonstration_loaded()}
    )


def regime_list(request):
    return render(request, "regimes/regime_list.jinja", {"regimes": all_regimes()})


def regime_detail(request, regime_id: str):
    try:
        regime = get_regime(regime_id)
    except RegimeError as exc:
        raise Http404(str(exc)) from exc
    return render(request, "regimes/regime_detail.jinja", {"regime": regime})
