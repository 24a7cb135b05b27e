"""People through the read API: staff by organisation and group, and staff transfers."""

from ninja import Router, Schema
from ninja.errors import HttpError

from openics.organisations import selectors
from openics.organisations.selectors import OrganisationNotFound

router = Router(tags=["workforce"])
SOURCE = "NHS Digital, HCHS workforce statistics by staff group and organisation"


class StaffGroupOut(Schema):
    as_at: str
    staff_group: str
    fte: str | None
    headcount: int | None


class StaffOut(Schema):
    organisation: str
    name: str
    provenance: str
    sources: list[str]
    figures: list[StaffGroupOut]


class TransferOut(Schema):
    on: str
    source: str
    target: str
    staff: int
    functions: str
    legal_basis: str
    agenda_for_change: bool
    nhs_pension: bool
    other_terms: str
    provenance: str


def _transfer(t) -> TransferOut:
    return TransferOut(
        on=t.on.isoformat(),
        source=t.source.public_code,
        target=t.target.public_code,
        staff=t.staff,
        functions=t.functions,
        legal_basis=t.legal_basis,
        agenda_for_change=t.agenda_for_change,
        nhs_pension=t.nhs_pension,
        other_terms=t.other_terms,
        provenance="illustrative" if t.illustrative else "recorded",
    )


@router.get("/transfers", response=list[TransferOut])
def transfers(request):
    """Every staff transfer recorded, newest first, with its legal basis and protections."""
    return [_transfer(t) for t in selectors.staff_transfers()]


@router.get("/staff/{code}", response=StaffOut)
def staff(request, code: str):
    """A body's staff by group on each published day (FTE as a decimal string)."""
    try:
        body = selectors.organisation_by_code(code)
    except OrganisationNotFound as exc:
        raise HttpError(404, str(exc)) from exc
    table = selectors.staff_of(body)
    return StaffOut(
        organisation=body.public_code,
        name=body.name,
        provenance=f"real: {SOURCE}" if table.days else "none held",
        sources=table.sources,
        figures=[
            StaffGroupOut(
                as_at=day.isoformat(),
                staff_group=group,
                fte=None if table.fte.get((group, day)) is None else str(table.fte[(group, day)]),
                headcount=table.headcount.get((group, day)),
            )
            for day in table.days
            for group in table.groups
            if (group, day) in table.fte
        ],
    )
