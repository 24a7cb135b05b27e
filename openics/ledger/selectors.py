"""Reading the books: balances, the break-even duty, and following the money. No writes.

Reports read the flow totals (one row per pair of accounts a year), never the postings,
so they cost the same at ten postings or ten million.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from openics.contracts.models import Contract
from openics.kernel.money import Money
from openics.kernel.years import FinancialYear
from openics.ledger.double_entry import Edge
from openics.ledger.models import Account, FlowTotal, Purpose, Transaction
from openics.ledger.tracing import Trace, trace
from openics.organisations.models import Organisation, OwnershipClass
from openics.regimes.model import RuleResult
from openics.regimes.registry import regime_in_force_on
from openics.regimes.rules import finance
from openics.regimes.vocabulary import BodyKind, Sector

SPENDING_PURPOSES = {Purpose.BUDGET, Purpose.POOLED_FUND, Purpose.COMMITMENT, Purpose.PAYABLE}
HOLDING_PURPOSES = {Purpose.ALLOCATION, *SPENDING_PURPOSES}
NHS_PROVIDER_KINDS = {BodyKind.NHS_TRUST.value, BodyKind.FOUNDATION_TRUST.value}


def _flows_of(year: str):
    return FlowTotal.objects.filter(financial_year=year).exclude(amount_pence=0)


def received_and_spent(org: Organisation, year: str) -> tuple[Money, Money]:
    """Money into the organisation's accounts from others, and out of them to others."""
    flows = _flows_of(year)
    into = flows.filter(target__organisation=org).exclude(source__organisation=org)
    out = flows.filter(source__organisation=org).exclude(target__organisation=org)
    own_costs = flows.filter(
        source__organisation=org, target__organisation=org, target__purpose=Purpose.OPERATING_COSTS
    )
    received = into.aggregate(t=Sum("amount_pence"))["t"] or 0
    spent = (out.aggregate(t=Sum("amount_pence"))["t"] or 0) + (
        own_costs.aggregate(t=Sum("amount_pence"))["t"] or 0
    )
    return Money(received), Money(spent)


@dataclass
class ProviderResult:
    organisation: Organisation
    income: Money
    expenditure: Money

    @property
    def surplus(self) -> Money:
        return self.income - self.expenditure


@dataclass
class IcbBalance:
    icb: Organisation
    year: str
    received: Money
    spent: Money
    committed_unpaid: Money
    unspent: Money
    duty: list[str]
    duty_source: str
    providers: list[ProviderResult] = field(default_factory=list)
    has_books: bool = True
    provenance: BooksProvenance | None = None

    @property
    def surplus(self) -> Money:
        return self.received - self.spent

    @property
    def breaks_even(self) -> bool | None:
        """Whether the duty is met; None when there are no books for the year to judge."""
        if not self.has_books:
            return None
        return not self.duty

    @property
    def system_surplus(self) -> Money:
        return self.surplus + sum((p.surplus for p in self.providers), Money(0))

    def as_data(self) -> dict:
        """The balance as plain data, amounts as two-place decimal strings (CLI and API)."""
        return {
            "icb": self.icb.code,
            "year": self.year,
            "received": self.received.format_plain(),
            "spent": self.spent.format_plain(),
            "surplus": self.surplus.format_plain(),
            "committed_unpaid": self.committed_unpaid.format_plain(),
            "unspent_budget": self.unspent.format_plain(),
            "has_books": self.has_books,
            "breaks_even": self.breaks_even,
            "duty": self.duty_source,
            "breaches": self.duty,
            "providers": [
                {
                    "code": p.organisation.code,
                    "name": p.organisation.name,
                    "income": p.income.format_plain(),
                    "expenditure": p.expenditure.format_plain(),
                    "surplus": p.surplus.format_plain(),
                }
                for p in self.providers
            ],
            "system_surplus": self.system_surplus.format_plain(),
            "provenance": self.provenance.as_data() if self.provenance else None,
        }


