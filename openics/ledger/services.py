"""The only code that writes to the books. Every function is an audited @service.

Each posting first locks the accounts it touches (in a fixed order, so two writers
never deadlock), checks that no pot of money would go below zero and that ring-fenced
money goes only to its purpose, then writes the transaction, its postings, the new
balances and the flow totals together. A refusal writes nothing but itself in the
audit log.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F

from openics.allocation.models import PlaceAllocationRun, RunStatus
from openics.contracts.models import Contract
from openics.core.audit import Auditor, Refused, service
from openics.kernel.money import Money
from openics.kernel.years import FinancialYear
from openics.ledger import chain as ledger_chain
from openics.ledger.double_entry import (
    Leg,
    UnbalancedError,
    check_balanced,
    edges,
    reversal_edges,
)
from openics.ledger.models import (
    PAYMENT_KINDS,
    Account,
    FlowTotal,
    PaymentLine,
    Posting,
    Purpose,
    RingFence,
    Transaction,
    TransactionKind,
)
from openics.organisations import selectors as registry
from openics.organisations.models import Organisation
from openics.regimes.registry import regime_in_force_on
from openics.regimes.vocabulary import BodyKind, Sector

# Which sector a place budget is for, by the weighted population it was shared by.
COMPONENT_SECTORS = {
    "general_and_acute": Sector.ACUTE,
    "community": Sector.COMMUNITY,
    "mental_health": Sector.MENTAL_HEALTH,
    "prescribing": Sector.PRESCRIBING,
    "primary_medical_care": Sector.PRIMARY,
    "primary_medical_care_final": Sector.PRIMARY,
}


# The books' own rules, with the duty or guidance each keeps (shown with every refusal).
NO_OVERDRAFT = (
    "ledger.no-overdraft",
    "NHS Act 2006 s223GC: an ICB's expenditure in a year may not exceed the sums it "
    "receives, so no pot in the books pays out more than it holds",
)
ONE_PAYMENT_PER_INVOICE = (
    "ledger.one-payment-per-invoice",
    "HM Treasury, Managing Public Money: public money is paid only when due (regularity), "
    "so an invoice is approved and paid once",
)


def _rule(pair: tuple[str, str]) -> dict:
    return {"rule": pair[0], "citation": pair[1]}


class LedgerError(Refused, ValueError):
    """A request the books cannot carry out as asked (bad input rather than a rule): refused
    and kept on the record like a rule's refusal."""


# -- accounts ---------------------------------------------------------------------------
def _label(org: Organisation) -> str:
    return org.code or org.ons_code or org.name.replace(" ", "-")[:40]


def account_key(
    organisation: Organisation,
    purpose: str,
    *,
    sector: str = "",
    place: Organisation | None = None,
    contract: Contract | None = None,
    ring_fence: RingFence | None = None,
) -> str:
    parts = [_label(organisation), purpose]
    if place is not None:
        parts.append(_label(place))
    if sector:
        parts.append(sector)
    if contract is not None:
        parts.append(contract.reference)
    if ring_fence is not None:
        parts.append(f"rf-{str(ring_fence.pk)[:8]}")
    return ":".join(parts)


def _account_name(organisation, purpose, sector, place, contract, ring_fence) -> str:
    name = f"{organisation.name}: {Purpose(purpose).label.lower()}"
    if place is not None:
        name += f", {place.name}"
    if sector:
        name += f", {Sector(sector).label.lower()}"
    if contract is not None:
        name += f", contract {contract.reference}"
    if ring_fence is not None:
        name += f" ({ring_fence.name})"
    return name


def account_for(
    organisation: Organisation,
    purpose: str,
    *,
    audit: Auditor,
    sector: str = "",
    place: Organisation | None = None,
    contract: Contract | None = None,
    ring_fence: RingFence | None = None,
) -> Account:
    """The account for this organisation and purpose, opened (and audited) the first time."""
    key = account_key(
        organisation, purpose, sector=sector, place=place, contract=contract, ring_fence=ring_fence
    )
    account = Account.objects.filter(key=key).first()
    if account is None:
        try:
            with transaction.atomic():  # another writer may be opening the same account
                account = Account.objects.create(
                    key=key,
                    name=_account_name(organisation, purpose, sector, place, contract, ring_fence),
                    organisation=organisation,
                    purpose=purpose,
                    sector=sector,
                    place=place,
                    contract=contract,
                    ring_fence=ring_fence,
                )
        except IntegrityError:
            return Account.objects.get(key=key)
        audit.created(account, action="ledger.open_account")
    return account


