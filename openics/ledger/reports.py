"""The Money section's named reads: providers in surplus or deficit, one provider's money,
subcontracting by depth, ring-fenced and pooled funds, spend by place against need, and an
ICB's allocation figures side by side. No writes.

Each report is one selector used by the page, its CSV, `openics money …` and the API, so a
figure is the same wherever it is read. Each carries the books' provenance (real or
illustrative) and offers `as_data()` (amounts as two-place decimal strings) and `table()`
(the CSV's header and rows).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q, Sum

from openics.contracts.models import Contract
from openics.kernel.money import Money
from openics.kernel.years import FinancialYear
from openics.ledger.models import Account, FlowTotal, Posting, Purpose, RingFence, Transaction
from openics.ledger.selectors import (
    NHS_PROVIDER_KINDS,
    BooksProvenance,
    books_provenance,
    follow,
    received_and_spent,
)
from openics.organisations.models import Organisation, OwnershipClass
from openics.regimes.rules.finance import means_test
from openics.regimes.vocabulary import BodyKind, Sector

NOT_KNOWN = "not known"


def _label(year: str) -> str:
    return FinancialYear.parse(year).label


def _flows(year: str):
    return FlowTotal.objects.filter(financial_year=_label(year)).exclude(amount_pence=0)


def _provenance_of(orgs, year: str) -> BooksProvenance:
    """One provenance for a report over several bodies: their transactions' origins added."""
    published: dict[str, int] = defaultdict(int)
    illustrative = recorded = 0
    for org in orgs:
        found = books_provenance(org, year)
        for source, n in found.published.items():
            published[source] += n
        illustrative += found.illustrative
        recorded += found.recorded
    return BooksProvenance(dict(published), illustrative, recorded)


def _accounts_provenance(account_ids, year: str) -> BooksProvenance:
    """The provenance of the transactions touching these accounts in the year."""
    from openics.ledger.selectors import provenance_of_transactions

    return provenance_of_transactions(
        Transaction.objects.filter(
            financial_year=_label(year), postings__account_id__in=list(account_ids)
        )
    )


def company_number(org: Organisation) -> str:
    """Companies House number (or charity number) where the registry knows it."""
    if org.company_number:
        return org.company_number
    if org.charity_number:
        return f"charity {org.charity_number}"
    return NOT_KNOWN


def who(org: Organisation) -> dict:
    """An organisation as the reports name it: code, name, kind, ownership, company number."""
    return {
        "code": org.public_code,
        "name": org.name,
        "kind": BodyKind(org.kind).label if org.kind in BodyKind._value2member_map_ else org.kind,
        "ownership": OwnershipClass(org.ownership).label if org.ownership else NOT_KNOWN,
        "company_number": company_number(org),
    }


# -- providers in surplus or deficit ----------------------------------------------------------


@dataclass
class ProviderRow:
    organisation: Organisation
    income: Money
    expenditure: Money

    @property
    def surplus(self) -> Money:
        return self.income - self.expenditure

    @property
    def in_deficit(self) -> bool:
        return self.surplus.pence < 0


@dataclass
class ProviderResults:
    year: str
    rows: list[ProviderRow]
    provenance: BooksProvenance

    HEADER = (
        "Provider",
        "Code",
        "Income",
        "Expenditure",
        "Surplus (deficit if negative)",
        "Provenance",
    )

    @property
    def in_deficit(self) -> list[ProviderRow]:
        return [r for r in self.rows if r.in_deficit]

    def table(self) -> tuple[tuple, list[list]]:
        return self.HEADER, [
            [
                r.organisation.name,
                r.organisation.public_code,
                r.income.format_plain(),
                r.expenditure.format_plain(),
                r.surplus.format_plain(),
                self.provenance.label,
            ]
            for r in self.rows
        ]

    def as_data(self) -> dict:
        return {
            "year": self.year,
            "providers": [
                {
                    **who(r.organisation),
                    "income": r.income.format_plain(),
                    "expenditure": r.expenditure.format_plain(),
                    "surplus": r.surplus.format_plain(),
                    "in_deficit": r.in_deficit,
                }
                for r in self.rows
            ],
            "in_deficit": len(self.in_deficit),
            "provenance": self.provenance.as_data(),
        }


