"""The only writers of capital: the limit, the plan's schemes, and PFI schemes from HM
Treasury's summary data, whose unitary charges post to the books as payments from the
trust to its private partner (through the ledger's own services)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from openics.capital.models import (
    CapitalLimit,
    CapitalScheme,
    FundingSource,
    PfiScheme,
    SchemeCost,
    UnitaryCharge,
)
from openics.contracts.services import enter_contract
from openics.core.audit import Auditor, Refused, service, snapshot
from openics.core.imports import ImportRejected, ImportReport, record_import
from openics.kernel.money import Money
from openics.kernel.years import FinancialYear
from openics.ledger import services as books
from openics.ledger.models import Purpose
from openics.organisations import lifecycle
from openics.organisations.models import Organisation, OwnershipClass
from openics.regimes.vocabulary import BodyKind, PaymentMechanism, Sector
from openics.sources.base import RowError, SourceError
from openics.sources.pfi import PfiRow, parse_pfi

TRUST_KINDS = (BodyKind.NHS_TRUST.value, BodyKind.FOUNDATION_TRUST.value)
MILLION = Decimal(1_000_000)


class CapitalError(Refused, ValueError):
    """A capital change refused as asked; kept on the record like every refusal."""


def _year(text: str) -> str:
    try:
        return FinancialYear.parse(text).label
    except ValueError as exc:
        raise CapitalError(str(exc)) from None


@service("capital.set_limit")
def set_limit(
    *,
    icb: Organisation,
    financial_year: str,
    amount: Money,
    source: str,
    illustrative: bool = False,
    audit: Auditor,
) -> CapitalLimit:
    """Sets (or changes) the capital resource use limit of an ICB's system for a year."""
    year = _year(financial_year)
    if icb.kind != BodyKind.ICB.value:
        raise CapitalError(f"{icb.name} is not an ICB; a capital limit is set for a system")
    if not isinstance(amount, Money) or amount.pence < 0:
        raise CapitalError(f"a capital limit is an amount of £0 or more, not {amount!r}")
    if not source.strip():
        raise CapitalError("say where the limit comes from")
    limit = CapitalLimit.objects.filter(icb=icb, financial_year=year).first()
    if limit is None:
        limit = CapitalLimit.objects.create(
            icb=icb,
            financial_year=year,
            amount=amount,
            source=source.strip(),
            illustrative=illustrative,
        )
        audit.created(limit)
        return limit
    before = snapshot(limit)
    limit.amount, limit.source, limit.illustrative = amount, source.strip(), illustrative
    limit.save()
    audit.changed(limit, before)
    return limit


@service("capital.plan_scheme")
def plan_scheme(
    *,
    reference: str,
    icb: Organisation,
    provider: Organisation,
    name: str,
    purpose: str,
    funding_source: str,
    costs: dict[str, Money],
    illustrative: bool = False,
    audit: Auditor,
) -> CapitalScheme:
    """Adds a scheme to an ICB's capital plan: its provider, purpose, funding source and
    cost by financial year."""
    problems = []
    if CapitalScheme.objects.filter(reference=reference).exists():
        problems.append(f"there is already a capital scheme {reference}")
    if not reference.strip() or not name.strip() or not purpose.strip():
        problems.append("a scheme needs a reference, a name and a purpose")
    if icb.kind != BodyKind.ICB.value:
        problems.append(f"{icb.name} is not an ICB")
    if funding_source not in FundingSource.values:
        problems.append(
            f"{funding_source!r} is not a funding source ({', '.join(FundingSource.values)})"
        )
    if not costs:
        problems.append("a scheme needs its cost in at least one year")
    years = {}
    for text, amount in costs.items():
        try:
            year = FinancialYear.parse(text).label
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if not isinstance(amount, Money) or amount.pence <= 0:
            problems.append(f"the cost in {year} must be more than £0, not {amount}")
        years[year] = amount
    if problems:
        raise CapitalError(problems, asked={"reference": reference})
    scheme = CapitalScheme.objects.create(
        reference=reference.strip(),
        icb=icb,
        provider=provider,
        name=name.strip(),
        purpose=purpose.strip(),
        funding_source=funding_source,
        illustrative=illustrative,
    )
    audit.created(scheme)
    for year, amount in sorted(years.items()):
        audit.created(SchemeCost.objects.create(scheme=scheme, financial_year=year, amount=amount))
    return scheme