def icb_balance(icb: Organisation, year: str) -> IcbBalance:
    year = FinancialYear.parse(year).label
    received, spent = received_and_spent(icb, year)
    flows = _flows_of(year)
    has_books = flows.filter(Q(source__organisation=icb) | Q(target__organisation=icb)).exists()
    held = defaultdict(int)
    for purpose, into in (
        flows.filter(target__organisation=icb)
        .values_list("target__purpose")
        .annotate(t=Sum("amount_pence"))
    ):
        held[purpose] += into
    for purpose, out in (
        flows.filter(source__organisation=icb)
        .values_list("source__purpose")
        .annotate(t=Sum("amount_pence"))
    ):
        held[purpose] -= out
    committed = Money(held.get(Purpose.COMMITMENT, 0) + held.get(Purpose.PAYABLE, 0))
    unspent = Money(
        held.get(Purpose.ALLOCATION, 0)
        + held.get(Purpose.BUDGET, 0)
        + held.get(Purpose.POOLED_FUND, 0)
    )
    last_day = FinancialYear.parse(year).last_day
    regime = regime_in_force_on(last_day)
    duty, source = [], ""
    if regime is not None and has_books:
        result = regime.evaluate(
            "ledger.break-even", last_day, body=icb.name, received=received, spent=spent
        )
        duty = [v.explanation for v in result.violations]
        source = regime.rule("ledger.break-even").citation.source
    provider_ids = (
        Contract.objects.filter(commissioner=icb, provider__kind__in=NHS_PROVIDER_KINDS)
        .values_list("provider", flat=True)
        .distinct()
    )
    providers = []
    for provider in Organisation.objects.filter(pk__in=provider_ids).order_by("name"):
        income, expenditure = received_and_spent(provider, year)
        providers.append(ProviderResult(provider, income, expenditure))
    return IcbBalance(
        icb,
        year,
        received,
        spent,
        committed,
        unspent,
        duty,
        source,
        providers,
        has_books=has_books,
        provenance=books_provenance(icb, year),
    )


@dataclass
class SystemDuties:
    """The financial duties of an ICB's system for a year, from the books: the ICB and the NHS
    trusts it contracts with together (ss223L-223N), and the ICB's running costs (s223GB)."""

    icb: Organisation
    year: str
    system: finance.System
    balance: RuleResult | None
    limits: RuleResult | None
    running_costs: Money
    population: int
    running_cost_limit: RuleResult | None

    @property
    def results(self) -> list[RuleResult]:
        return [r for r in (self.balance, self.limits, self.running_cost_limit) if r]


def running_costs(icb: Organisation, year: str) -> Money:
    """The ICB's own costs in the year (its running costs: programme money goes to others)."""
    own = _flows_of(FinancialYear.parse(year).label).filter(
        source__organisation=icb, target__organisation=icb, target__purpose=Purpose.OPERATING_COSTS
    )
    return Money(own.aggregate(t=Sum("amount_pence"))["t"] or 0)


# Payers whose money is the health service in England's (the rest is "elsewhere": councils'
# grants and pooled funds, charities, companies). Councils' public health money is counted as
# elsewhere: the books cannot tell which of their payments are for the health service.
HEALTH_SERVICE_PAYERS = {
    BodyKind.NHS_ENGLAND.value,
    BodyKind.NHS_ENGLAND_REGION.value,
    BodyKind.ICB.value,
    BodyKind.PLACE.value,
    BodyKind.NHS_TRUST.value,
    BodyKind.FOUNDATION_TRUST.value,
    BodyKind.DHSC.value,
}


def income_by_source(org: Organisation, year: str) -> tuple[Money, Money]:
    """A body's income in the year from the health service in England, and from elsewhere."""
    into = (
        _flows_of(FinancialYear.parse(year).label)
        .filter(target__organisation=org)
        .exclude(source__organisation=org)
        .values_list("source__organisation__kind")
        .annotate(t=Sum("amount_pence"))
    )
    health = sum(t for kind, t in into if kind in HEALTH_SERVICE_PAYERS)
    other = sum(t for kind, t in into if kind not in HEALTH_SERVICE_PAYERS)
    return Money(health), Money(other)


def system_duties(
    icb: Organisation, year: str, *, population: int, balance: IcbBalance | None = None
) -> SystemDuties:
    """The system's duties under the law in force at the year's end. The partner trusts are
    the NHS trusts and foundation trusts the ICB contracts with (the books do not record
    NHS England's apportionment of trusts to ICBs)."""
    fy = FinancialYear.parse(year)
    balance = balance or icb_balance(icb, fy.label)
    bodies = [finance.BodyAccounts(icb.name, "icb", balance.received.pence, balance.spent.pence)]
    bodies += [
        finance.BodyAccounts(
            p.organisation.name, p.organisation.kind, p.income.pence, p.expenditure.pence
        )
        for p in balance.providers
    ]
    system = finance.System(icb=icb.name, year=fy.label, bodies=tuple(bodies))
    costs = running_costs(icb, fy.label)
    regime = regime_in_force_on(fy.last_day)

    def ask(rule_id, **facts):
        if regime is None or rule_id not in regime.rules:
            return None
        return regime.evaluate(rule_id, fy.last_day, **facts)

    return SystemDuties(
        icb,
        fy.label,
        system,
        ask("ledger.system-balance", system=system),
        ask("ledger.resource-limits", system=system),
        costs,
        population,
        ask("ledger.running-cost-limit", body=icb.name, population=population, running_costs=costs),
    )


