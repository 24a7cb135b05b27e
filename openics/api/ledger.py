"""The books through the read API: balances and money traces. Amounts are strings of pounds."""

from ninja import Router, Schema
from ninja.errors import HttpError

from openics.kernel.years import FinancialYear
from openics.ledger import reports, selectors
from openics.organisations.selectors import OrganisationNotFound, organisation_by_code

router = Router(tags=["ledger"])


class ProviderOut(Schema):
    code: str
    name: str
    income: str
    expenditure: str
    surplus: str


class ProvenanceOut(Schema):
    label: str  # "real", "illustrative" or "real and illustrative"
    published: dict[str, int]  # each published source and the transactions from it
    illustrative_transactions: int
    recorded_transactions: int
    sentence: str


class BalanceOut(Schema):
    body: str
    year: str
    received: str
    spent: str
    surplus: str
    committed_unpaid: str
    unspent_budget: str
    has_books: bool
    breaks_even: bool | None  # None when there are no books for the year
    duty: str
    breaches: list[str]
    providers: list[ProviderOut]
    system_surplus: str
    provenance: ProvenanceOut | None


class DestinationOut(Schema):
    account: str
    organisation: str
    amount: str
    depth: int


class TraceOut(Schema):
    start: str
    year: str
    direction: str
    total: str
    destinations: list[DestinationOut]
    by_sector: dict[str, str]
    by_ownership: dict[str, str]
    by_depth: dict[str, str]
    provenance: ProvenanceOut | None
    held_by_start: str  # still held in the starting body's own accounts
    held_by_others: str  # still held in pooled funds or budgets others host
    kept_by_start: str  # received by the starting account in the year and never passed on
    reconciliation: str  # how "still held" meets the starting body's surplus; "" if equal


def _year(text: str) -> str:
    try:
        return FinancialYear.parse(text).label
    except ValueError as exc:
        raise HttpError(400, str(exc)) from None


@router.get("/balance/{code}/{year}", response=BalanceOut, summary="Break-even for a body and year")
def balance(request, code: str, year: str):
    try:
        body = organisation_by_code(code)
    except OrganisationNotFound as exc:
        raise HttpError(404, str(exc)) from None
    data = selectors.icb_balance(body, _year(year)).as_data()
    data["body"] = data.pop("icb")
    return data


@router.get("/trace", response=TraceOut, summary="Follow the money from (or back to) an account")
def trace(request, year: str, start: str = "nhse", reverse: bool = False):
    try:
        account = selectors.resolve_start(start)
    except selectors.TraceError as exc:
        raise HttpError(404, str(exc)) from None
    data = selectors.follow(account, _year(year), upstream=reverse).as_data()
    data["start"] = data.pop("from")
    return data


# -- the Money section's reports (openics.ledger.reports): the same figures as the pages ----


class WhoOut(Schema):
    code: str
    name: str
    kind: str
    ownership: str
    company_number: str  # Companies House (or "charity N"), or "not known"


class ProviderResultOut(WhoOut):
    income: str
    expenditure: str
    surplus: str
    in_deficit: bool


class ProvidersOut(Schema):
    year: str
    providers: list[ProviderResultOut]
    in_deficit: int
    provenance: ProvenanceOut


class AmountFrom(Schema):
    name: str
    amount: str


class SpentOn(Schema):
    on: str
    amount: str


class TracedFrom(Schema):
    icb: str
    name: str
    amount: str


class ContractOut(Schema):
    reference: str
    title: str
    commissioner: str
    provider: str
    depth: int
    annual_value: str


class ProviderMoneyOut(WhoOut):
    year: str
    income: str
    paid_by: list[AmountFrom]
    spent: str
    spent_on: list[SpentOn]
    surplus: str
    traced_from: list[TracedFrom]
    reconciliation: str
    contracts: list[ContractOut]
    subcontracts: list[ContractOut]
    provenance: ProvenanceOut


class SubcontractOut(Schema):
    depth: int
    reference: str
    title: str
    let_by: str
    provider: WhoOut
    under: list[str]
    annual_value: str
    paid: str


class SubcontractingOut(Schema):
    year: str
    contracts: list[SubcontractOut]
    paid_by_depth: dict[str, str]
    provenance: ProvenanceOut


class ContributionOut(Schema):
    source: str
    kind: str
    amount: str


class FundedServiceOut(Schema):
    reference: str
    title: str
    provider: str
    committed: str
    paid: str
    means_tested: bool
    charging: str


class RefusalOut(Schema):
    recorded_on: str
    what: str
    sector: str
    reasons: list[str]


class FundOut(Schema):
    id: str
    name: str
    kind: str
    year: str
    holder: WhoOut
    partners: list[WhoOut]
    agreement: str
    purposes: list[str]
    received: str
    contributions: list[ContributionOut]
    spent: str
    spent_by_purpose: dict[str, str]
    committed_unpaid: str
    held: str
    reconciliation: str
    services: list[FundedServiceOut]
    refusals: list[RefusalOut]
    provenance: ProvenanceOut


class PlaceOut(Schema):
    name: str
    need_index: str
    weighted_population: str
    need_share: str
    delegated: str
    budget_share: str
    reached: str
    still_held: str
    reached_per_weighted_head: str


class PlacesOut(Schema):
    icb: str
    year: str
    place_run_year: str
    delegated: str
    places: list[PlaceOut]
    provenance: ProvenanceOut


class FigureOut(Schema):
    name: str
    amount: str
    year: str  # the financial year the figure is for
    source: str
    provenance: str


class AllocationFiguresOut(Schema):
    icb: str
    year: str
    figures: list[FigureOut]
    received: list[FigureOut]
    reconciliation: str


def _body(code: str):
    try:
        return organisation_by_code(code)
    except OrganisationNotFound as exc:
        raise HttpError(404, str(exc)) from None


def _icb(code: str):
    body = _body(code)
    if body.kind != "icb":
        raise HttpError(404, f"{body.name} is not an integrated care board")
    return body


@router.get("/providers/{year}", response=ProvidersOut, summary="NHS providers' surplus or deficit")
def providers(request, year: str, icb: str | None = None):
    return reports.provider_results(_year(year), icb=_icb(icb) if icb else None).as_data()


@router.get(
    "/provider/{code}/{year}", response=ProviderMoneyOut, summary="One provider's money, reconciled"
)
def provider(request, code: str, year: str):
    return reports.provider_money(_body(code), _year(year)).as_data()


@router.get("/subcontracts/{year}", response=SubcontractingOut, summary="Subcontracting by depth")
def subcontracts(request, year: str):
    return reports.subcontracting(_year(year)).as_data()


@router.get("/funds/{year}", response=list[FundOut], summary="Ring-fenced and pooled funds")
def funds(request, year: str):
    return [f.as_data() for f in reports.ring_fenced_funds(_year(year))]


@router.get("/fund/{key}/{year}", response=FundOut, summary="One ring-fenced or pooled fund")
def fund(request, key: str, year: str):
    try:
        fence = reports.find_fund(key)
    except reports.FundNotFound as exc:
        raise HttpError(404, str(exc)) from None
    return reports.fund_report(fence, _year(year)).as_data()


@router.get("/places/{code}/{year}", response=PlacesOut, summary="Spend by place against need")
def places(request, code: str, year: str):
    return reports.place_spend(_icb(code), _year(year)).as_data()


@router.get(
    "/allocations/{code}/{year}",
    response=AllocationFiguresOut,
    summary="An ICB's target, allocation, fair share and receipts, reconciled",
)
def allocations(request, code: str, year: str):
    return reports.allocation_figures(_icb(code), _year(year)).as_data()