def provider_results(year: str, *, icb: Organisation | None = None) -> ProviderResults:
    """NHS trusts and foundation trusts with money in the books in the year (those holding an
    ICB's contracts, when one is given): income, expenditure and surplus, deficits first. The
    same figures as each provider's line in `icb_balance`."""
    year = _label(year)
    flows = _flows(year)
    ids = set(
        flows.filter(target__organisation__kind__in=NHS_PROVIDER_KINDS).values_list(
            "target__organisation", flat=True
        )
    )
    if icb is not None:
        ids &= set(
            Contract.objects.filter(commissioner=icb).values_list("provider", flat=True).distinct()
        )
    orgs = list(Organisation.objects.filter(pk__in=ids))
    rows = [ProviderRow(o, *received_and_spent(o, year)) for o in orgs]
    rows.sort(key=lambda r: (r.surplus.pence, r.organisation.name))
    return ProviderResults(year, rows, _provenance_of(orgs, year))


# -- one provider's money: income, cash, and what a commissioner's trace reaches ---------------


@dataclass
class ProviderMoney:
    organisation: Organisation
    year: str
    paid_by: list[tuple[Organisation, Money]]  # income, by payer
    spent_on: list[tuple[str, Money]]  # own costs, then each body it paid
    traced_from: list[tuple[Organisation, Money]]  # what each ICB's trace leaves with it
    provenance: BooksProvenance
    contracts: list[Contract] = field(default_factory=list)
    subcontracts: list[Contract] = field(default_factory=list)

    @property
    def income(self) -> Money:
        return sum((m for _, m in self.paid_by), Money(0))

    @property
    def spent(self) -> Money:
        return sum((m for _, m in self.spent_on), Money(0))

    @property
    def surplus(self) -> Money:
        return self.income - self.spent

    def reconciliation(self) -> str:
        """One line tying its income, the cash it passed on, and a commissioner's trace."""
        if not self.paid_by:
            return ""
        name = self.organisation.name
        payers = " + ".join(f"{m} from {o.name}" for o, m in self.paid_by)
        parts = [f"{name}'s income in {self.year} is {self.income} ({payers})."]
        parts.append(
            f"It spent {self.spent} ("
            + ", ".join(f"{what} {m}" for what, m in self.spent_on)
            + f"), leaving {self.surplus}, its surplus (deficit if negative)."
        )
        paid = dict((o.pk, m) for o, m in self.paid_by)
        for icb, reached in self.traced_from:
            direct = paid.get(icb.pk, Money(0))
            onward = direct - reached
            parts.append(
                f"Following {icb.name}'s money, {reached} stays with {name}: of the {direct} "
                f"{icb.name} paid it, the trace follows {onward} on to the bodies it paid in "
                "turn, in proportion to what it spent."
            )
        return " ".join(parts)

    def as_data(self) -> dict:
        def contract_data(c: Contract) -> dict:
            return {
                "reference": c.reference,
                "title": c.title,
                "commissioner": c.commissioner.name,
                "provider": c.provider.name,
                "depth": c.depth,
                "annual_value": c.annual_value.format_plain(),
            }

        return {
            **who(self.organisation),
            "year": self.year,
            "income": self.income.format_plain(),
            "paid_by": [{"name": o.name, "amount": m.format_plain()} for o, m in self.paid_by],
            "spent": self.spent.format_plain(),
            "spent_on": [{"on": what, "amount": m.format_plain()} for what, m in self.spent_on],
            "surplus": self.surplus.format_plain(),
            "traced_from": [
                {"icb": o.code, "name": o.name, "amount": m.format_plain()}
                for o, m in self.traced_from
            ],
            "reconciliation": self.reconciliation(),
            "contracts": [contract_data(c) for c in self.contracts],
            "subcontracts": [contract_data(c) for c in self.subcontracts],
            "provenance": self.provenance.as_data(),
        }


