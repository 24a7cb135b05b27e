"""How services were arranged, on the portal: the register of provider selection decisions,
each decision's record, open standstill periods and the notices as published."""

from __future__ import annotations

import re
from datetime import date

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from openics.arranging import selectors
from openics.arranging.facts import regard_flags
from openics.arranging.models import DecisionStatus, Process
from openics.kernel import spreadsheets
from openics.organisations.models import OwnershipClass
from openics.portal.record import stamp

_CRUMBS = [{"href": "/", "text": "Home"}, {"href": "/arranging/decisions/", "text": "Decisions"}]


def decision_register(request):
    parsed = selectors.parse_filters(request.GET)
    rows = [
        {"decision": d, "process_title": selectors.process_title(d)}
        for d in selectors.register(parsed.filters)
    ]
    return render(
        request,
        "arranging/register.jinja",
        {
            "rows": rows,
            "filters": parsed.filters,
            "errors": parsed.errors,
            "query": request.GET,
            "processes": Process.choices,
            "statuses": DecisionStatus.choices,
            "ownerships": OwnershipClass.choices,
            "places": selectors.places_with_decisions(),
            "illustrative_text": selectors.ILLUSTRATIVE,
            "any_illustrative": any(r["decision"].shows_illustrative for r in rows),
            "breadcrumbs": [{"href": "/", "text": "Home"}],
            **_published_in_register(),
        },
        status=400 if parsed.errors else 200,
    )


# The register shows the newest published notices; their own list has them all.
REGISTER_PUBLISHED = 20
PUBLISHED_PAGE = 100


def _published_in_register() -> dict:
    notices = selectors.published_notices()
    return {
        "published": [selectors.published_notice_record(n) for n in notices[:REGISTER_PUBLISHED]],
        "published_count": notices.count(),
        "published_imports": list(selectors.published_imports()),
        "published_label": selectors.PUBLISHED_LABEL,
    }


def published_notices(request):
    notices = selectors.published_notices()
    total = notices.count()
    pages = max(1, -(-total // PUBLISHED_PAGE))
    text = (request.GET.get("page") or "1").strip()
    error = ""
    page = 1
    if not re.fullmatch(r"[0-9]{1,9}", text) or not 1 <= int(text) <= pages:
        error = f"There is no page {text!r}: pages run from 1 to {pages}"
    else:
        page = int(text)
    start = (page - 1) * PUBLISHED_PAGE
    records = (
        []
        if error
        else [selectors.published_notice_record(n) for n in notices[start : start + PUBLISHED_PAGE]]
    )
    return render(
        request,
        "arranging/published_notices.jinja",
        {
            "records": records,
            "total": total,
            "page": page,
            "pages": pages,
            "error": error,
            "published_label": selectors.PUBLISHED_LABEL,
            "breadcrumbs": _CRUMBS,
        },
        status=400 if error else 200,
    )


def published_notice(request, key: str):
    record = selectors.published_notice(key)
    if record is None:
        raise Http404(f"no published notice has the id {key}")
    return render(
        request,
        "arranging/published_notice.jinja",
        {
            "record": record,
            "n": record.notice,
            "published_label": selectors.PUBLISHED_LABEL,
            "breadcrumbs": [
                *_CRUMBS,
                {"href": reverse("arranging:published-notices"), "text": "Published notices"},
            ],
        },
    )


def published_notices_csv(request):
    from django.http import HttpResponse

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="published-notices.csv"'
    writer = spreadsheets.writer(response)
    writer.writerow(selectors.PUBLISHED_CSV_COLUMNS)
    writer.writerows(selectors.published_csv_rows(selectors.published_notices()))
    return stamp(response)


def decision(request, reference: str):
    record = selectors.decision_record(reference, today=timezone.localdate())
    if record is None:
        raise Http404(f"no provider selection decision has the reference {reference}")
    return render(
        request,
        "arranging/decision.jinja",
        {
            "record": record,
            "d": record.decision,
            "regard_flags": regard_flags(record.decision),
            "illustrative_text": selectors.ILLUSTRATIVE,
            "breadcrumbs": _CRUMBS,
        },
    )


def standstill(request):
    today = timezone.localdate()
    text = (request.GET.get("on") or "").strip()
    error = ""
    day = today
    if text:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            error = f"Enter a day as YYYY-MM-DD, such as {today:%Y-%m-%d}; {text!r} is not a day"
    rows = (
        []
        if error
        else [
            {
                "decision": d,
                "process_title": selectors.process_title(d),
                "earliest_award": selectors.earliest_award(d),
            }
            for d in selectors.open_standstills(day)
        ]
    )
    return render(
        request,
        "arranging/standstill.jinja",
        {
            "rows": rows,
            "on_day": day,
            "asked": text,
            "error": error,
            "is_today": day == today,
            "illustrative_text": selectors.ILLUSTRATIVE,
            "any_illustrative": any(r["decision"].shows_illustrative for r in rows),
            "breadcrumbs": _CRUMBS,
        },
        status=400 if error else 200,
    )


def notice(request, reference: str):
    record = selectors.notice_record(reference)
    if record is None:
        raise Http404(f"no notice has the reference {reference}")
    crumbs = list(_CRUMBS)
    if record.decision is not None:
        crumbs.append(
            {
                "href": reverse("arranging:decision", args=[record.decision.reference]),
                "text": record.decision.reference,
            }
        )
    return render(
        request,
        "arranging/notice.jinja",
        {
            "record": record,
            "n": record.notice,
            "illustrative_text": selectors.ILLUSTRATIVE,
            "breadcrumbs": crumbs,
        },
    )


def _summary_year(request):
    """The year asked for (the last complete one by default), or a 400 page's message."""
    from openics.kernel.years import FinancialYear

    asked = request.GET.get("year", "").strip()
    if not asked:
        return FinancialYear.containing(timezone.localdate()).previous(), ""
    try:
        return FinancialYear.parse(asked), ""
    except ValueError as exc:
        return None, str(exc)


def annual_summary(request):
    year, error = _summary_year(request)
    records = (
        []
        if error
        else [
            selectors.annual_summary(body, year)
            for body in selectors.annual_summary_commissioners()
        ]
    )
    return render(
        request,
        "arranging/annual_summary.jinja",
        {
            "year": year,
            "asked": request.GET.get("year", ""),
            "error": error,
            "records": records,
            "illustrative_text": selectors.ILLUSTRATIVE,
            "any_illustrative": any(r.illustrative for r in records),
            "breadcrumbs": _CRUMBS,
        },
        status=400 if error else 200,
    )


def annual_summary_csv(request):
    from django.http import HttpResponse

    year, error = _summary_year(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="psr-annual-summary-{year.slug}.csv"'
    writer = spreadsheets.writer(response)
    writer.writerow(
        ["authority", "authority_code", "financial_year", "item", "value", "illustrative"]
    )
    for body in selectors.annual_summary_commissioners():
        found = selectors.annual_summary(body, year)
        for item, value in found.rows:
            writer.writerow(
                [
                    body.name,
                    body.code,
                    year.label,
                    item,
                    value,
                    "yes" if found.illustrative else "no",
                ]
            )
    return stamp(response)