# -- the one way to post ----------------------------------------------------------------
def new_number() -> str:
    return "T" + uuid.uuid4().hex[:16].upper()


def post(
    *,
    kind: str,
    legs: Sequence[tuple[Account, int]],
    on: date,
    description: str,
    audit: Auditor,
    contract: Contract | None = None,
    invoice_number: str = "",
    element: str = "",
    source: object | None = None,
    reverses: Transaction | None = None,
    may_overdraw: tuple[Account, ...] = (),
) -> Transaction:
    """Writes one balanced transaction. Call only from inside a @service.

    No account may go below zero except sources of funding and those in `may_overdraw`
    (a provider's cash, when it spends beyond its income from reserves or borrowing).
    """
    plain = [Leg(account.pk, pence) for account, pence in legs]
    try:
        check_balanced(plain)
    except UnbalancedError as exc:
        raise LedgerError(str(exc)) from None
    ledger_chain.begin_writing()  # before any account is locked: see ledger.chain
    ids = sorted({account.pk for account, _ in legs})
    locked = {
        a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    change: dict = {}
    for account, pence in legs:
        change[account.pk] = change.get(account.pk, 0) + pence
    short = []
    for pk, pence in change.items():
        account = locked[pk]
        overdraw = account.is_source or pk in {a.pk for a in may_overdraw}
        if pence < 0 and not overdraw and account.balance_pence + pence < 0:
            short.append(
                f"{account.name} holds {Money(account.balance_pence)}, "
                f"not the {Money(-pence)} this needs"
            )
    if short:
        raise Refused(
            short, asked={"kind": kind, "description": description}, **_rule(NO_OVERDRAFT)
        )
    if (
        invoice_number
        and contract is not None
        and (
            Transaction.objects.filter(
                contract=contract, invoice_number=invoice_number, kind=kind
            ).exists()
            or (
                kind in PAYMENT_KINDS
                and PaymentLine.objects.filter(
                    contract=contract, invoice_number=invoice_number
                ).exists()
            )
        )
    ):
        raise Refused(
            f"invoice {invoice_number} on contract {contract.reference} has already been paid",
            asked={"invoice": invoice_number, "contract": contract.reference},
            **_rule(ONE_PAYMENT_PER_INVOICE),
        )
    year = FinancialYear.containing(on).label
    source_type, source_id = ("", "")
    if source is not None:
        source_type, source_id = source._meta.label_lower, str(source.pk)
    try:
        with transaction.atomic():
            txn = Transaction.objects.create(
                number=new_number(),
                kind=kind,
                effective_date=on,
                financial_year=year,
                description=description[:300],
                contract=contract,
                invoice_number=invoice_number,
                element=element,
                source_type=source_type,
                source_id=source_id,
                reverses=reverses,
                actor_user=audit.actor.user,
                actor_system=audit.actor.system,
                reason=audit.reason,
            )
    except IntegrityError:
        raise Refused(
            f"invoice {invoice_number} on contract {contract.reference} has already been paid",
            asked={"invoice": invoice_number},
            **_rule(ONE_PAYMENT_PER_INVOICE),
        ) from None
    Posting.objects.bulk_create(
        Posting(
            transaction=txn,
            account_id=account.pk,
            amount_pence=pence,
            effective_date=on,
            financial_year=year,
        )
        for account, pence in legs
    )
    ledger_chain.seal()
    for pk, pence in change.items():
        if pence:
            Account.objects.filter(pk=pk).update(balance_pence=F("balance_pence") + pence)
    flows = (
        reversal_edges([Leg(leg.account, -leg.pence) for leg in plain])
        if reverses
        else edges(plain)
    )
    for edge in flows:
        flow, _ = FlowTotal.objects.get_or_create(
            financial_year=year, source_id=edge.source, target_id=edge.target
        )
        FlowTotal.objects.filter(pk=flow.pk).update(amount_pence=F("amount_pence") + edge.pence)
    audit.record(
        obj=txn,
        after={
            "number": txn.number,
            "kind": kind,
            "effective_date": on,
            "description": txn.description,
            "postings": [[locked[a.pk].key, p] for a, p in legs],
        },
    )
    return txn


# -- checks -----------------------------------------------------------------------------
def _check_ring_fence(account: Account, sector: str, on: date, what: str) -> None:
    fence = account.ring_fence
    if fence is None:
        return
    regime = regime_in_force_on(on)
    if regime is None:
        raise LedgerError(f"no regime is encoded for {on}; cannot check the ring-fence")
    result = regime.evaluate(
        "ledger.ring-fence",
        on,
        fund=fence.kind,
        fund_name=f"{fence.name} ({account.name})",
        sector=sector,
        agreement_sectors=tuple(fence.agreed_sectors),
    )
    if result.violations:
        raise Refused(
            [v.explanation for v in result.violations],
            asked={"what": what, "from": account.key, "sector": sector},
            object_type="ledger.account",
            object_id=str(account.pk),
            rule=result.violations[0].rule_id,
            citation=str(result.violations[0].citation),
        )


def _positive(amount: Money) -> int:
    if not isinstance(amount, Money):
        raise LedgerError(f"an amount must be Money, not {amount!r}")
    if amount.pence <= 0:
        raise LedgerError(f"an amount to move must be more than £0.00, not {amount}")
    return amount.pence


def funding_body(kind: str) -> Organisation:
    body = Organisation.objects.filter(kind=kind, active_to__isnull=True).first()
    if body is None:
        raise LedgerError(
            f"there is no current {BodyKind(kind).label} in the registry; establish it first"
        )
    return body


# -- flows ------------------------------------------------------------------------------
@service("ledger.receive_allocation")
def receive_allocation(
    *,
    icb: Organisation,
    amount: Money,
    on: date,
    description: str,
    audit: Auditor,
    source: object | None = None,
) -> Transaction:
    """NHS England allots money to an ICB: from NHS England's funding to the ICB's allocation."""
    if icb.kind != BodyKind.ICB.value:
        raise LedgerError(f"{icb.name} is not an integrated care board")
    nhse = funding_body(BodyKind.NHS_ENGLAND.value)
    pence = _positive(amount)
    return post(
        kind=TransactionKind.ALLOCATION,
        legs=[
            (account_for(nhse, Purpose.FUNDING, audit=audit), -pence),
            (account_for(icb, Purpose.ALLOCATION, audit=audit), pence),
        ],
        on=on,
        description=description,
        source=source,
        audit=audit,
    )


def _place_for(icb: Organisation, row: dict) -> Organisation | None:
    """The place a run's row is for; None for the ICB's practices that are in no place."""
    from openics.allocation.selectors import NOT_IN_A_PLACE

    if row["key"] == NOT_IN_A_PLACE:
        return None
    for place in registry.current_children(icb, BodyKind.PLACE):
        if str(place.pk) == row["key"] or place.name in (row["name"], f"{row['name']} place"):
            return place
    raise LedgerError(
        f"{icb.name} has no current place for {row['name']} ({row['key']}); "
        "create its places before delegating"
    )


@service("ledger.delegate_to_places")
def delegate_to_places(*, run: PlaceAllocationRun, on: date, audit: Auditor) -> Transaction:
    """An approved place allocation run becomes the place budgets: allocation → places."""
    if run.status != RunStatus.APPROVED:
        raise Refused(
            f"the place allocation run of {run.created_at:%Y-%m-%d} is {run.status}; "
            "only an approved run can become place budgets",
            asked={"run": str(run.pk)},
        )
    if Transaction.objects.filter(
        kind=TransactionKind.DELEGATION, source_type=run._meta.label_lower, source_id=str(run.pk)
    ).exists():
        raise Refused(
            "this run's place budgets are already in the books", asked={"run": str(run.pk)}
        )
    icb = run.icb
    sector = COMPONENT_SECTORS.get(run.component, Sector.UNASSIGNED)
    allocation = account_for(icb, Purpose.ALLOCATION, audit=audit)
    legs = []
    for row in run.results:
        if row["budget_pence"] <= 0:
            continue
        place = _place_for(icb, row)
        legs.append(
            (
                account_for(icb, Purpose.BUDGET, place=place, sector=sector, audit=audit),
                row["budget_pence"],
            )
        )
    total = sum(p for _, p in legs)
    if total != run.budget.pence:
        raise LedgerError(f"the run's place budgets add up to {Money(total)}, not {run.budget}")
    return post(
        kind=TransactionKind.DELEGATION,
        legs=[(allocation, -total), *legs],
        on=on,
        description=f"{icb.name}: {run.financial_year} place budgets from the approved run",
        source=run,
        audit=audit,
    )


@service("ledger.transfer_budget")
def transfer_budget(
    *,
    source: Account,
    target: Account,
    amount: Money,
    on: date,
    description: str,
    audit: Auditor,
) -> Transaction:
    """Moves budget within one organisation (a virement), e.g. a place budget to a programme."""
    if source.organisation_id != target.organisation_id:
        raise LedgerError("a budget transfer stays within one organisation; use a flow instead")
    for account in (source, target):
        if account.purpose not in (Purpose.BUDGET, Purpose.ALLOCATION):
            raise LedgerError(f"{account.name} is not a budget")
    if source.ring_fence_id and source.ring_fence_id != target.ring_fence_id:
        _check_ring_fence(source, target.sector or Sector.UNASSIGNED, on, "budget transfer")
    pence = _positive(amount)
    return post(
        kind=TransactionKind.VIREMENT,
        legs=[(source, -pence), (target, pence)],
        on=on,
        description=description,
        audit=audit,
    )


@service("ledger.receive_grant")
def receive_grant(
    *,
    recipient: Organisation,
    amount: Money,
    on: date,
    description: str,
    audit: Auditor,
    funder_kind: str = BodyKind.DHSC.value,
    sector: str = "",
    ring_fence: RingFence | None = None,
    funder: Organisation | None = None,
) -> Transaction:
    """A grant from a funding body to a budget of the recipient, ring-fenced if it says so.
    `funder` names the body when it is not the one current body of `funder_kind` (a council
    funding its own budget from council tax and business rates, say)."""
    funder = funder or funding_body(funder_kind)
    pence = _positive(amount)
    return post(
        kind=TransactionKind.GRANT,
        legs=[
            (account_for(funder, Purpose.FUNDING, audit=audit), -pence),
            (
                account_for(
                    recipient, Purpose.BUDGET, sector=sector, ring_fence=ring_fence, audit=audit
                ),
                pence,
            ),
        ],
        on=on,
        description=description,
        audit=audit,
    )


@service("ledger.create_ring_fence")
def create_ring_fence(
    *,
    name: str,
    kind: str,
    holder: Organisation,
    audit: Auditor,
    partners=(),
    agreed_sectors=(),
    agreement: str = "",
) -> RingFence:
    if kind == "section_75_pool" and not agreed_sectors:
        raise LedgerError("a section 75 pooled fund needs the purposes its agreement names")
    fence = RingFence.objects.create(
        name=name,
        kind=kind,
        holder=holder,
        agreed_sectors=list(agreed_sectors),
        agreement=agreement,
    )
    fence.partners.set(partners)
    audit.created(fence)
    return fence


@service("ledger.contribute_to_pool")
def contribute_to_pool(
    *,
    ring_fence: RingFence,
    source: Account,
    amount: Money,
    on: date,
    audit: Auditor,
) -> Transaction:
    """A partner puts money into a section 75 pooled fund held by the host."""
    if ring_fence.kind != "section_75_pool":
        raise LedgerError(f"{ring_fence.name} is not a pooled fund")
    partners = {ring_fence.holder_id, *ring_fence.partners.values_list("pk", flat=True)}
    if source.organisation_id not in partners:
        raise Refused(
            f"{source.organisation.name} is not a partner in {ring_fence.name}",
            asked={"from": source.key},
        )
    _check_ring_fence(source, Sector.SOCIAL_CARE, on, "pool contribution")
    pool = account_for(ring_fence.holder, Purpose.POOLED_FUND, ring_fence=ring_fence, audit=audit)
    pence = _positive(amount)
    return post(
        kind=TransactionKind.POOLING,
        legs=[(source, -pence), (pool, pence)],
        on=on,
        description=f"{source.organisation.name}: contribution to {ring_fence.name}",
        audit=audit,
    )


@service("ledger.commit")
def commit(
    *,
    contract: Contract,
    source: Account,
    amount: Money,
    on: date,
    audit: Auditor,
) -> Transaction:
    """Sets budget (or pooled fund) aside for a signed contract, in its commitment account."""
    if contract.prime_id:
        raise LedgerError("a subcontract is paid by its prime provider, not from a budget")
    if source.organisation_id != contract.commissioner_id:
        raise LedgerError(
            f"{source.name} belongs to {source.organisation.name}, not the commissioner "
            f"{contract.commissioner.name}"
        )
    if source.purpose not in (Purpose.BUDGET, Purpose.POOLED_FUND):
        raise LedgerError(f"{source.name} is not a budget or pooled fund")
    _check_ring_fence(source, contract.sector, on, f"commitment to {contract.reference}")
    pence = _positive(amount)
    commitment = account_for(
        contract.commissioner,
        Purpose.COMMITMENT,
        contract=contract,
        ring_fence=source.ring_fence,
        audit=audit,
    )
    return post(
        kind=TransactionKind.COMMITMENT,
        legs=[(source, -pence), (commitment, pence)],
        on=on,
        description=f"Commitment to {contract.reference} {contract.title}",
        contract=contract,
        audit=audit,
    )


def payer_account(contract: Contract, audit: Auditor) -> Account:
    """Where a payment on this contract comes from: the commitment, or the prime's cash."""
    if contract.prime_id:
        return account_for(contract.commissioner, Purpose.CASH, audit=audit)
    commitments = list(
        Account.objects.filter(contract=contract, purpose=Purpose.COMMITMENT).order_by("key")
    )
    if not commitments:
        raise Refused(
            f"nothing is committed to contract {contract.reference}; commit budget before paying",
            asked={"contract": contract.reference},
        )
    return max(commitments, key=lambda a: a.balance_pence)


@service("ledger.approve_invoice")
def approve_invoice(
    *, contract: Contract, amount: Money, on: date, invoice_number: str, audit: Auditor
) -> Transaction:
    """An invoice is approved but not yet paid: commitment → the contract's payables."""
    if contract.prime_id:
        raise LedgerError("a prime provider's invoices from subcontractors are paid directly")
    if not invoice_number.strip():
        raise LedgerError("an approval needs the invoice number it approves")
    if (
        Transaction.objects.filter(
            contract=contract,
            invoice_number=invoice_number.strip(),
            kind__in=[TransactionKind.INVOICE_APPROVAL, TransactionKind.PAYMENT],
        ).exists()
        or PaymentLine.objects.filter(
            contract=contract, invoice_number=invoice_number.strip()
        ).exists()
    ):
        raise Refused(
            f"invoice {invoice_number} on {contract.reference} is already approved or paid",
            asked={"invoice": invoice_number, "contract": contract.reference},
            **_rule(ONE_PAYMENT_PER_INVOICE),
        )
    commitment = payer_account(contract, audit)
    _check_ring_fence(commitment, contract.sector, on, f"invoice on {contract.reference}")
    payable = account_for(
        contract.commissioner,
        Purpose.PAYABLE,
        contract=contract,
        ring_fence=commitment.ring_fence,
        audit=audit,
    )
    return post(
        kind=TransactionKind.INVOICE_APPROVAL,
        legs=[(commitment, -_positive(amount)), (payable, amount.pence)],
        on=on,
        description=f"{contract.provider.name}: invoice {invoice_number} approved",
        contract=contract,
        invoice_number=invoice_number.strip(),
        audit=audit,
    )


def _approved(contract: Contract, invoice_number: str) -> Transaction | None:
    return Transaction.objects.filter(
        contract=contract,
        invoice_number=invoice_number,
        kind=TransactionKind.INVOICE_APPROVAL,
        reversed_by__isnull=True,
    ).first()


@service("ledger.pay")
def pay(
    *,
    contract: Contract,
    amount: Money,
    on: date,
    invoice_number: str,
    audit: Auditor,
    element: str = "",
    source: Account | None = None,
) -> Transaction:
    """Pays a provider on a contract (or a subcontractor on a subcontract) for one invoice."""
    if not invoice_number.strip():
        raise LedgerError("a payment needs the invoice number it settles")
    if not contract.start <= on <= contract.end:
        raise Refused(
            f"{on} is outside contract {contract.reference} ({contract.start} to {contract.end})",
            asked={"contract": contract.reference, "date": on},
        )
    pence = _positive(amount)
    approved = None if source or contract.prime_id else _approved(contract, invoice_number.strip())
    if approved is not None:
        owed = sum(p.amount_pence for p in approved.postings.all() if p.amount_pence > 0)
        if owed != pence:
            raise Refused(
                f"invoice {invoice_number} was approved for {Money(owed)}, not {amount}",
                asked={"invoice": invoice_number, "contract": contract.reference},
            )
        source = approved.postings.get(amount_pence__gt=0).account
    payer = source or payer_account(contract, audit)
    if payer.organisation_id != contract.commissioner_id:
        raise LedgerError(
            f"{payer.name} is not an account of {contract.commissioner.name}, who pays on "
            f"contract {contract.reference}"
        )
    _check_ring_fence(payer, contract.sector, on, f"payment on {contract.reference}")
    kind = TransactionKind.SUBCONTRACT_PAYMENT if contract.prime_id else TransactionKind.PAYMENT
    what = "subcontract" if contract.prime_id else "contract"
    return post(
        kind=kind,
        legs=[(payer, -pence), (account_for(contract.provider, Purpose.CASH, audit=audit), pence)],
        on=on,
        description=(
            f"{contract.provider.name}: {what} {contract.reference}, invoice {invoice_number}"
        ),
        contract=contract,
        invoice_number=invoice_number.strip(),
        element=element,
        audit=audit,
    )


@service("ledger.record_operating_cost")
def record_operating_cost(
    *,
    organisation: Organisation,
    amount: Money,
    on: date,
    description: str,
    audit: Auditor,
) -> Transaction:
    """A provider's own spending (staff, supplies): money leaves the books from its cash."""
    pence = _positive(amount)
    cash = account_for(organisation, Purpose.CASH, audit=audit)
    return post(
        kind=TransactionKind.OPERATING_COST,
        legs=[
            (cash, -pence),
            (account_for(organisation, Purpose.OPERATING_COSTS, audit=audit), pence),
        ],
        may_overdraw=(cash,),
        on=on,
        description=description,
        audit=audit,
    )


@service("ledger.reverse")
def reverse(*, original: Transaction, on: date, audit: Auditor) -> Transaction:
    """Cancels a transaction with an equal and opposite one; the original stays on the record."""
    if original.kind == TransactionKind.REVERSAL:
        raise Refused(
            "a reversal cannot itself be reversed; post a new transaction instead",
            asked={"transaction": original.number},
        )
    if Transaction.objects.filter(reverses=original).exists():
        raise Refused(
            f"transaction {original.number} has already been reversed",
            asked={"transaction": original.number},
        )
    legs = [(p.account, -p.amount_pence) for p in original.postings.select_related("account")]
    return post(
        kind=TransactionKind.REVERSAL,
        legs=legs,
        on=on,
        description=f"Reversal of {original.number}: {original.description}"[:300],
        contract=original.contract,
        reverses=original,
        audit=audit,
    )


def blended_payments(contract: Contract, month_end: date, activity_units: int) -> list[tuple]:
    """The two elements of a month's blended payment: (element, amount, invoice number)."""
    if contract.payment_mechanism not in ("blended", "block", "activity"):
        raise LedgerError(f"contract {contract.reference} is not paid monthly")
    if (
        isinstance(activity_units, bool)
        or not isinstance(activity_units, int)
        or activity_units < 0
    ):
        raise LedgerError("activity is a whole number of units, not negative")
    month = f"{month_end:%Y-%m}"
    parts = []
    if contract.fixed_monthly.pence:
        parts.append(("fixed", contract.fixed_monthly, f"{contract.reference}-{month}-F"))
    variable = contract.unit_price * activity_units
    if variable.pence:
        parts.append(("variable", variable, f"{contract.reference}-{month}-V"))
    return parts


@service("ledger.pay_month")
def pay_month(
    *,
    contract: Contract,
    month_end: date,
    activity_units: int,
    audit: Auditor,
) -> list[Transaction]:
    """A month's blended payment: the fixed element plus the variable element on activity."""
    done = []
    for element, amount, invoice in blended_payments(contract, month_end, activity_units):
        done.append(
            pay.__wrapped__(
                contract=contract,
                amount=amount,
                on=month_end,
                invoice_number=invoice,
                element=element,
                audit=audit,
            )
        )
    return done
