"""Capital through the read API: the plan against its limit, and PFI charges. Amounts are
strings of pounds."""

from ninja import Router, Schema
from ninja.errors import HttpError

from openics.capital import selectors
from openics.kernel.money import Money
from openics.organisations.selectors import OrganisationNotFound, organisation_by_code

router = Router(tags=["capital"])


class SchemeCostOut(Schema):
    reference: str
    provider: str
    name: str
    purpose: str
    funding_source: str
    cost: str
    illustrative: bool


class YearOut(Schema):
    year: str
    limit: str | None
    against_limit: str
    national_programmes: str
    headroom: str | None
    over_limit: bool
    provenance: str
    schemes: list[SchemeCostOut]


class ChargeOut(Schema):
    year: str
    amount: str
    paid_in_the_books: bool


class PfiOut(Schema):
    reference: str
    name: str
    trust: str
    partner: str
    partner_ownership: str
    equity_holders: list[dict]
    capital_value: str
    start: str
    end: str
    status: str
    contract: str
    provenance: str
    charges: list[ChargeOut]


def _plain(pence: int | None) -> str | None:
    return None if pence is None else Money(pence).format_plain()


@router.get("/plan/{icb_code}", response=list[YearOut])
def plan(request, icb_code: str):
    """An ICB's capital plan by year: schemes, the limit and the position against it."""
    try:
        icb = organisation_by_code(icb_code, kind="icb")
    except OrganisationNotFound as exc:
        raise HttpError(404, str(exc)) from exc
    return [
        YearOut(
            year=y.year,
            limit=_plain(y.position.limit_pence),
            against_limit=_plain(y.position.against_limit_pence),
            national_programmes=_plain(y.position.outside_limit_pence),
            headroom=_plain(y.position.headroom_pence),
            over_limit=y.position.over_limit,
            provenance="illustrative" if y.illustrative else "recorded",
            schemes=[
                SchemeCostOut(
                    reference=s.reference,
                    provider=s.provider.public_code,
                    name=s.name,
                    purpose=s.purpose,
                    funding_source=s.funding_source,
                    cost=amount.format_plain(),
                    illustrative=s.illustrative,
                )
                for s, amount in y.schemes
            ],
        )
        for y in selectors.capital_plan(icb)
    ]


@router.get("/pfi", response=list[PfiOut])
def pfi(request):
    """Every PFI scheme with its partner, owners and unitary charges by year."""
    costs = selectors.pfi_costs()
    return [
        PfiOut(
            reference=s.reference,
            name=s.name,
            trust=s.provider.public_code,
            partner=s.partner.name,
            partner_ownership=s.partner.ownership,
            equity_holders=s.equity_holders,
            capital_value=s.capital_value.format_plain(),
            start=s.start.isoformat(),
            end=s.end.isoformat(),
            status=s.status,
            contract=s.contract.reference,
            provenance="illustrative" if s.illustrative else f"imported from {s.source_name}",
            charges=[
                ChargeOut(
                    year=c.financial_year,
                    amount=c.amount.format_plain(),
                    paid_in_the_books=c.payment_id is not None,
                )
                for c in s.charges.all()
            ],
        )
        for s in costs.schemes
    ]