def provider_money(org: Organisation, year: str) -> ProviderMoney:
    """A provider's year in three figures that differ by definition: its income (everything
    paid into its accounts, as `ledger balance` counts it), what it spent (own costs and
    payments to subcontractors), and what each ICB's trace (`money trace --from icb:…`)
    leaves with it once its own payments onward are followed."""
    year = _label(year)
    flows = _flows(year)
    into = (
        flows.filter(target__organisation=org)
        .exclude(source__organisation=org)
        .values_list("source__organisation")
        .annotate(t=Sum("amount_pence"))
    )
    out = (
        flows.filter(source__organisation=org)
        .exclude(target__organisation=org)
        .values_list("target__organisation")
        .annotate(t=Sum("amount_pence"))
    )
    own = flows.filter(
        source__organisation=org, target__organisation=org, target__purpose=Purpose.OPERATING_COSTS
    ).aggregate(t=Sum("amount_pence"))["t"]
    bodies = Organisation.objects.in_bulk([pk for pk, _ in into] + [pk for pk, _ in out])
    paid_by = sorted(((bodies[pk], Money(t)) for pk, t in into), key=lambda r: -r[1].pence)
    spent_on = [("its own costs", Money(own))] if own else []
    spent_on += sorted(((bodies[pk].name, Money(t)) for pk, t in out), key=lambda r: -r[1].pence)
    traced = []
    for payer, _ in paid_by:
        if payer.kind != BodyKind.ICB.value:
            continue
        start = Account.objects.filter(organisation=payer, purpose=Purpose.ALLOCATION).first()
        if start is None:
            continue
        trace = follow(start, year)
        reached = sum(
            (d.amount for d in trace.destinations if d.account.organisation_id == org.pk),
            Money(0),
        )
        traced.append((payer, reached))
    contracts = list(
        Contract.objects.filter(Q(provider=org) | Q(commissioner=org))
        .select_related("commissioner", "provider", "prime")
        .order_by("start", "reference")
    )
    return ProviderMoney(
        org,
        year,
        paid_by,
        spent_on,
        traced,
        books_provenance(org, year),
        contracts=[c for c in contracts if c.provider_id == org.pk],
        subcontracts=[c for c in contracts if c.commissioner_id == org.pk and c.prime_id],
    )


# -- subcontracting by depth ----------------------------------------------------------------


@dataclass
class SubcontractRow:
    contract: Contract
    depth: int
    paid: Money

    @property
    def chain(self) -> list[str]:
        """The prime contracts above it, top first, as references."""
        found, contract = [], self.contract
        while contract.prime_id:
            contract = contract.prime
            found.append(contract.reference)
        return list(reversed(found))


@dataclass
class Subcontracting:
    year: str
    rows: list[SubcontractRow]
    provenance: BooksProvenance

    HEADER = (
        "Depth",
        "Contract",
        "Title",
        "Let by",
        "Provider",
        "Provider kind",
        "Ownership",
        "Company number",
        "Under",
        "Annual value",
        "Paid in the year",
        "Provenance",
    )

    def by_depth(self) -> dict[int, Money]:
        totals: dict[int, Money] = defaultdict(Money.zero)
        for r in self.rows:
            totals[r.depth] += r.paid
        return dict(sorted(totals.items()))

    def table(self) -> tuple[tuple, list[list]]:
        rows = []
        for r in self.rows:
            c, provider = r.contract, who(r.contract.provider)
            rows.append(
                [
                    r.depth,
                    c.reference,
                    c.title,
                    c.commissioner.name,
                    provider["name"],
                    provider["kind"],
                    provider["ownership"],
                    provider["company_number"],
                    " > ".join(r.chain),
                    c.annual_value.format_plain(),
                    r.paid.format_plain(),
                    self.provenance.label,
                ]
            )
        return self.HEADER, rows

    def as_data(self) -> dict:
        return {
            "year": self.year,
            "contracts": [
                {
                    "depth": r.depth,
                    "reference": r.contract.reference,
                    "title": r.contract.title,
                    "let_by": r.contract.commissioner.name,
                    "provider": who(r.contract.provider),
                    "under": r.chain,
                    "annual_value": r.contract.annual_value.format_plain(),
                    "paid": r.paid.format_plain(),
                }
                for r in self.rows
            ],
            "paid_by_depth": {str(k): v.format_plain() for k, v in self.by_depth().items()},
            "provenance": self.provenance.as_data(),
        }


