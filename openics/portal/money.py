"""The Money section: fair shares and place budgets, the books, and where every pound goes."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import render

from openics.allocation import selectors as shares
from openics.allocation.models import AllocationTotal, PlaceAllocationRun
from openics.kernel.money import Money
from openics.kernel.years import FinancialYear
from openics.ledger import selectors as books
from openics.ledger.exports import write_spend_over_25k
from openics.ledger.models import Account, Posting, Purpose
from openics.ledger.sankey import layout
from openics.organisations.models import Organisation
from openics.organisations.selectors import OrganisationNotFound, organisation_by_code
from openics.portal import money_reports
from openics.portal.record import stamp

_CRUMBS = [{"href": "/", "text": "Home"}, {"href": "/money/", "text": "Money"}]

# -- fair shares and place budgets ----------------------------------------------------------


class _BadYear(Exception):
    pass


def _asked_year(request, default=None):
    """The ?year= of a page as stored (2025/26), whichever way it was written; a text that is
    not a financial year is a 400 with the reason."""
    asked = request.GET.get("year", "").strip()
    if not asked:
        return default
    try:
        return FinancialYear.parse(asked).label
    except ValueError as exc:
        raise _BadYear(str(exc)) from None


def _refuse_bad_years(view):
    import functools

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _BadYear as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")

    return checked


@_refuse_bad_years
def allocations(request):
    year = _asked_year(request)
    rows = shares.reproduce_published(year)
    years = sorted({r.published.financial_year for r in rows})
    return render(
        request,
        "money/allocations.jinja",
        {
            "rows": rows,
            "years": years,
            "year": year,
            "totals": shares.totals_by_year(),
            "matching": sum(1 for r in rows if r.matches),
            "ways": money_reports.ways_in(),
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
        "money/icb_places.jinja",
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

    year = _asked_year(request) or latest_financial_year()
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


@_refuse_bad_years
def fair_shares(request):
    year, total, total_source = _fair_share_inputs(request)
    rows = shares.national_fair_shares(year, total) if (year and total) else []
    return render(
        request,
        "money/fair_shares.jinja",
        {
            "rows": rows,
            "year": year,
            "total": total,
            "total_source": total_source,
            "total_error": getattr(request, "total_error", ""),
            "breadcrumbs": _CRUMBS,
        },
    )


@_refuse_bad_years
def fair_share_explained(request, icb_code: str):
    year, total, total_source = _fair_share_inputs(request)
    rows = shares.national_fair_shares(year, total) if (year and total) else []
    row = next((r for r in rows if r.icb.code == icb_code.upper()), None)
    if row is None:
        raise Http404(f"no fair share for an ICB with code {icb_code}")
    return render(
        request,
        "money/fair_share.jinja",
        {
            "row": row,
            "year": year,
            "total": total,
            "total_source": total_source,
            "breadcrumbs": [*_CRUMBS, {"href": "/money/fair-shares/", "text": "Fair shares"}],
        },
    )


# -- the books ---------------------------------------------------------------------------


def _years() -> list[str]:
    return sorted(set(Posting.objects.values_list("financial_year", flat=True).distinct()))


def _year(request, years: list[str]) -> str:
    return _asked_year(request) or (years[-1] if years else "")


def _node(account: Account) -> tuple[str, str]:
    """Which box of the diagram an account is drawn in (its organisation, place or fund)."""
    org = account.organisation
    if org.kind == "gp_practice":
        return "gp-practices", "GP practices"
    if account.ring_fence_id:
        return f"fence-{account.ring_fence_id}", account.ring_fence.name
    who = org.code or org.name
    if account.purpose == Purpose.BUDGET:
        if account.place is not None:
            return f"{org.pk}-{account.place.pk}", f"{who}: {account.place.name}"
        return f"{org.pk}-programmes", f"{who}: programme budgets"
    return str(org.pk), org.name


def _diagram_flows(traced) -> tuple[dict, dict]:
    """Flows between boxes. A commitment is drawn inside the budget that funded most of it."""
    biggest_source: dict = {}
    for source, target, amount in traced.flows:
        if target.purpose in (Purpose.COMMITMENT, Purpose.PAYABLE):
            best = biggest_source.get(target.pk)
            if best is None or amount > best[1]:
                biggest_source[target.pk] = (source, amount)

    def node(account, seen=0):
        if account.pk in biggest_source and seen < 5:
            return node(biggest_source[account.pk][0], seen + 1)
        return _node(account)

    labels, flows = {}, defaultdict(int)
    for source, target, amount in traced.flows:
        s_key, s_label = node(source)
        t_key, t_label = node(target)
        labels[s_key], labels[t_key] = s_label, t_label
        if s_key != t_key:
            flows[(s_key, t_key)] += amount.pence
    return labels, flows


def money_diagram(traced):
    """The Sankey layout of a trace, as the follow-the-money page and the home page draw it."""
    labels, flows = _diagram_flows(traced)
    return layout(labels, flows)


def _starts() -> list[dict]:
    starts = [{"spec": "nhse", "label": "NHS England"}]
    if Account.objects.filter(purpose=Purpose.FUNDING, organisation__kind="dhsc").exists():
        starts.append({"spec": "dhsc", "label": "Department of Health and Social Care"})
    for account in Account.objects.filter(purpose=Purpose.ALLOCATION).select_related(
        "organisation"
    ):
        starts.append(
            {"spec": f"icb:{account.organisation.code}", "label": account.organisation.name}
        )
    for account in Account.objects.filter(
        purpose=Purpose.BUDGET, place__isnull=False
    ).select_related("place"):
        starts.append({"spec": f"account:{account.key}", "label": account.place.name})
    return starts


@_refuse_bad_years
def follow_money(request):
    years = _years()
    year = _year(request, years)
    spec = request.GET.get("from", "nhse")
    upstream = request.GET.get("reverse") == "1"
    context = {
        "years": years,
        "year": year,
        "spec": spec,
        "upstream": upstream,
        "starts": _starts(),
        "breadcrumbs": _CRUMBS,
    }
    if not years:
        return render(request, "money/follow.jinja", context)
    try:
        start = books.resolve_start(spec)
    except books.TraceError as exc:
        context["error"] = str(exc)
        return render(request, "money/follow.jinja", context, status=404)
    traced = books.follow(start, year, upstream=upstream)
    labels, flows = _diagram_flows(traced)
    diagram = layout(labels, flows)
    table = sorted(
        (
            {"source": labels[s], "target": labels[t], "amount": Money(v)}
            for (s, t), v in flows.items()
        ),
        key=lambda r: -r["amount"].pence,
    )
    context.update(
        {
            "start": start,
            "traced": traced,
            "sankey": diagram,
            "flow_rows": table,
            "organisations": traced.by_organisation(),
        }
    )
    return render(request, "money/follow.jinja", context)


def books_index(request):
    bodies = (
        Organisation.objects.filter(
            ledger_accounts__purpose__in=[Purpose.ALLOCATION, Purpose.BUDGET]
        )
        .exclude(ledger_accounts__isnull=True)
        .distinct()
        .order_by("name")
    )
    rows = [b for b in bodies if b.public_code]
    return render(
        request,
        "money/index.jinja",
        {"bodies": rows, "years": _years(), "breadcrumbs": _CRUMBS},
    )


def _body_and_year(code: str, year: str) -> tuple[Organisation, str]:
    """The body and financial year a books address names; a 404 if either is not known."""
    try:
        return organisation_by_code(code), FinancialYear.parse(year).label
    except (OrganisationNotFound, ValueError) as exc:
        raise Http404(str(exc)) from None


def balance(request, code: str, year: str):
    body, year = _body_and_year(code, year)
    result = books.icb_balance(body, year)
    from openics.ledger.reports import allocation_figures

    return render(
        request,
        "money/balance.jinja",
        {
            "body": body,
            "result": result,
            "figures": allocation_figures(body, year) if body.kind == "icb" else None,
            "year": year,
            "years": _years(),
            "breadcrumbs": [*_CRUMBS, {"href": "/money/books/", "text": "The books"}],
        },
    )


def spend_over_25k(request, code: str, year: str):
    body, year = _body_and_year(code, year)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"spend-over-25k-{body.public_code}-{year.replace('/', '-')}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    write_spend_over_25k(body, year, response)
    return stamp(response)
