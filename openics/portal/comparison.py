"""One whole system under every regime: the summary table, the chart of pounds affected,
each finding with its evidence and citation, and the same figures as JSON and CSV."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render

from openics.arranging.whole_system import compare, systems
from openics.kernel import spreadsheets
from openics.kernel.money import Money
from openics.organisations.selectors import OrganisationNotFound
from openics.regimes import RegimeError
from openics.regimes.judgement import VERDICTS, comparison_rows


class BadQuery(Exception):
    pass


def _read(request) -> tuple[str, date, list[str]]:
    code = request.GET.get("system", "").strip()
    if not code:
        found = systems()
        if not found:
            raise Http404("no system has boards or contracts on the record")
        code = found[0].code
    text = request.GET.get("on", "").strip()
    try:
        on = date.fromisoformat(text) if text else date.today()
    except ValueError as exc:
        raise BadQuery(f"{text!r} is not a date; write it as YYYY-MM-DD") from exc
    ids = [i.strip() for i in request.GET.get("regimes", "").split(",") if i.strip()]
    return code, on, ids


def _data(request) -> dict:
    code, on, ids = _read(request)
    try:
        return compare(code, on, ids)
    except OrganisationNotFound as exc:
        raise Http404(str(exc)) from exc
    except RegimeError as exc:
        raise BadQuery(str(exc)) from exc


def _money(text: str) -> Money:
    return Money.from_pounds(Decimal(text))


def compare_page(request):
    try:
        data = _data(request)
    except BadQuery as exc:
        return HttpResponseBadRequest(str(exc))
    chart = [
        {"label": r["id"], "value": float(Decimal(r["summary"]["not_allowed_pounds"]))}
        for r in data["regimes"]
    ]
    query = f"system={data['system']['code']}&on={data['on']}"
    return render(
        request,
        "regimes/compare.jinja",
        {
            "data": data,
            "chart": chart,
            "verdicts": VERDICTS,
            "money": _money,
            "query": query,
            "systems": systems(),
        },
    )


def compare_json(request):
    try:
        data = _data(request)
    except BadQuery as exc:
        return HttpResponseBadRequest(str(exc))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = 'attachment; filename="regimes-compare.json"'
    return response


def compare_csv(request):
    try:
        data = _data(request)
    except BadQuery as exc:
        return HttpResponseBadRequest(str(exc))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="regimes-compare.csv"'
    spreadsheets.writer(response).writerows(comparison_rows(data))
    return response