def _paid_to_providers(year: str) -> dict:
    """Cash each contract's provider received on it in the year (payments net of reversals)."""
    rows = (
        Posting.objects.filter(
            financial_year=_label(year),
            account__purpose=Purpose.CASH,
            transaction__contract__isnull=False,
            account__organisation=F("transaction__contract__provider"),
        )
        .values_list("transaction__contract")
        .annotate(t=Sum("amount_pence"))
    )
    return dict(rows)


def subcontracting(year: str) -> Subcontracting:
    """Every contract in force in the year with a commissioner (depth 0) and every subcontract
    under it (depth 1, 2, …), by depth, with what its provider was paid on it in the year."""
    fy = FinancialYear.parse(year)
    contracts = list(
        Contract.objects.filter(start__lte=fy.last_day, end__gte=fy.first_day)
        .select_related("commissioner", "provider", "prime__prime__prime")
        .order_by("reference")
    )
    paid = _paid_to_providers(fy.label)
    rows = [SubcontractRow(c, c.depth, Money(paid.get(c.pk, 0))) for c in contracts]
    has_subs = {r.contract.prime_id for r in rows if r.contract.prime_id}
    # Contracts that are neither under nor over a subcontract are the pot's plain spending; the
    # report keeps the chains only (a prime that lets subcontracts, and those subcontracts).
    rows = [r for r in rows if r.depth > 0 or r.contract.pk in has_subs]
    rows.sort(key=lambda r: (r.chain[:1] or [r.contract.reference], r.depth, r.contract.reference))
    bodies = {r.contract.provider for r in rows} | {r.contract.commissioner for r in rows}
    return Subcontracting(fy.label, rows, _provenance_of(bodies, fy.label))


# -- ring-fenced and pooled funds -------------------------------------------------------------


@dataclass
class FundedService:
    contract: Contract
    committed: Money
    paid: Money
    means_tested: bool
    charging: str


@dataclass
class Refusal:
    when: str  # the day the refusal was recorded
    what: str
    sector: str
    reasons: list[str]


@dataclass
class FundReport:
    fence: RingFence
    year: str
    contributions: list[tuple[Organisation, Money]]  # received, by who paid it in
    spent_by_purpose: dict[str, Money]  # paid to providers, by the purpose of the contract
    committed_unpaid: Money
    held: Money
    services: list[FundedService]
    refusals: list[Refusal]
    provenance: BooksProvenance

    HEADER = (
        "Fund",
        "Line",
        "Who or what",
        "Amount",
        "Means-tested",
        "Provenance",
    )

    @property
    def received(self) -> Money:
        return sum((m for _, m in self.contributions), Money(0))

    @property
    def spent(self) -> Money:
        return sum(self.spent_by_purpose.values(), Money(0))

    @property
    def purposes(self) -> list[str]:
        from openics.regimes.registry import regime_in_force_on

        if self.fence.agreed_sectors:
            return [Sector(s).label for s in self.fence.agreed_sectors]
        last_day = FinancialYear.parse(self.year).last_day
        regime = regime_in_force_on(last_day)
        if regime is None or "ledger.ring_fences" not in regime.parameters:
            return []
        rule = regime.parameter("ledger.ring_fences").at(last_day).get(self.fence.kind, {})
        return [Sector(s).label for s in rule.get("sectors", [])]

    @property
    def slug(self) -> str:
        return str(self.fence.pk)

    def reconciliation(self) -> str:
        return (
            f"Received {self.received} = paid to providers {self.spent} + committed, not yet "
            f"paid {self.committed_unpaid} + still held {self.held}."
        )

    def table(self) -> tuple[tuple, list[list]]:
        name, label = self.fence.name, self.provenance.label
        rows = [
            [name, "received from", o.name, m.format_plain(), "", label]
            for o, m in self.contributions
        ]
        rows += [
            [name, "spent on", purpose, m.format_plain(), "", label]
            for purpose, m in self.spent_by_purpose.items()
        ]
        rows.append(
            [name, "committed, not yet paid", "", self.committed_unpaid.format_plain(), "", label]
        )
        rows.append([name, "still held", "", self.held.format_plain(), "", label])
        rows += [
            [
                name,
                "funds the service",
                f"{s.contract.reference} {s.contract.title} ({s.contract.provider.name})",
                s.paid.format_plain(),
                "yes" if s.means_tested else "no",
                label,
            ]
            for s in self.services
        ]
        rows += [
            [name, "refused", f"{r.what}: {'; '.join(r.reasons)}", "", "", label]
            for r in self.refusals
        ]
        return self.HEADER, rows

    def as_data(self) -> dict:
        return {
            "id": self.slug,
            "name": self.fence.name,
            "kind": self.fence.get_kind_display(),
            "year": self.year,
            "holder": who(self.fence.holder),
            "partners": [who(p) for p in self.fence.partners.order_by("name")],
            "agreement": self.fence.agreement,
            "purposes": self.purposes,
            "received": self.received.format_plain(),
            "contributions": [
                {"source": o.name, "kind": who(o)["kind"], "amount": m.format_plain()}
                for o, m in self.contributions
            ],
            "spent": self.spent.format_plain(),
            "spent_by_purpose": {k: v.format_plain() for k, v in self.spent_by_purpose.items()},
            "committed_unpaid": self.committed_unpaid.format_plain(),
            "held": self.held.format_plain(),
            "reconciliation": self.reconciliation(),
            "services": [
                {
                    "reference": s.contract.reference,
                    "title": s.contract.title,
                    "provider": s.contract.provider.name,
                    "committed": s.committed.format_plain(),
                    "paid": s.paid.format_plain(),
                    "means_tested": s.means_tested,
                    "charging": s.charging,
                }
                for s in self.services
            ],
            "refusals": [
                {"recorded_on": r.when, "what": r.what, "sector": r.sector, "reasons": r.reasons}
                for r in self.refusals
            ],
            "provenance": self.provenance.as_data(),
        }