# -- follow the money -------------------------------------------------------------------
@dataclass
class Destination:
    account: Account
    pence: int
    depth: int  # subcontract depth: 0 paid by a commissioner, 1 by a prime provider, ...

    @property
    def amount(self) -> Money:
        return Money(self.pence)

    @property
    def is_spent(self) -> bool:
        return self.account.purpose in (Purpose.CASH, Purpose.OPERATING_COSTS)


@dataclass
class MoneyTrace:
    start: Account
    year: str
    upstream: bool
    total: Money
    destinations: list[Destination]
    flows: list[tuple[Account, Account, Money]]
    by_sector: dict[str, Money]
    by_ownership: dict[str, Money]
    by_depth: dict[int, Money]
    provenance: BooksProvenance | None = None
    # What came into the starting account in the year and stayed there (a provider's surplus
    # in its cash, a budget not yet spent): never part of a downstream trace's total.
    kept_by_start: Money = field(default_factory=Money.zero)

    @property
    def reached(self) -> Money:
        return sum((d.amount for d in self.destinations if d.is_spent), Money(0))

    @property
    def still_held(self) -> Money:
        return sum((d.amount for d in self.destinations if not d.is_spent), Money(0))

    @property
    def held_by_start(self) -> Money:
        """Still held in the starting organisation's own accounts: for an ICB, the same
        figure as its surplus in its books (icb_balance)."""
        org = self.start.organisation_id
        return sum(
            (
                d.amount
                for d in self.destinations
                if not d.is_spent and d.account.organisation_id == org
            ),
            Money(0),
        )

    @property
    def held_by_others(self) -> Money:
        """Still held, but by others: pooled funds and budgets they host. The starting
        body's books count this as spent, since it left its accounts."""
        return self.still_held - self.held_by_start

    def held_elsewhere(self) -> list[tuple[Organisation, Money]]:
        org = self.start.organisation_id
        totals: dict = defaultdict(Money.zero)
        for d in self.destinations:
            if not d.is_spent and d.account.organisation_id != org:
                totals[d.account.organisation] += d.amount
        return sorted(totals.items(), key=lambda r: (-r[1].pence, r[0].name))

    def reconciliation(self) -> str:
        """One line tying "still held" here to the surplus in the starting body's books."""
        if self.upstream:
            return ""
        kept = ""
        if self.kept_by_start:
            kept = (
                f"{self.start.name} also kept {self.kept_by_start} of what it received in "
                f"{self.year}, which never left it and so is not in the {self.total} traced. "
            )
        if not self.held_by_others:
            return kept.strip()
        others = ", ".join(f"{o.name} {m}" for o, m in self.held_elsewhere())
        return kept + (
            f"Of the {self.still_held} still held, {self.held_by_start} is in "
            f"{self.start.organisation.name}'s own budgets and commitments (its surplus in its "
            f"books) and {self.held_by_others} in pooled funds or budgets hosted by others "
            f"({others}), which its books count as spent because the money left its accounts."
        )

    def as_data(self) -> dict:
        """The trace as plain data, amounts as two-place decimal strings (CLI and API)."""
        return {
            "from": self.start.key,
            "year": self.year,
            "direction": "upstream" if self.upstream else "downstream",
            "total": self.total.format_plain(),
            "destinations": [
                {
                    "account": d.account.key,
                    "organisation": d.account.organisation.name,
                    "amount": d.amount.format_plain(),
                    "depth": d.depth,
                }
                for d in self.destinations
            ],
            "by_sector": {k: v.format_plain() for k, v in self.by_sector.items()},
            "by_ownership": {k: v.format_plain() for k, v in self.by_ownership.items()},
            "by_depth": {str(k): v.format_plain() for k, v in self.by_depth.items()},
            "provenance": self.provenance.as_data() if self.provenance else None,
            "held_by_start": self.held_by_start.format_plain(),
            "held_by_others": self.held_by_others.format_plain(),
            "kept_by_start": self.kept_by_start.format_plain(),
            "reconciliation": self.reconciliation(),
        }

    def by_organisation(self) -> list[tuple[Organisation, Money, int]]:
        totals: dict = {}
        for d in self.destinations:
            org = d.account.organisation
            amount, depth = totals.get(org.pk, (Money(0), d.depth))
            totals[org.pk] = (amount + d.amount, min(depth, d.depth))
        orgs = Organisation.objects.in_bulk(list(totals))
        rows = [(orgs[pk], amount, depth) for pk, (amount, depth) in totals.items()]
        return sorted(rows, key=lambda r: (-r[1].pence, r[0].name))


