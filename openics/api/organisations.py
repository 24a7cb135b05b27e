"""Organisations and populations in the read API."""

from datetime import date
from decimal import Decimal

from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from openics.api.pagination import BoundedLimitOffset
from openics.kernel.years import FinancialYear
from openics.organisations import selectors
from openics.organisations.models import Organisation
from openics.organisations.selectors import OrganisationNotFound, organisation_by_code
from openics.population import selectors as population_selectors
from openics.population.models import PracticePopulation

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: str
    kind: str
    code: str
    ons_code: str
    name: str
    ics_name: str
    legal_form: str
    ownership: str
    postcode: str
    active_from: date | None
    active_to: date | None

    @staticmethod
    def resolve_id(obj) -> str:
        return str(obj.id)


class LinkOut(Schema):
    kind: str
    parent_kind: str
    parent_code: str
    parent_name: str
    active_from: date | None


class SuccessionOut(Schema):
    kind: str
    on: date
    code: str
    name: str
    practices: int
    note: str


class OrganisationDetailOut(OrganisationOut):
    status: str
    belongs_to: list[LinkOut]
    succeeded_by: list[SuccessionOut]
    succeeded: list[SuccessionOut]


class PopulationOut(Schema):
    practice_code: str
    financial_year: str
    registered: Decimal
    population: Decimal
    weighted_core: Decimal
    weighted_primary_medical_care: Decimal


class IcbOut(Schema):
    code: str
    name: str
    region_code: str
    region_name: str
    practices: int
    registered: Decimal


@router.get("/", response=list[OrganisationOut], summary="Organisations, filtered by kind or text")
@paginate(BoundedLimitOffset)
def list_organisations(request, kind: str | None = None, q: str | None = None):
    orgs = Organisation.objects.order_by("kind", "name")
    if kind:
        orgs = orgs.filter(kind=kind)
    if q:
        orgs = orgs.search(q)
    return orgs


def _year(text: str | None) -> str | None:
    """A ?year= as stored (2025/26), written either way; anything else is a 400."""
    if not text:
        return None
    try:
        return FinancialYear.parse(text).label
    except ValueError as exc:
        raise HttpError(400, str(exc)) from None


@router.get("/icbs", response=list[IcbOut], summary="Every ICB with its registered population")
def list_icbs(request, year: str | None = None):
    year = _year(year)
    return [
        {
            "code": s.icb.code,
            "name": s.icb.name,
            "region_code": g.region.code,
            "region_name": g.region.name,
            "practices": s.practices,
            "registered": s.registered,
        }
        for g in population_selectors.icb_directory(year)
        for s in g.icbs
    ]


class SharedCouncilOut(Schema):
    icb_code: str
    icb_name: str
    council_ons_code: str
    council_name: str
    share_in_icb: Decimal
    shared_with: dict[str, Decimal]  # other ICB code → its share


class CouncilTierOut(Schema):
    tier: str
    title: str
    councils: int
    councils_shared: int
    shared: list[SharedCouncilOut]


@router.get(
    "/coterminosity",
    response=list[CouncilTierOut],
    summary="Councils of April 2023 split between ICBs, districts and upper tier",
)
def coterminosity(request):
    from openics.population.responsibility import TIERS, council_tier

    tiers = [council_tier(tier) for tier in TIERS]
    return [
        {
            "tier": t.tier,
            "title": t.title,
            "councils": t.councils,
            "councils_shared": t.councils_shared,
            "shared": [
                {
                    "icb_code": r.icb.code,
                    "icb_name": r.icb.name,
                    "council_ons_code": r.local_authority.ons_code,
                    "council_name": r.local_authority.name,
                    "share_in_icb": round(r.share_in_icb, 4),
                    "shared_with": {icb.code: round(share, 4) for icb, share in r.others},
                }
                for r in t.shared
            ],
        }
        for t in tiers
    ]


@router.get("/{kind}/{code}", response=OrganisationDetailOut, summary="One organisation")
def organisation_detail(request, kind: str, code: str):
    try:
        org = organisation_by_code(code, kind=kind)
    except (OrganisationNotFound, ValueError) as exc:
        raise HttpError(404, str(exc)) from None
    links = org.parent_links.current().select_related("parent")
    org.belongs_to = [
        {
            "kind": link.kind,
            "parent_kind": link.parent.kind,
            "parent_code": link.parent.public_code,
            "parent_name": link.parent.name,
            "active_from": link.active_from,
        }
        for link in links
    ]
    org.succeeded_by = [
        _succession(s, s.successor) for s in selectors.successions_from(org).order_by("on")
    ]
    org.succeeded = [
        _succession(s, s.predecessor) for s in selectors.successions_into(org).order_by("on")
    ]
    return org


def _succession(succession, other) -> dict:
    return {
        "kind": succession.kind,
        "on": succession.on,
        "code": other.public_code,
        "name": other.name,
        "practices": succession.practices,
        "note": succession.note,
    }


@router.get(
    "/{kind}/{code}/populations",
    response=list[PopulationOut],
    summary="Registered and weighted populations of a practice, or of an ICB's practices",
)
@paginate(BoundedLimitOffset)
def populations(request, kind: str, code: str, year: str | None = None):
    year = _year(year)
    try:
        org = organisation_by_code(code, kind=kind)
    except (OrganisationNotFound, ValueError) as exc:
        raise HttpError(404, str(exc)) from None
    rows = PracticePopulation.objects.select_related("practice").order_by("practice__code")
    if kind == "icb":
        rows = rows.filter(
            practice__parent_links__parent=org,
            practice__parent_links__kind="within",
            practice__parent_links__active_to__isnull=True,
        )
    else:
        rows = rows.filter(practice=org)
    if year:
        rows = rows.filter(financial_year=year)
    return [
        {
            "practice_code": r.practice.code,
            "financial_year": r.financial_year,
            "registered": r.registered,
            "population": r.population,
            "weighted_core": r.wp_core,
            "weighted_primary_medical_care": r.wp_primary_medical_care_final,
        }
        for r in rows
    ]