class FundNotFound(LookupError):
    pass


def _refusals(accounts: list[Account]) -> list[Refusal]:
    from openics.core.models import AuditEntry

    entries = AuditEntry.objects.filter(
        action__endswith=".refused",
        object_type=Account._meta.label_lower,
        object_id__in=[str(a.pk) for a in accounts],
    ).order_by("occurred_at", "id")
    found = []
    for entry in entries:
        after = entry.after or {}
        asked = after.get("asked", {})
        sector = asked.get("sector", "")
        found.append(
            Refusal(
                f"{entry.occurred_at:%Y-%m-%d}",
                asked.get("what", entry.action),
                Sector(sector).label if sector in Sector._value2member_map_ else sector,
                list(after.get("refused", [])),
            )
        )
    return found


def fund_report(fence: RingFence, year: str) -> FundReport:
    """A ring-fenced fund in the year: who paid in, what it was spent on by purpose, what is
    committed and held, the services it funds (and which are means-tested social care), and
    every payment the ring-fence refused, as proof that it holds."""
    year = _label(year)
    accounts = list(Account.objects.filter(ring_fence=fence).select_related("contract"))
    ids = {a.pk for a in accounts}
    flows = _flows(year)
    into = (
        flows.filter(target_id__in=ids)
        .exclude(source_id__in=ids)
        .values_list("source__organisation")
        .annotate(t=Sum("amount_pence"))
    )
    bodies = Organisation.objects.in_bulk([pk for pk, _ in into])
    contributions = sorted(((bodies[pk], Money(t)) for pk, t in into), key=lambda r: -r[1].pence)
    spent: dict[str, Money] = defaultdict(Money.zero)
    paid_on: dict = defaultdict(int)
    for source_id, t in (
        flows.filter(source_id__in=ids, target__purpose=Purpose.CASH)
        .values_list("source_id")
        .annotate(t=Sum("amount_pence"))
    ):
        source = next(a for a in accounts if a.pk == source_id)
        sector = (source.contract.sector if source.contract_id else source.sector) or "unassigned"
        spent[Sector(sector).label] += Money(t)
        if source.contract_id:
            paid_on[source.contract_id] += t
    net: dict = defaultdict(int)
    for target_id, t in (
        flows.filter(target_id__in=ids).values_list("target_id").annotate(t=Sum("amount_pence"))
    ):
        net[target_id] += t
    for source_id, t in (
        flows.filter(source_id__in=ids).values_list("source_id").annotate(t=Sum("amount_pence"))
    ):
        net[source_id] -= t
    committed = sum(
        net.get(a.pk, 0) for a in accounts if a.purpose in (Purpose.COMMITMENT, Purpose.PAYABLE)
    )
    held = sum(
        net.get(a.pk, 0) for a in accounts if a.purpose in (Purpose.BUDGET, Purpose.POOLED_FUND)
    )
    committed_to: dict = defaultdict(int)
    for a in accounts:
        if a.purpose == Purpose.COMMITMENT and a.contract_id:
            committed_to[a.contract_id] += (
                flows.filter(target=a).aggregate(t=Sum("amount_pence"))["t"] or 0
            )
    services = []
    for contract in (
        Contract.objects.filter(pk__in=committed_to)
        .select_related("provider", "commissioner")
        .order_by("reference")
    ):
        charging = means_test(
            sector=contract.sector,
            arranged_by_kind=contract.commissioner.kind,
            title=contract.title,
        )
        services.append(
            FundedService(
                contract,
                Money(committed_to[contract.pk]),
                Money(paid_on.get(contract.pk, 0)),
                charging.means_tested,
                charging.explanation,
            )
        )
    return FundReport(
        fence,
        year,
        contributions,
        dict(sorted(spent.items(), key=lambda kv: -kv[1].pence)),
        Money(committed),
        Money(held),
        services,
        _refusals(accounts),
        _accounts_provenance(ids, year),
    )