class TraceError(ValueError):
    pass


def resolve_start(spec: str) -> Account:
    """'nhse', 'icb:QUA', 'account:KEY', 'provider:RNA' (cash), 'place:<name>' → an account."""
    kind, _, value = spec.partition(":")
    accounts = Account.objects.select_related("organisation")
    if kind == "nhse":
        found = accounts.filter(purpose=Purpose.FUNDING, organisation__kind="nhs_england")
    elif kind == "dhsc":
        found = accounts.filter(purpose=Purpose.FUNDING, organisation__kind="dhsc")
    elif kind == "icb":
        found = accounts.filter(purpose=Purpose.ALLOCATION, organisation__code=value.upper())
    elif kind == "account":
        found = accounts.filter(key=value)
    elif kind in ("provider", "cash"):
        found = accounts.filter(purpose=Purpose.CASH, organisation__code=value.upper())
    elif kind == "place":
        # One query with OR, not a UNION: SQLite refuses a compound select with an ordering.
        found = accounts.filter(
            Q(place__name__iexact=value) | Q(place__name__iexact=f"{value} place"),
            purpose=Purpose.BUDGET,
        )
    else:
        raise TraceError(
            f"cannot follow money from {spec!r}: use nhse, dhsc, icb:CODE, place:NAME, "
            "provider:CODE or account:KEY"
        )
    found = list(found)
    if not found:
        raise TraceError(f"no account in the books matches {spec!r}")
    if len(found) > 1:
        keys = ", ".join(a.key for a in found[:6])
        raise TraceError(f"{spec!r} matches several accounts ({keys}); use account:KEY")
    return found[0]


_UNREAD = ("created_at", "updated_at")


def _accounts_with_their_bodies(ids) -> dict:
    """The accounts by id, each with its organisation, contract and place loaded.

    Thousands at national scale, so each organisation and contract is made once and shared
    (select_related would make one per account), and the bookkeeping timestamps, which
    nothing here reads, are not parsed.
    """
    accounts = Account.objects.defer(*_UNREAD).in_bulk(list(ids))
    bodies = Organisation.objects.defer(*_UNREAD).in_bulk(
        list(
            {a.organisation_id for a in accounts.values()}
            | {a.place_id for a in accounts.values() if a.place_id}
        )
    )
    contracts = Contract.objects.defer(*_UNREAD).in_bulk(
        list({a.contract_id for a in accounts.values() if a.contract_id})
    )
    fields = {name: Account._meta.get_field(name) for name in ("organisation", "contract", "place")}
    for account in accounts.values():
        fields["organisation"].set_cached_value(account, bodies[account.organisation_id])
        fields["contract"].set_cached_value(account, contracts.get(account.contract_id))
        fields["place"].set_cached_value(account, bodies.get(account.place_id))
    return accounts


def _by_uuid(traced: Trace, ids: dict) -> Trace:
    """A trace run over integer keys, keyed by the accounts' ids again."""
    result = Trace(start=ids[traced.start], total=traced.total)
    for key, node in traced.nodes.items():
        node.key = ids[key]
        result.nodes[node.key] = node
    result.flows = [Edge(ids[e.source], ids[e.target], e.pence) for e in traced.flows]
    result.cycles_ignored = [Edge(ids[e.source], ids[e.target], 0) for e in traced.cycles_ignored]
    return result


def follow(start: Account, year: str, *, upstream: bool = False) -> MoneyTrace:
    """Where the money leaving `start` in a year went (upstream: where the money reaching it
    came from), over the year's flow totals — never the postings."""
    # Tens of thousands of short-lived objects (fractions, accounts) and no cycles among
    # them: the cyclic garbage collector, run over the whole process each time they pile
    # up, took half the time at national scale.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _follow(start, FinancialYear.parse(year).label, upstream)
    finally:
        if collecting:
            gc.enable()


