"""Public pages. Thin: each asks a selector or the regimes package and renders."""

from django.http import Http404
from django.shortcuts import render

from openics.regimes import RegimeError, all_regimes, get_regime
from openics.transparency.navigation import SECTIONS


def home(request):
    return render(request, "transparency/home.jinja", {"sections": SECTIONS})


def regime_list(request):
    return render(request, "transparency/regime_list.jinja", {"regimes": all_regimes()})


def regime_detail(request, regime_id: str):
    try:
        regime = get_regime(regime_id)
    except RegimeError as exc:
        raise Http404(str(exc)) from exc
    return render(request, "transparency/regime_detail.jinja", {"regime": regime})