def ring_fenced_funds(year: str) -> list[FundReport]:
    """Every ring-fenced fund with money in the year: public health grants first, then pooled
    funds, by name."""
    year = _label(year)
    ids = set(
        _flows(year)
        .filter(Q(target__ring_fence__isnull=False) | Q(source__ring_fence__isnull=False))
        .values_list("target__ring_fence", "source__ring_fence")
        .distinct()
        .values_list("target__ring_fence", flat=True)
    )
    fences = RingFence.objects.filter(pk__in={i for i in ids if i}).select_related("holder")
    order = {"public_health_grant": 0, "section_75_pool": 1}
    return [
        fund_report(f, year) for f in sorted(fences, key=lambda f: (order.get(f.kind, 9), f.name))
    ]


def find_fund(key: str) -> RingFence:
    """A fund by its id or its exact name."""
    import uuid

    try:
        found = RingFence.objects.filter(pk=uuid.UUID(key)).first()
    except ValueError:
        found = RingFence.objects.filter(name__iexact=key).first()
    if found is None:
        raise FundNotFound(f"no ring-fenced fund is called or numbered {key!r}")
    return found


# -- spend by place against need -------------------------------------------------------------


@dataclass
class PlaceRow:
    name: str
    budget_account: Account | None
    need_index: Decimal
    weighted: Decimal
    need_share: Decimal  # share of the ICB's weighted population
    delegated: Money
    reached: Money  # reached providers, following the place budget
    still_held: Money

    @property
    def reached_per_weighted_head(self) -> Money:
        if not self.weighted:
            return Money(0)
        return Money.from_decimal_rounded(self.reached.to_decimal() / self.weighted)


@dataclass
class PlaceSpend:
    icb: Organisation
    year: str
    run_year: str
    rows: list[PlaceRow]
    provenance: BooksProvenance

    HEADER = (
        "Place",
        "Need index",
        "Weighted population",
        "Share of need",
        "Budget delegated",
        "Share of budgets",
        "Reached providers",
        "Still held",
        "Reached per weighted head",
        "Provenance",
    )

    @property
    def delegated(self) -> Money:
        return sum((r.delegated for r in self.rows), Money(0))

    def budget_share(self, row: PlaceRow) -> Decimal:
        total = self.delegated.pence
        return Decimal(row.delegated.pence) / total if total else Decimal(0)

    def table(self) -> tuple[tuple, list[list]]:
        return self.HEADER, [
            [
                r.name,
                f"{r.need_index:.4f}",
                f"{r.weighted:.0f}",
                f"{r.need_share:.4%}",
                r.delegated.format_plain(),
                f"{self.budget_share(r):.4%}",
                r.reached.format_plain(),
                r.still_held.format_plain(),
                r.reached_per_weighted_head.format_plain(),
                self.provenance.label,
            ]
            for r in self.rows
        ]

    def as_data(self) -> dict:
        return {
            "icb": self.icb.code,
            "year": self.year,
            "place_run_year": self.run_year,
            "delegated": self.delegated.format_plain(),
            "places": [
                {
                    "name": r.name,
                    "need_index": f"{r.need_index:.4f}",
                    "weighted_population": f"{r.weighted:.0f}",
                    "need_share": f"{r.need_share:.6f}",
                    "delegated": r.delegated.format_plain(),
                    "budget_share": f"{self.budget_share(r):.6f}",
                    "reached": r.reached.format_plain(),
                    "still_held": r.still_held.format_plain(),
                    "reached_per_weighted_head": r.reached_per_weighted_head.format_plain(),
                }
                for r in self.rows
            ],
            "provenance": self.provenance.as_data(),
        }