def _follow(start: Account, year: str, upstream: bool) -> MoneyTrace:
    rows = list(_flows_of(year).values_list("source_id", "target_id", "amount_pence"))
    # Traced by the ids' integers: hashing a UUID object costs a Python call each time.
    ids_by_int = {i.int: i for s, t, _ in rows for i in (s, t)}
    ids_by_int[start.pk.int] = start.pk
    traced = trace([Edge(s.int, t.int, p) for s, t, p in rows], start.pk.int, upstream=upstream)
    result = _by_uuid(traced, ids_by_int)
    ids = set(result.nodes)
    accounts = _accounts_with_their_bodies(ids)
    # Subcontract depth: each cash-to-cash hop between organisations is one level down.
    depth: dict = {start.pk: 0}
    ordered = sorted(result.nodes.values(), key=lambda n: n.depth)
    incoming = defaultdict(list)
    for edge in result.flows:
        incoming[edge.target].append(edge.source)
    for node in ordered:
        if node.key == start.pk:
            continue
        account = accounts[node.key]
        best = None
        for source in incoming.get(node.key, []):
            base = depth.get(source, 0)
            hop = (
                1
                if accounts[source].purpose == Purpose.CASH
                and account.purpose == Purpose.CASH
                and accounts[source].organisation_id != account.organisation_id
                else 0
            )
            best = base + hop if best is None else min(best, base + hop)
        depth[node.key] = best or 0
    destinations = [
        Destination(accounts[n.key], n.held, depth.get(n.key, 0))
        for n in result.nodes.values()
        if n.held
    ]
    destinations.sort(key=lambda d: (-d.pence, d.account.key))
    by_sector: dict[str, Money] = defaultdict(Money.zero)
    for edge in result.flows:
        source, target = accounts[edge.source], accounts[edge.target]
        if target.purpose == Purpose.CASH and source.purpose != Purpose.CASH:
            sector = (source.contract.sector if source.contract_id else source.sector) or (
                Sector.UNASSIGNED
            )
            by_sector[Sector(sector).label] += Money(edge.pence)
    by_ownership: dict[str, Money] = defaultdict(Money.zero)
    by_depth: dict[int, Money] = defaultdict(Money.zero)
    for d in destinations:
        if d.is_spent:
            label = OwnershipClass(d.account.organisation.ownership).label
            by_ownership[label] += d.amount
            by_depth[d.depth] += d.amount
    flows = [(accounts[e.source], accounts[e.target], Money(e.pence)) for e in result.flows]
    kept = 0
    if not upstream and not start.is_source:
        kept = sum(p for s, t, p in rows if t == start.pk) - sum(
            p for s, t, p in rows if s == start.pk
        )
    return MoneyTrace(
        start=start,
        year=year,
        upstream=upstream,
        total=Money(result.total),
        destinations=destinations,
        flows=flows,
        by_sector=dict(by_sector),
        by_ownership=dict(by_ownership),
        by_depth=dict(sorted(by_depth.items())),
        provenance=books_provenance(start.organisation, year) if start.organisation_id else None,
        kept_by_start=Money(max(kept, 0)),
    )


