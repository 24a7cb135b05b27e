"""One integrated care system as it stood on a day, gathered from every context as the
plain facts `openics.regimes.judgement` reads, and judged under each regime.

It lives in `arranging`, the top context, because it reads all the others: the registry
(bodies, ownership, parents), population (registered and resident), contracts and
subcontracts, the books (money received and paid, ring-fences), governance (boards,
members, their posts and interests, powers used) and arranging's own decisions. The
portal page, the API and `openics regimes compare` all call `compare` and give out
`comparison_dict`, so their figures are the same.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Q, Sum

from openics.arranging.facts import facts_of
from openics.arranging.models import SelectionDecision
from openics.contracts.models import Contract
from openics.governance import facts as governance_facts
from openics.governance.models import Board, Intervention, Membership
from openics.kernel.money import Money
from openics.kernel.years import FinancialYear
from openics.ledger import selectors as ledger_selectors
from openics.ledger.models import Posting, RingFence, Transaction
from openics.organisations.models import Organisation, Relationship
from openics.organisations.selectors import organisation_by_code
from openics.regimes import all_regimes, get_regime
from openics.regimes import judgement as j
from openics.regimes.rules.contracts import ContractHeld
from openics.regimes.rules.governance import Power

PAID = ("payment", "subcontract_payment")


def books_year(icb: Organisation, on: date) -> str:
    """The financial year whose books describe the system on the day: the day's own year if
    it has any, otherwise the latest year before it that has (books are kept a year at a time)."""
    own = FinancialYear.containing(on)
    years = (
        Transaction.objects.filter(effective_date__lte=on, postings__account__organisation=icb)
        .values_list("financial_year", flat=True)
        .distinct()
    )
    years = sorted(set(years))
    if own.label in years or not years:
        return own.label
    return years[-1]


def _in_year(qs, year: FinancialYear, on: date):
    """Contracts in force on the day, or on any day of the books' year."""
    return qs.filter(
        Q(start__lte=on, end__gte=on) | Q(start__lte=year.last_day, end__gte=year.first_day)
    )


def _owners(orgs, on: date) -> dict:
    links = (
        Relationship.objects.in_force_on(on)
        .filter(kind="owned_by", child__in=orgs)
        .select_related("parent")
    )
    return {link.child_id: link.parent for link in links}