# -- PFI --------------------------------------------------------------------------------
def _money_m(millions: Decimal) -> Money:
    return Money.from_pounds(millions * MILLION)


def _trusts_by_name() -> dict[str, list[Organisation]]:
    found: dict[str, list[Organisation]] = {}
    for trust in Organisation.objects.filter(kind__in=TRUST_KINDS, active_to__isnull=True):
        found.setdefault(" ".join(trust.name.casefold().split()), []).append(trust)
    return found


def _company(name: str, on: date, audit: Auditor) -> Organisation:
    """The private company of that name in the registry, established the first time."""
    existing = Organisation.objects.filter(
        kind=BodyKind.INDEPENDENT_PROVIDER.value, name__iexact=name
    ).first()
    if existing is not None:
        return existing
    return lifecycle.establish(
        kind=BodyKind.INDEPENDENT_PROVIDER,
        name=name,
        ownership=OwnershipClass.INDEPENDENT,
        legal_form="Company (PFI special purpose vehicle or its owner)",
        active_from=on,
        actor=audit.actor,
        reason=audit.reason,
    )


def _pay_day(year: str, scheme: PfiScheme) -> date:
    """A year's unitary charge is booked on the year's last day (or the contract's, if it
    ends sooner; or its first, if it starts later)."""
    day = FinancialYear.parse(year).last_day
    return max(min(day, scheme.end), scheme.start)


def _post(scheme: PfiScheme, years: list[str], audit: Auditor) -> list[str]:
    """Posts the scheme's unposted charges of those years; the reasons any fails."""
    problems = []
    cash = books.account_for(scheme.provider, Purpose.CASH, audit=audit)
    wanted = {FinancialYear.parse(y).label for y in years}
    held = set(
        scheme.charges.filter(financial_year__in=wanted).values_list("financial_year", flat=True)
    )
    problems += [f"{scheme.name} has no unitary charge in {y}" for y in sorted(wanted - held)]
    for charge in scheme.charges.filter(payment__isnull=True, financial_year__in=wanted):
        year_start = FinancialYear.parse(charge.financial_year).first_day
        if year_start > scheme.end or FinancialYear.parse(charge.financial_year).last_day < (
            scheme.start
        ):
            problems.append(
                f"the unitary charge of {charge.financial_year} falls outside the contract "
                f"({scheme.start} to {scheme.end})"
            )
            continue
        try:
            payment = books.pay(
                contract=scheme.contract,
                amount=charge.amount,
                on=_pay_day(charge.financial_year, scheme),
                invoice_number=f"UC {charge.financial_year}",
                source=cash,
                actor=audit.actor,
                reason=audit.reason,
            )
        except Refused as exc:
            problems.append(
                f"the unitary charge of {charge.financial_year} could not be paid: {exc}"
            )
            continue
        before = snapshot(charge)
        charge.payment = payment
        charge.save(update_fields=["payment", "updated_at"])
        audit.changed(charge, before)
    return problems


@service("capital.post_unitary_charges")
def post_unitary_charges(*, scheme: PfiScheme, years: list[str], audit: Auditor) -> int:
    """Posts a PFI scheme's unitary charges of those years to the books, as payments from
    the trust's cash to the partner; all or nothing. A year already paid is left alone."""
    posted = scheme.charges.filter(payment__isnull=False).count()
    problems = _post(scheme, [_year(y) for y in years], audit)
    if problems:
        raise CapitalError(problems, asked={"scheme": scheme.reference, "years": years})
    return scheme.charges.filter(payment__isnull=False).count() - posted


def _is_health(row: PfiRow) -> bool:
    return "health" in row.department.casefold()