def recompute_check() -> list[str]:
    """Problems found by recomputing balances and flow totals from the postings.

    Set-based, so it runs at any size: one grouped query for the balances, and one pass
    over the postings grouped by transaction that finds the transactions that do not
    balance and adds up the flows of every plain transaction (one leg out, one leg in, not
    a reversal) by year, source and target. Only the others — reversals and transactions
    of several legs, a few in any books — have their flows worked out in Python
    (double_entry.edges), from their own postings.
    """
    import uuid

    from django.db import connection, transaction

    from openics.ledger.double_entry import Leg, edges, reversal_edges
    from openics.ledger.models import Posting

    problems = []
    sums = dict(
        Posting.objects.values_list("account_id")
        .annotate(t=Sum("amount_pence"))
        .values_list("account_id", "t")
    )
    for account in Account.objects.all():
        if sums.get(account.pk, 0) != account.balance_pence:
            problems.append(
                f"ledger: {account.key} shows {Money(account.balance_pence)} but its postings "
                f"add up to {Money(sums.get(account.pk, 0))}"
            )

    def key(value) -> uuid.UUID:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))

    expected: dict = defaultdict(int)
    others: list = []
    unbalanced: list = []
    orphans = 0
    # Accounts numbered 1, 2, … for the pass: a plain transaction's one source and one
    # target are then sums of small integers, not text to compare in every group.
    numbered = "SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM ledger_account"
    by_transaction = (
        # Per transaction, only counts, minima and maxima (cheap to keep for millions of
        # groups, unlike sums): a plain transaction has two legs, one out, and balances
        # when its lowest and highest amounts cancel. The year is its postings'.
        "SELECT p.transaction_id, COUNT(*) AS legs, "  # noqa: S608
        "SUM(CASE WHEN p.amount_pence < 0 THEN 1 ELSE 0 END) AS outs, "
        "MIN(p.amount_pence) AS low, MAX(p.amount_pence) AS high, "
        "MIN(CASE WHEN p.amount_pence < 0 THEN a.n END) AS source, "
        "MAX(CASE WHEN p.amount_pence > 0 THEN a.n END) AS target, "
        "MIN(p.financial_year) AS financial_year "
        f"FROM ledger_posting p LEFT JOIN ({numbered}) a ON a.id = p.account_id "
        "GROUP BY p.transaction_id"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(numbered)  # noqa: S608
        by_number = {n: key(pk) for pk, n in cursor.fetchall()}
        if connection.vendor == "postgresql":
            # Millions of groups: hashed in memory, in one process, rather than sorted on
            # disk or probed one by one (whatever the planner's statistics say).
            cursor.execute("SET LOCAL work_mem = '512MB'")
            cursor.execute("SET LOCAL enable_nestloop = off")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        # One pass: the plain transactions' flows added up by year, source and target;
        # every other transaction (not balanced as a pair, of several legs, a reversal)
        # a row of its own, worked out below from its postings.
        cursor.execute(
            "SELECT CASE WHEN g.legs <> 2 OR g.outs <> 1 OR g.low + g.high <> 0 "  # noqa: S608
            "OR r.id IS NOT NULL THEN CAST(g.transaction_id AS text) END AS own, "
            "g.financial_year, g.source, g.target, SUM(g.high) "
            f"FROM ({by_transaction}) g LEFT JOIN (SELECT id FROM ledger_transaction "
            "WHERE reverses_id IS NOT NULL) r ON r.id = g.transaction_id "
            "GROUP BY 1, 2, 3, 4"
        )
        for own, year, source, target, pence in cursor.fetchall():
            if own is None:
                expected[(year, by_number[int(source)], by_number[int(target)])] += int(pence)
            else:
                others.append(key(own))
        # Postings whose transaction is not in the books (written past the triggers).
        cursor.execute(
            "SELECT COUNT(DISTINCT p.transaction_id) FROM ledger_posting p WHERE NOT EXISTS "
            "(SELECT 1 FROM ledger_transaction t WHERE t.id = p.transaction_id)"
        )
        orphans = cursor.fetchone()[0]
        # Each payment run's transaction moves what its payment lines add up to.
        cursor.execute(
            "SELECT t.number, CAST(g.transaction_id AS text), g.total, p.moved FROM "
            "(SELECT transaction_id, SUM(amount_pence) AS total FROM ledger_paymentline "
            "GROUP BY transaction_id) g "
            "LEFT JOIN ledger_transaction t ON t.id = g.transaction_id "
            "LEFT JOIN (SELECT transaction_id, "
            "SUM(CASE WHEN amount_pence > 0 THEN amount_pence ELSE 0 END) AS moved "
            "FROM ledger_posting WHERE transaction_id IN "
            "(SELECT transaction_id FROM ledger_paymentline) GROUP BY transaction_id) p "
            "ON p.transaction_id = g.transaction_id "
            "WHERE t.id IS NULL OR p.moved IS NULL OR p.moved <> g.total "
            "ORDER BY 2 LIMIT 21"
        )
        lines_off = cursor.fetchall()
    for number, txn_id, total, moved in lines_off[:20]:
        if number is None:
            problems.append(
                f"ledger: payment lines of {Money(int(total))} name transaction {txn_id}, "
                "which is not in the books"
            )
        else:
            problems.append(
                f"ledger: transaction {number}'s payment lines add up to {Money(int(total))} "
                f"but its postings move {Money(int(moved or 0))}"
            )
    if orphans:
        problems.append(f"ledger: postings name {orphans:,} transaction(s) not in the books")
    unknown = set(sums) - set(Account.objects.values_list("pk", flat=True))
    if unknown:
        problems.append(f"ledger: postings name {len(unknown):,} account(s) not in the books")
    legs: dict = defaultdict(list)
    for chunk in range(0, len(others), 5_000):
        for txn_id, account_id, pence in (
            Posting.objects.filter(transaction_id__in=others[chunk : chunk + 5_000])
            .values_list("transaction_id", "account_id", "amount_pence")
            .order_by("id")
        ):
            legs[txn_id].append(Leg(account_id, pence))
    info = {
        pk: (year, reverses)
        for chunk in range(0, len(others), 5_000)
        for pk, year, reverses in Transaction.objects.filter(
            pk__in=others[chunk : chunk + 5_000]
        ).values_list("id", "financial_year", "reverses_id")
    }
    for txn_id, found in legs.items():
        total = sum(leg.pence for leg in found)
        if total:
            unbalanced.append((txn_id, total))
            continue
        if txn_id not in info:
            continue  # an orphan, counted above
        year, reverses = info[txn_id]
        made = (
            reversal_edges([Leg(leg.account, -leg.pence) for leg in found])
            if reverses is not None
            else edges(found)
        )
        for edge in made:
            expected[(year, key(edge.source), key(edge.target))] += edge.pence
    for txn_id, total in unbalanced[:20]:
        problems.append(f"ledger: transaction {key(txn_id)} does not balance ({total:+,}p)")
    stored = {
        (y, key(s), key(t)): p
        for y, s, t, p in FlowTotal.objects.values_list(
            "financial_year", "source_id", "target_id", "amount_pence"
        )
    }
    for flow in sorted(set(expected) | set(stored), key=str):
        if expected.get(flow, 0) != stored.get(flow, 0):
            year, source, target = flow
            problems.append(
                f"ledger: the flow total {year} {source} → {target} disagrees with its "
                f"postings (stored {Money(stored.get(flow, 0))}, postings "
                f"{Money(expected.get(flow, 0))})"
            )
    return problems


# --- where the figures in the books come from --------------------------------------------

REAL = "real"
ILLUSTRATIVE = "illustrative"
MIXED = "real and illustrative"


@dataclass(frozen=True)
class BooksProvenance:
    """Where an organisation's transactions in a year come from: published files (real),
    the demonstration (illustrative), or people and processes recording them in OpenICS."""

    published: dict[str, int]  # the published file or source -> transactions
    illustrative: int
    recorded: int  # entered through the services (real as far as OpenICS can tell)

    @property
    def label(self) -> str:
        real = bool(self.published) or self.recorded > 0
        if self.illustrative and real:
            return MIXED
        return ILLUSTRATIVE if self.illustrative else REAL

    @property
    def is_illustrative(self) -> bool:
        return self.illustrative > 0

    def sentence(self) -> str:
        if not (self.published or self.illustrative or self.recorded):
            return "There are no transactions in these books."
        parts = []
        for source, count in sorted(self.published.items()):
            parts.append(f"{count:,} from {source} (real)")
        if self.recorded:
            parts.append(f"{self.recorded:,} recorded in OpenICS")
        if self.illustrative:
            parts.append(
                f"{self.illustrative:,} written by the demonstration (illustrative: not real "
                "transactions, even where an amount comes from a published file)"
            )
        return "Transactions: " + "; ".join(parts) + "."

    def as_data(self) -> dict:
        return {
            "label": self.label,
            "published": dict(sorted(self.published.items())),
            "illustrative_transactions": self.illustrative,
            "recorded_transactions": self.recorded,
            "sentence": self.sentence(),
        }


class Origins:
    """Says where each transaction comes from, reading each published source's name once."""

    def __init__(self) -> None:
        self._names: dict[tuple[str, str], str] = {}

    def of(self, source_type: str, source_id: str, actor_system: str) -> tuple[str, str]:
        """(REAL or ILLUSTRATIVE or "recorded", the published source's name or "")."""
        from openics.allocation.models import PublishedAllocation
        from openics.core.audit import DEMONSTRATION_PROCESS
        from openics.core.models import ImportRun

        key = (source_type, source_id)
        if source_type == PublishedAllocation._meta.label_lower:
            if key not in self._names:
                found = PublishedAllocation.objects.filter(pk=source_id).first()
                file = f" ({found.source_name})" if found else ""
                self._names[key] = f"NHS England's published allocations{file}"
            return REAL, self._names[key]
        if actor_system == DEMONSTRATION_PROCESS:
            return ILLUSTRATIVE, ""
        if source_type == ImportRun._meta.label_lower:
            if key not in self._names:
                run = ImportRun.objects.filter(pk=source_id).first()
                self._names[key] = (
                    f"{run.source_name} (imported {run.created_at:%Y-%m-%d})"
                    if run
                    else "an imported file"
                )
            return REAL, self._names[key]
        return "recorded", ""


def transaction_provenance(txn: Transaction, origins: Origins | None = None) -> str:
    """One transaction's provenance in words, as an export's column carries it."""
    kind, source = (origins or Origins()).of(txn.source_type, txn.source_id, txn.actor_system)
    if kind == ILLUSTRATIVE:
        return "illustrative: written by the demonstration, not a real transaction"
    if kind == REAL:
        return f"real: {source}"
    return "recorded in OpenICS"


def books_provenance(org: Organisation, year: str) -> BooksProvenance:
    """One answer, for every face, to "are these figures real?": each transaction touching
    the organisation's accounts in the year is real when it comes from a published file
    (NHS England's allocations, an imported payments file), illustrative when the
    demonstration wrote it, and otherwise recorded."""
    year = FinancialYear.parse(year).label
    return provenance_of_transactions(
        Transaction.objects.filter(financial_year=year, postings__account__organisation=org)
    )


def provenance_of_transactions(transactions) -> BooksProvenance:
    """The origins of these transactions, one row per origin counted by the database (not one
    per transaction): the figure every books provenance is made from."""
    groups = (
        transactions.values("source_type", "source_id", "actor_system")
        .annotate(n=Count("id", distinct=True))
        .values_list("source_type", "source_id", "actor_system", "n")
    )
    origins = Origins()
    published: dict[str, int] = defaultdict(int)
    illustrative = recorded = 0
    for source_type, source_id, actor_system, n in groups:
        kind, source = origins.of(source_type, source_id, actor_system)
        if kind == REAL:
            published[source] += n
        elif kind == ILLUSTRATIVE:
            illustrative += n
        else:
            recorded += n
    return BooksProvenance(dict(published), illustrative, recorded)


@dataclass(frozen=True)
class MoneyLink:
    """A way into the books from an organisation's page: a trace start or a year's books."""

    text: str
    start: str = ""  # a trace start, as resolve_start reads it
    reverse: bool = False
    books_year: str = ""  # a year of the body's books (an ICB's break-even page)


def money_links(org: Organisation) -> list[MoneyLink]:
    """Where the books can be followed from this organisation, newest year first: an ICB's
    allocation and each year of its books, a place's budget, a provider's income."""
    accounts = Account.objects.filter(Q(organisation=org) | Q(place=org))
    purposes = set(accounts.values_list("purpose", flat=True))
    links: list[MoneyLink] = []
    if Purpose.ALLOCATION in purposes and org.kind == BodyKind.ICB.value:
        links.append(MoneyLink(f"Follow {org.name}'s money", start=f"icb:{org.code}"))
        years = (
            FlowTotal.objects.filter(Q(source__organisation=org) | Q(target__organisation=org))
            .exclude(amount_pence=0)
            .values_list("financial_year", flat=True)
            .distinct()
        )
        for year in sorted(set(years), reverse=True):
            links.append(MoneyLink(f"Its books for {year}: does it break even?", books_year=year))
    if org.kind == BodyKind.PLACE.value and accounts.filter(place=org, purpose=Purpose.BUDGET):
        budgets = accounts.filter(place=org, purpose=Purpose.BUDGET)
        if budgets.count() == 1:
            links.append(MoneyLink(f"Follow {org.name}'s budget", start=f"place:{org.name}"))
        else:
            for budget in budgets.order_by("key"):
                links.append(MoneyLink(f"Follow {budget.name}", start=f"account:{budget.key}"))
    if Purpose.CASH in purposes and org.code and org.kind != BodyKind.ICB.value:
        links.append(
            MoneyLink(
                f"Where {org.name}'s money came from", start=f"provider:{org.code}", reverse=True
            )
        )
        links.append(MoneyLink("Where it went on to", start=f"provider:{org.code}"))
    return links


def delegated_to_places(icb: Organisation, year: str) -> Money:
    """What the ICB's allocation passed to its places' budgets in the year (net of reversals),
    from the flow totals, as every other figure of the books is."""
    flows = _flows_of(FinancialYear.parse(year).label).filter(
        source__organisation=icb,
        source__purpose=Purpose.ALLOCATION,
        target__organisation=icb,
        target__purpose=Purpose.BUDGET,
        target__place__isnull=False,
    )
    return Money(flows.aggregate(t=Sum("amount_pence"))["t"] or 0)