def gather(code: str, on: date) -> j.SystemFacts:
    """The system whose ICB has this code, as plain facts on the day."""
    icb = organisation_by_code(code, kind="icb")
    year_label = books_year(icb, on)
    year = FinancialYear.parse(year_label)
    provenance = [
        f"Money is from the books of {year_label}, the latest year of books on {on}; "
        "contracts are those in force on the day or in that year.",
        "Bodies, practices and trusts are from NHS England and ODS files; providers, contracts, "
        "boards and people named 'illustrative' or fictional are the demonstration's own.",
    ]
    # -- bodies ----------------------------------------------------------------------------
    links = Relationship.objects.in_force_on(on).filter(parent=icb, kind="within")
    children = list(
        Organisation.objects.filter(parent_links__in=links).exclude(kind="gp_practice").distinct()
    )
    practices = links.filter(child__kind="gp_practice").count()
    provenance.append(f"{practices} GP practices are within the ICB; they are counted, not listed.")
    system_orgs = {icb.pk: icb, **{o.pk: o for o in children}}
    # Councils in the system: those holding a ring-fence the ICB is a partner in.
    fences = list(
        RingFence.objects.filter(Q(holder=icb) | Q(partners=icb))
        .select_related("holder")
        .distinct()
    )
    for fence in fences:
        system_orgs.setdefault(fence.holder_id, fence.holder)
    councils = [o for o in system_orgs.values() if o.kind == "local_authority"]
    fences += list(
        RingFence.objects.filter(holder__in=councils).exclude(pk__in=[f.pk for f in fences])
    )
    commissioners = list(system_orgs)
    # -- boards ----------------------------------------------------------------------------
    appointed = Membership.objects.on(on).filter(appointed_by=icb).values("seat__board")
    boards = list(
        Board.objects.filter(
            Q(organisation__in=commissioners) | Q(bodies=icb) | Q(pk__in=appointed),
            established_on__lte=on,
        )
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on))
        .select_related("organisation")
        .distinct()
        .order_by("name")
    )
    system_boards = []
    for board in boards:
        system_orgs.setdefault(board.organisation_id, board.organisation)
        members = tuple(
            governance_facts.member_of(m, on)
            for m in governance_facts.members_on(board, on).prefetch_related(
                "person__posts__organisation",
                "person__declarations__organisation",
                "person__fppt_checks",
            )
        )
        system_boards.append(j.SystemBoard(board.name, board.kind, members))
    # -- contracts and subcontracts --------------------------------------------------------
    primes = list(
        _in_year(
            Contract.objects.filter(commissioner__in=commissioners, prime__isnull=True), year, on
        ).select_related("provider", "commissioner")
    )
    everything = {c.pk: c for c in primes}
    frontier = [c.pk for c in primes]
    while frontier:
        subs = list(
            Contract.objects.filter(prime__in=frontier).select_related(
                "provider", "commissioner", "prime"
            )
        )
        frontier = [c.pk for c in subs if c.pk not in everything]
        everything.update({c.pk: c for c in subs})
    paid = dict(
        Posting.objects.filter(
            transaction__contract__in=list(everything),
            transaction__kind__in=PAID,
            financial_year=year_label,
            amount_pence__gt=0,
        )
        .values_list("transaction__contract")
        .annotate(total=Sum("amount_pence"))
    )
    owners = _owners([c.provider for c in everything.values()], on)

    def top(c):
        depth = 0
        while c.prime_id:
            c = everything.get(c.prime_id, c.prime)
            depth += 1
        return c, depth

    contracts = []
    for c in sorted(everything.values(), key=lambda c: c.reference):
        head, depth = top(c)
        parent = owners.get(c.provider_id)
        value = c.lifetime_value if c.lifetime_value.pence else c.annual_value
        held = ContractHeld(
            reference=c.reference,
            kind="subcontract" if c.prime_id else c.kind,
            holder=c.provider.name,
            holder_ownership=c.provider.ownership,
            value=value,
            subcontract=bool(c.prime_id),
            prime_kind=head.kind,
            parent=parent.name if parent else "",
            parent_ownership=parent.ownership if parent else "",
        )
        contracts.append(
            j.SystemContract(
                held,
                c.title,
                c.commissioner.name,
                c.commissioner.kind,
                c.prime.reference if c.prime_id else "",
                depth,
                c.annual_value,
                Money(paid.get(c.pk, 0)),
                c.sector,
            )
        )
        system_orgs.setdefault(c.provider_id, c.provider)
    # -- provider collaboratives the providers belong to ----------------------------------
    collab_links = (
        Relationship.objects.in_force_on(on)
        .filter(kind="member", parent__kind="provider_collaborative", child__in=list(system_orgs))
        .values("parent")
    )
    members = (
        Relationship.objects.in_force_on(on)
        .filter(kind="member", parent__in=collab_links)
        .select_related("parent", "child")
        .order_by("parent__name", "child__name")
    )
    collaborative_members = []
    for link in members:
        system_orgs.setdefault(link.parent_id, link.parent)
        collaborative_members.append(
            j.CollaborativeMember(link.parent.name, link.child.name, link.child.ownership)
        )
    # -- decisions and powers ---------------------------------------------------------------
    decisions = [
        j.SystemDecision(
            d.reference,
            d.title,
            facts_of(d),
            d.lifetime_value,
            d.contract.reference if d.contract_id else "",
        )
        for d in SelectionDecision.objects.filter(
            commissioner__in=commissioners, decided_on__lte=on
        )
        .select_related("provider", "contract")
        .prefetch_related("assessments", "services")
        .order_by("reference")
    ]
    powers = [
        j.SystemPower(i.reference, i.title, Power(i.kind, i.made_on))
        for i in Intervention.objects.filter(
            Q(addressed_to__in=list(system_orgs)) | Q(board__in=boards), made_on__lte=on
        )
        .distinct()
        .order_by("made_on", "reference")
    ]
    # -- money each body received, ring-fences, population ------------------------------
    bodies = []
    for org in sorted(system_orgs.values(), key=lambda o: (o.pk != icb.pk, o.kind, o.name)):
        received, _spent = ledger_selectors.received_and_spent(org, year_label)
        bodies.append(
            j.SystemBody(
                org.name, org.kind, org.ownership, org.code, received if received.pence else None
            )
        )
    protected = set()
    for fence in fences:
        protected.update(
            ["public_health"] if fence.kind == "public_health_grant" else fence.agreed_sectors
        )
    registered, residents = _population(icb, on)
    if residents is None:
        provenance.append("No resident estimates or geography are loaded for this system.")
    else:
        provenance.append(
            "Registered lists from NHS England's practice file; residents from "
            "ONS mid-year estimates (see the responsibility page)."
        )
    return j.SystemFacts(
        code=icb.code,
        name=icb.name,
        on=on,
        year=year_label,
        bodies=tuple(bodies),
        boards=tuple(system_boards),
        contracts=tuple(contracts),
        decisions=tuple(decisions),
        powers=tuple(powers),
        collaborative_members=tuple(collaborative_members),
        protected_sectors=tuple(sorted(protected)),
        registered=registered,
        residents=residents,
        provenance=tuple(provenance),
    )


def _population(icb, on: date) -> tuple[int | None, int | None]:
    from openics.population.responsibility import responsibility_for_icb
    from openics.population.selectors import latest_financial_year

    year = latest_financial_year()
    if year is None:
        return None, None
    r = responsibility_for_icb(icb, year, on)
    if r.residents is None:
        return None, None
    return round(r.residents.registered), r.residents.residents


def regimes_named(ids: list[str] | None):
    """The regimes asked for (every one when none is named); an unknown id is a RegimeError."""
    return [get_regime(i) for i in ids] if ids else all_regimes()


def compare(code: str, on: date, regime_ids: list[str] | None = None) -> dict:
    """The system judged under each regime, as the plain data every face gives out."""
    regimes = regimes_named(regime_ids)
    facts = gather(code, on)
    return j.comparison_dict(facts, j.judge_all(regimes, facts))


def systems() -> list[Organisation]:
    """ICBs with boards or contracts on the record, most contracts first (the page's choice)."""
    counts = defaultdict(int)
    for commissioner in Contract.objects.filter(commissioner__kind="icb").values_list(
        "commissioner", flat=True
    ):
        counts[commissioner] += 1
    for org in Board.objects.filter(organisation__kind="icb").values_list(
        "organisation", flat=True
    ):
        counts.setdefault(org, 0)
    orgs = Organisation.objects.in_bulk(list(counts))
    return sorted(orgs.values(), key=lambda o: (-counts[o.pk], o.code))
