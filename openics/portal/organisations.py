"""Registry pages: the directory of ICSs, an organisation, search. Thin: selectors do the work."""

from django.http import Http404
from django.shortcuts import render

from openics.arranging import selectors as arranging
from openics.ledger import selectors as books
from openics.organisations import selectors
from openics.organisations.models import Organisation
from openics.population import selectors as population_selectors
from openics.regimes.vocabulary import BodyKind


def directory(request):
    year = population_selectors.latest_financial_year()
    groups = population_selectors.icb_directory(year)
    return render(
        request,
        "organisations/directory.jinja",
        {
            "groups": groups,
            "year": year,
            "icb_count": sum(len(g.icbs) for g in groups),
            "breadcrumbs": [{"href": "/", "text": "Home"}],
        },
    )


def _find(kind: str, code: str) -> Organisation:
    try:
        BodyKind(kind)
    except ValueError:
        raise Http404(f"no kind of body called {kind}") from None
    try:
        return selectors.organisation_by_code(code, kind=kind)
    except selectors.OrganisationNotFound:
        raise Http404(f"no {kind} with code {code}") from None


def organisation_by_id(request, pk):
    """Bodies without an ODS or ONS code (places, collaboratives) are found by their id."""
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        raise Http404("no such organisation")
    return _organisation_page(request, org)


def organisation(request, kind: str, code: str):
    return _organisation_page(request, _find(kind, code))


def _organisation_page(request, org: Organisation):
    from openics.population.responsibility import responsibility_for_icb

    year = population_selectors.latest_financial_year()
    context = {
        "org": org,
        "year": year,
        "parents": org.parent_links.current().select_related("parent").order_by("kind"),
        "breadcrumbs": [
            {"href": "/", "text": "Home"},
            {"href": "/organisations/", "text": "Organisations"},
        ],
        "predecessors": org.predecessors.all(),
        "successions_out": selectors.successions_from(org),
        "successions_in": selectors.successions_into(org),
        "deprivation": org.deprivation.order_by("-edition").first(),
        "money_links": books.money_links(org),
        "published": arranging.published_notices_of(org),
    }
    context.update(_money_of(org))
    if org.kind == BodyKind.ICB.value:
        context.update(
            region=selectors.current_parent(org, BodyKind.NHS_ENGLAND_REGION),
            places=selectors.places_with_practices(org),
            unplaced=selectors.unplaced_practices(org),
            **_active_and_dormant(population_selectors.icb_practices(org, year, on=org.active_to)),
            local_authorities=selectors.icb_local_authorities(org),
            providers=selectors.providers_by_ownership(org),
            responsibility=responsibility_for_icb(org, year) if year else None,
        )
    else:
        context["children"] = (
            org.child_links.current().select_related("child").order_by("kind", "child__name")[:500]
        )
        context["population"] = org.populations.order_by("-financial_year").first()
    return render(request, "organisations/organisation.jinja", context)


def _money_of(org: Organisation) -> dict:
    """A provider's money and contracts, or an ICB's allocation figures, in the books' latest
    year: the same selectors as the Money pages, `openics money …` and the API."""
    from openics.contracts.models import Contract
    from openics.ledger import reports
    from openics.portal.money_reports import years_in_books

    years = years_in_books()
    if not years:
        return {}
    year = years[-1]
    if org.kind == BodyKind.ICB.value:
        return {"books_year": year, "allocation_figures": reports.allocation_figures(org, year)}
    if not Contract.objects.filter(provider=org).exists():
        return {}
    return {"books_year": year, "provider_money": reports.provider_money(org, year)}


def _active_and_dormant(practices) -> dict:
    """An ICB's practices as its page lists them: the active ones, and apart from them the
    dormant ones (neither active nor closed in ODS, so not counted among its practices)."""
    practices = list(practices)
    return {
        "practices": [p for p in practices if not p.dormant],
        "dormant_practices": [p for p in practices if p.dormant],
    }


def search(request):
    query = request.GET.get("q", "").strip()
    results = selectors.search(query) if query else []
    return render(
        request,
        "organisations/search.jinja",
        {
            "query": query,
            "results": results,
            "breadcrumbs": [
                {"href": "/", "text": "Home"},
                {"href": "/organisations/", "text": "Organisations"},
            ],
        },
    )


def coterminosity(request):
    from openics.population.responsibility import TIERS, council_tier

    return render(
        request,
        "organisations/coterminosity.jinja",
        {
            "tiers": [council_tier(tier) for tier in TIERS],
            "breadcrumbs": [
                {"href": "/", "text": "Home"},
                {"href": "/organisations/", "text": "Organisations"},
            ],
        },
    )
