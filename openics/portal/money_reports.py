"""The Money section's reports: providers in surplus or deficit, subcontracting by depth,
ring-fenced and pooled funds, and spend by place against need. Each page and its CSV read
the same selector in `openics.ledger.reports` as `openics money …` and the API."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from openics.kernel import spreadsheets
from openics.kernel.years import FinancialYear
from openics.ledger import reports
from openics.ledger.models import Posting
from openics.organisations.selectors import OrganisationNotFound, organisation_by_code
from openics.portal.record import stamp

_CRUMBS = [{"href": "/", "text": "Home"}, {"href": "/money/", "text": "Money"}]


class BadYear(Exception):
    pass


def years_in_books() -> list[str]:
    return sorted(set(Posting.objects.values_list("financial_year", flat=True).distinct()))


def _year(request) -> str:
    """The ?year= asked for (any way a financial year is written), else the books' latest."""
    asked = request.GET.get("year", "").strip()
    if asked:
        try:
            return FinancialYear.parse(asked).label
        except ValueError as exc:
            raise BadYear(str(exc)) from None
    years = years_in_books()
    return years[-1] if years else ""


def _checked(view):
    import functools

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadYear as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")

    return wrapped


def _csv(report, name: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    header, rows = report.table()
    out = spreadsheets.writer(response)
    out.writerow(header)
    out.writerows(rows)
    return stamp(response)


def _page(request, template: str, context: dict, year: str):
    return render(
        request,
        template,
        {**context, "year": year, "years": years_in_books(), "breadcrumbs": _CRUMBS},
    )


@_checked
def providers(request, as_csv: bool = False):
    year = _year(request)
    report = reports.provider_results(year) if year else None
    if as_csv:
        if report is None:
            raise Http404("the books are empty")
        return _csv(report, f"providers-surplus-or-deficit-{year.replace('/', '-')}")
    return _page(request, "money/providers.jinja", {"report": report}, year)


@_checked
def subcontracts(request, as_csv: bool = False):
    year = _year(request)
    report = reports.subcontracting(year) if year else None
    if as_csv:
        if report is None:
            raise Http404("the books are empty")
        return _csv(report, f"subcontracting-{year.replace('/', '-')}")
    return _page(request, "money/subcontracts.jinja", {"report": report}, year)


@_checked
def funds(request, as_csv: bool = False):
    year = _year(request)
    found = reports.ring_fenced_funds(year) if year else []
    if as_csv:
        if not year:
            raise Http404("the books are empty")

        class _All:
            def table(self):
                header, rows = reports.FundReport.HEADER, []
                for f in found:
                    rows += f.table()[1]
                return header, rows

        return _csv(_All(), f"ring-fenced-funds-{year.replace('/', '-')}")
    return _page(request, "money/funds.jinja", {"funds": found}, year)


@_checked
def fund(request, key: str, as_csv: bool = False):
    try:
        fence = reports.find_fund(key)
    except reports.FundNotFound as exc:
        raise Http404(str(exc)) from None
    year = _year(request)
    report = reports.fund_report(fence, year) if year else None
    if report is None:
        raise Http404("the books are empty")
    if as_csv:
        return _csv(report, f"fund-{fence.pk}-{year.replace('/', '-')}")
    return _page(
        request,
        "money/fund.jinja",
        {"fund": report, "breadcrumbs_extra": {"href": "/money/funds/", "text": "Funds"}},
        year,
    )


def _icb(code: str):
    try:
        body = organisation_by_code(code)
    except OrganisationNotFound as exc:
        raise Http404(str(exc)) from None
    if body.kind != "icb":
        raise Http404(f"{body.name} is not an integrated care board")
    return body


@_checked
def places(request, code: str, year: str, as_csv: bool = False):
    icb = _icb(code)
    try:
        year = FinancialYear.parse(year).label
    except ValueError as exc:
        raise Http404(str(exc)) from None
    report = reports.place_spend(icb, year)
    if as_csv:
        return _csv(report, f"place-spend-{icb.code}-{year.replace('/', '-')}")
    return _page(request, "money/places.jinja", {"report": report, "icb": icb}, year)


def ways_in() -> dict:
    """Links into the books for the Money page and the home page: each ICB with an allocation
    in the books, its latest year, and the ring-fenced funds of that year."""
    from openics.ledger.models import Account, Purpose

    years = years_in_books()
    if not years:
        return {"year": "", "icbs": [], "funds": []}
    year = years[-1]
    icbs = [
        a.organisation
        for a in Account.objects.filter(
            purpose=Purpose.ALLOCATION, organisation__kind="icb"
        ).select_related("organisation")
    ]
    funds = reports.ring_fenced_funds(year)
    return {"year": year, "icbs": sorted(icbs, key=lambda o: o.name), "funds": funds}