def place_spend(icb: Organisation, year: str) -> PlaceSpend:
    """Each place's budget in the books beside its need (the approved place run it was shared
    by): delegated, reached providers (following the budget), still held, and per weighted
    head. The place run's year is the year it was run for; the books' year is the year paid."""
    from openics.allocation.models import PlaceAllocationRun

    year = _label(year)
    runs = PlaceAllocationRun.objects.filter(icb=icb, status="approved")
    run = runs.filter(financial_year=year).first() or runs.order_by("-financial_year").first()
    results = run.results if run else []
    weighted_total = sum((Decimal(r["weighted"]) for r in results), Decimal(0))
    budgets = {
        (a.place.name if a.place_id else ""): a
        for a in Account.objects.filter(
            organisation=icb, purpose=Purpose.BUDGET, place__isnull=False
        ).select_related("place")
    }
    rows = []
    for r in results:
        account = budgets.get(r["name"])
        delegated = reached = held = Money(0)
        if account is not None:
            delegated = Money(
                _flows(year).filter(target=account).aggregate(t=Sum("amount_pence"))["t"] or 0
            )
            if delegated.pence:
                traced = follow(account, year)
                reached, held = traced.reached, traced.still_held + traced.kept_by_start
        weighted = Decimal(r["weighted"])
        rows.append(
            PlaceRow(
                r["name"],
                account,
                Decimal(r["need_index"]),
                weighted,
                weighted / weighted_total if weighted_total else Decimal(0),
                delegated,
                reached,
                held,
            )
        )
    return PlaceSpend(
        icb, year, run.financial_year if run else "", rows, books_provenance(icb, year)
    )


# -- an ICB's allocation figures, side by side ------------------------------------------------


@dataclass(frozen=True)
class Figure:
    name: str
    amount: Money
    year: str  # the financial year the figure is for
    source: str  # the published file, or how OpenICS computed it
    provenance: str  # real / illustrative / computed


@dataclass
class AllocationFigures:
    icb: Organisation
    year: str
    figures: list[Figure]
    received: list[Figure]  # what the books record as received in the year, each line

    def reconciliation(self) -> str:
        if not self.figures:
            return ""
        by = {f.name: f for f in self.figures}
        parts = []
        target, allocation = by.get("target"), by.get("allocation")
        if target and allocation:
            gap = allocation.amount - target.amount
            distance = Decimal(gap.pence) / Decimal(target.amount.pence) * 100
            parts.append(
                f"NHS England's {allocation.year} core allocation ({allocation.amount}) is "
                f"{gap} ({distance:.1f}%) above its fair-shares target ({target.amount}): pace of "
                "change moves an allocation towards target over years, not at once."
            )
        fair = by.get("fair_share")
        if fair:
            parts.append(
                f"OpenICS's fair share ({fair.amount}) divides England's total by weighted "
                "population alone, with no pace of change and newer populations, so it "
                "differs from NHS England's target."
            )
        if self.received:
            lines = " + ".join(f"{f.amount} ({f.source})" for f in self.received)
            total = sum((f.amount for f in self.received), Money(0))
            parts.append(f"The books' {self.year} receipts, {total}, are {lines}.")
        return " ".join(parts)

    def as_data(self) -> dict:
        def data(f: Figure) -> dict:
            return {
                "name": f.name,
                "amount": f.amount.format_plain(),
                "year": f.year,
                "source": f.source,
                "provenance": f.provenance,
            }

        return {
            "icb": self.icb.code,
            "year": self.year,
            "figures": [data(f) for f in self.figures],
            "received": [data(f) for f in self.received],
            "reconciliation": self.reconciliation(),
        }


