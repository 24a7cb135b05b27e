"""The books through the read API: balances and money traces. Amounts are strings of pounds."""

from ninja import Router, Schema
from ninja.errors import HttpError

from openics.kernel.years import FinancialYear
from openics.ledger import selectors
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
