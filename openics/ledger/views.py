"""The books on the portal: follow the money (with a Sankey diagram), balances, open data."""

from __future__ import annotations

from collections import defaultdict

from django.http import Http404, HttpResponse
from django.shortcuts import render

from openics.kernel.money import Money
from openics.kernel.years import FinancialYear
from openics.ledger import selectors
from openics.ledger.exports import write_spend_over_25k
from openics.ledger.models import Account, Posting, Purpose
from openics.ledger.sankey import layout
from openics.organisations.models import Organisation
from openics.organisations.selectors import OrganisationNotFound, organisation_by_code

_CRUMBS = [{"href": "/", "text": "Home"}, {"href": "/money/", "text": "Money"}]


def _years() -> list[str]:
    return sorted(set(Posting.objects.values_list("financial_year", flat=True).distinct()))


def _year(request, years: list[str]) -> str:
    asked = request.GET.get("year")
    if asked:
        try:
            return FinancialYear.parse(asked).label
        except ValueError as exc:
            raise Http404(str(exc)) from None
    return years[-1] if years else ""


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
        return render(request, "ledger/follow.jinja", context)
    try:
        start = selectors.resolve_start(spec)
    except selectors.TraceError as exc:
        context["error"] = str(exc)
        return render(request, "ledger/follow.jinja", context, status=404)
    traced = selectors.follow(start, year, upstream=upstream)
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
    return render(request, "ledger/follow.jinja", context)


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
        "ledger/index.jinja",
        {"bodies": rows, "years": _years(), "breadcrumbs": _CRUMBS},
    )


def _body(code: str) -> Organisation:
    try:
        return organisation_by_code(code)
    except OrganisationNotFound as exc:
        raise Http404(str(exc)) from None


def balance(request, code: str, year: str):
    body = _body(code)
    try:
        year = FinancialYear.parse(year).label
    except ValueError as exc:
        raise Http404(str(exc)) from None
    result = selectors.icb_balance(body, year)
    return render(
        request,
        "ledger/balance.jinja",
        {
            "body": body,
            "result": result,
            "year": year,
            "years": _years(),
            "breadcrumbs": [*_CRUMBS, {"href": "/money/books/", "text": "The books"}],
        },
    )


def spend_over_25k(request, code: str, year: str):
    body = _body(code)
    try:
        year = FinancialYear.parse(year).label
    except ValueError as exc:
        raise Http404(str(exc)) from None
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"spend-over-25k-{body.public_code}-{year.replace('/', '-')}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    write_spend_over_25k(body, year, response)
    return response