def allocations_received(icb: Organisation, year: str) -> list[Figure]:
    """Each allocation the books record the ICB as receiving in the year, with the financial
    year of the published figure it carries (a year's books may book an earlier year's
    published allocation when no later one is loaded)."""
    from openics.allocation.models import PlaceAllocationRun, PublishedAllocation

    year = _label(year)
    allocation = Account.objects.filter(organisation=icb, purpose=Purpose.ALLOCATION).first()
    if allocation is None:
        return []
    figures = []
    for txn in Transaction.objects.filter(
        financial_year=year, kind="allocation", postings__account=allocation
    ).order_by("effective_date", "number"):
        amount = Money(
            txn.postings.filter(account=allocation).aggregate(t=Sum("amount_pence"))["t"] or 0
        )
        belongs, source = year, "recorded in OpenICS"
        if txn.source_type == PublishedAllocation._meta.label_lower:
            published = PublishedAllocation.objects.filter(pk=txn.source_id).first()
            if published:
                belongs = published.financial_year
                source = (
                    f"NHS England's published {published.financial_year} "
                    f"{published.get_line_display().lower()} allocation ({published.source_name})"
                )
        elif txn.source_type == PlaceAllocationRun._meta.label_lower:
            run = PlaceAllocationRun.objects.filter(pk=txn.source_id).first()
            match = (
                PublishedAllocation.objects.filter(icb=icb, line="core")
                .order_by("-financial_year")
                .all()
            )
            published = next(
                (
                    p
                    for p in match
                    if run and Money.from_decimal_rounded(p.recurrent_k * 1000) == run.budget
                ),
                None,
            )
            if published:
                belongs = published.financial_year
                source = (
                    f"NHS England's published {published.financial_year} core allocation, "
                    f"shared by the {run.financial_year} place run"
                )
            elif run:
                belongs, source = run.financial_year, f"the {run.financial_year} place run"
        figures.append(Figure(txn.description, amount, belongs, source, "booked"))
    return figures


def allocation_figures(icb: Organisation, year: str) -> AllocationFigures:
    """The ICB's target, allocation, fair share and books' receipts for the year, named and
    reconciled: four figures that differ by definition, not by mistake."""
    from openics.allocation import selectors as shares
    from openics.allocation.models import AllocationTotal, PublishedAllocation

    year = _label(year)
    figures = []
    received = allocations_received(icb, year)
    core = (
        PublishedAllocation.objects.filter(icb=icb, line="core", financial_year__lte=year)
        .order_by("-financial_year")
        .first()
    )
    if core:
        source = f"NHS England's published allocations ({core.source_name})"
        figures.append(
            Figure(
                "target",
                Money.from_decimal_rounded(core.target_k * 1000),
                core.financial_year,
                source,
                "real",
            )
        )
        figures.append(
            Figure(
                "allocation",
                Money.from_decimal_rounded(core.recurrent_k * 1000),
                core.financial_year,
                source,
                "real",
            )
        )
        total = AllocationTotal.objects.filter(
            icb__isnull=True, line="core", financial_year=core.financial_year
        ).first()
        if total:
            from openics.population.selectors import latest_financial_year

            populations = latest_financial_year()
            if populations:
                rows = shares.national_fair_shares(populations, total.amount)
                mine = next((r for r in rows if r.icb.pk == icb.pk), None)
                if mine:
                    figures.append(
                        Figure(
                            "fair_share",
                            mine.fair.target,
                            core.financial_year,
                            f"OpenICS: England's {total.financial_year} core total shared by "
                            f"{populations} weighted populations",
                            "computed from real files",
                        )
                    )
    if received:
        figures.append(
            Figure(
                "received_in_books",
                sum((f.amount for f in received), Money(0)),
                year,
                "the books: allocations received in the year",
                books_provenance(icb, year).label,
            )
        )
    return AllocationFigures(icb, year, figures, received)