@service("capital.import_pfi")
def import_pfi(
    data: bytes,
    *,
    source_name: str,
    post_years: tuple[str, ...] | list[str] = (),
    illustrative: bool = False,
    audit: Auditor,
) -> ImportReport:
    """PFI schemes from a CSV in the layout of HM Treasury's PFI and PF2 summary data: each
    health project's trust (its procuring authority, by name), its partner (the SPV, made a
    company in the registry, owned by its equity holders), the project agreement as a
    contract, and its unitary charges by year; those of `post_years` are paid in the
    books (a scheme without a charge in one of them is left unpaid for it). All or
    nothing: any bad row refuses the file with its line, and writes nothing."""
    years = [_year(y) for y in post_years]
    try:
        parsed = parse_pfi(data, source_name)
    except SourceError as exc:
        raise ImportRejected(source_name, message=f"{source_name} was rejected: {exc}") from exc
    if not parsed.rows and not parsed.errors:
        raise ImportRejected(source_name, message=f"{source_name} has no PFI projects")
    report = ImportReport(
        kind="pfi", source_name=source_name, layout=parsed.layout, rows=len(parsed.rows)
    )
    report.notes += parsed.notes
    trusts = _trusts_by_name()
    errors: list[RowError] = list(parsed.errors)  # every bad line, the reader's and ours
    other_departments = 0
    seen: dict[str, int] = {}
    for row in parsed.rows:
        if not _is_health(row):
            other_departments += 1
            continue
        if row.reference in seen:
            errors.append(
                RowError(row.line, f"project {row.reference!r} repeats line {seen[row.reference]}")
            )
            continue
        seen[row.reference] = row.line
        if PfiScheme.objects.filter(reference=row.reference).exists():
            report.unchanged += 1
            continue
        matches = trusts.get(" ".join(row.authority.casefold().split()), [])
        if len(matches) != 1:
            found = "no NHS trust" if not matches else f"{len(matches)} NHS trusts"
            errors.append(
                RowError(
                    row.line,
                    f"procuring authority {row.authority!r}: {found} of that name is in "
                    "the registry",
                )
            )
            continue
        start = row.financial_close
        end = _years_after(start, row.contract_years) - timedelta(days=1)
        outside = [
            y
            for y in row.charges_m
            if FinancialYear.parse(y).first_day > end or FinancialYear.parse(y).last_day < start
        ]
        if outside:
            errors.append(
                RowError(
                    row.line,
                    f"unitary charges in {', '.join(outside)} fall outside the contract "
                    f"({start} to {end})",
                )
            )
            continue
        problems = _apply(row, matches[0], start, end, source_name, years, illustrative, audit)
        if problems:
            errors += [RowError(row.line, p) for p in problems]
            continue
        report.created += 1
    if errors:
        raise ImportRejected(source_name, sorted(errors, key=lambda e: e.line))
    if other_departments:
        report.notes.append(
            f"{other_departments:,} projects of other departments than health were left out"
        )
    if not report.created and not report.unchanged:  # every project of another department
        raise ImportRejected(source_name, message=f"{source_name} has no health PFI projects")
    report.holds = f"{report.created + report.unchanged:,} health PFI projects"
    record_import(audit, report, hashlib.sha256(data).hexdigest())
    return report


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _apply(row, trust, start, end, source_name, years, illustrative, audit) -> list[str]:
    partner = _company(row.spv, start, audit)
    holders = []
    for name, share in row.equity_holders:
        owner = _company(name, start, audit)
        if not partner.parent_links.current().filter(parent=owner, kind="owned_by").exists():
            lifecycle.join(
                child=partner,
                parent=owner,
                kind="owned_by",
                on=start,
                actor=audit.actor,
                reason=audit.reason,
            )
        holders.append({"name": name, "share": None if share is None else str(share)})
    charges = {year: _money_m(m) for year, m in row.charges_m.items()}
    yearly = max(charges.values(), default=Money.zero())
    contract = enter_contract(
        reference=f"PFI-{row.reference}"[:60],
        title=f"PFI project agreement: {row.name}"[:200],
        commissioner=trust,
        provider=partner,
        sector=Sector.ACUTE.value,
        start=start,
        end=end,
        annual_value=yearly,
        lifetime_value=sum(charges.values(), Money.zero()),
        payment_mechanism=PaymentMechanism.BLOCK.value,
        actor=audit.actor,
        reason=audit.reason,
    )
    scheme = PfiScheme.objects.create(
        reference=row.reference,
        name=row.name,
        department=row.department,
        authority_name=row.authority,
        sector=row.sector,
        status=row.status,
        provider=trust,
        partner=partner,
        contract=contract,
        financial_close=row.financial_close,
        contract_years=row.contract_years,
        start=start,
        end=end,
        capital_value=_money_m(row.capital_value_m),
        equity_holders=holders,
        source_name=source_name[:200],
        illustrative=illustrative,
    )
    audit.created(scheme)
    for year, amount in sorted(charges.items()):
        audit.created(
            UnitaryCharge.objects.create(scheme=scheme, financial_year=year, amount=amount)
        )
    due = [y for y in years if y in charges]
    return _post(scheme, due, audit) if due else []
