"""Named reads of provider selection decisions for the portal and the read API."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Prefetch, Q

from openics.arranging.facts import compare, context, facts_of
from openics.arranging.models import (
    DecisionStatus,
    Modification,
    Notice,
    NoticeKind,
    Process,
    Representation,
    SelectionDecision,
    decision_for,
)
from openics.contracts.models import Contract, Service
from openics.kernel.money import Money, MoneyError
from openics.kernel.years import FinancialYear
from openics.organisations.models import Organisation, OwnershipClass
from openics.regimes.model import RegimeError, RuleContext, RuleResult
from openics.regimes.registry import regime_in_force_on
from openics.regimes.rules import procurement
from openics.regimes.rules.procurement import SummaryEntry
from openics.regimes.rules.procurement import process_title as _regime_process_title

ILLUSTRATIVE = "Illustrative: synthetic demonstration data, not a real decision"


# --- the register ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterFilters:
    """What the register is narrowed to. Empty values mean "any"."""

    process: str = ""
    min_value: Money | None = None
    max_value: Money | None = None
    ownership: str = ""
    place: str = ""
    status: str = ""

    @property
    def active(self) -> bool:
        return any(
            (self.process, self.min_value, self.max_value, self.ownership, self.place, self.status)
        )


@dataclass(frozen=True)
class ParsedFilters:
    filters: RegisterFilters
    errors: dict[str, str] = field(default_factory=dict)


def _pounds(text: str) -> Money:
    money = Money.parse(text)
    if money.pence < 0:
        raise MoneyError("a value cannot be negative")
    return money


def parse_filters(query: Mapping[str, str]) -> ParsedFilters:
    """Reads filters as a person types them (values in pounds, such as £1,000,000).

    A value that cannot be read is left out of the filters and explained in `errors`, keyed
    by the name of the field.
    """
    errors: dict[str, str] = {}
    values: dict = {}

    def choice(name: str, allowed) -> None:
        text = (query.get(name) or "").strip()
        if text and text not in allowed:
            errors[name] = f"{text!r} is not one of the choices"
        elif text:
            values[name] = text

    choice("process", Process.values)
    choice("ownership", OwnershipClass.values)
    choice("status", DecisionStatus.values)
    for name, label in (("min_value", "minimum"), ("max_value", "maximum")):
        text = (query.get(name) or "").strip()
        if text:
            try:
                values[name] = _pounds(text)
            except MoneyError:
                errors[name] = (
                    f"Enter the {label} lifetime value in pounds, such as £1,000,000; "
                    f"{text!r} is not an amount of money"
                )
    if (
        "min_value" in values
        and "max_value" in values
        and values["min_value"] > values["max_value"]
    ):
        errors["max_value"] = "The maximum value must not be less than the minimum"
        del values["max_value"]
    place = (query.get("place") or "").strip()
    if place:
        try:
            values["place"] = str(uuid.UUID(place))
        except ValueError:
            errors["place"] = f"{place!r} is not a place"
    return ParsedFilters(RegisterFilters(**values), errors)


def _illustrative_flag():
    """True where the decision, one of its services or a change to its contract is made up."""
    return ExpressionWrapper(
        Q(illustrative=True)
        | Exists(Service.objects.filter(decisions=OuterRef("pk"), illustrative=True))
        | Exists(Modification.objects.filter(contract__decision=OuterRef("pk"), illustrative=True)),
        output_field=BooleanField(),
    )


def register(filters: RegisterFilters = RegisterFilters()):
    """Decisions matching the filters, newest first, with what a row of the register shows."""
    decisions = SelectionDecision.objects.select_related(
        "provider", "place", "commissioner"
    ).annotate(shows_illustrative=_illustrative_flag())
    if filters.process:
        decisions = decisions.filter(process=filters.process)
    if filters.min_value is not None:
        decisions = decisions.filter(lifetime_value__gte=filters.min_value)
    if filters.max_value is not None:
        decisions = decisions.filter(lifetime_value__lte=filters.max_value)
    if filters.ownership:
        decisions = decisions.filter(provider__ownership=filters.ownership)
    if filters.place:
        decisions = decisions.filter(place_id=filters.place)
    if filters.status:
        decisions = decisions.filter(status=filters.status)
    return decisions.order_by("-decided_on", "reference")


def places_with_decisions():
    """The places that decisions were taken for: the choices of the place filter."""
    return Organisation.objects.filter(kind="place", place_decisions__isnull=False).distinct()


def process_title(decision: SelectionDecision) -> str:
    """The process as the regime the decision was taken under calls it."""
    try:
        return _regime_process_title(
            context(decision.regime_id, decision.decided_on), decision.process
        )
    except RegimeError:
        return decision.get_process_display()


# --- standstill -----------------------------------------------------------------------------


def earliest_award(decision: SelectionDecision) -> date | None:
    """The first day a contract may be entered into, or None while representations are
    under review (the wait is fixed only when the authority decides them)."""
    if decision.status == DecisionStatus.REVIEW or decision.standstill_ends is None:
        return None
    last_day = max(d for d in (decision.standstill_ends, decision.further_wait_ends) if d)
    return last_day + timedelta(days=1)


def open_standstills(day: date):
    """Decisions whose standstill had begun by `day` and that are not yet awarded or ended."""
    return (
        SelectionDecision.objects.in_standstill_on(day)
        .select_related("provider", "place", "commissioner")
        .annotate(shows_illustrative=_illustrative_flag())
        .order_by("standstill_ends", "reference")
    )


# --- one decision ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """One regime's view of a decision; `allowed` is None where its rules could not run."""

    regime_id: str
    title: str
    in_force: bool
    allowed: bool | None
    results: tuple[RuleResult, ...]
    missing_rules: tuple[str, ...]
    error: str = ""

    @property
    def violations(self) -> list:
        return [v for r in self.results for v in r.violations]


def checked_under_every_regime(decision: SelectionDecision) -> list[Verdict]:
    """The decision checked under every regime with selection rules (facts.compare)."""
    return [
        Verdict(v.regime_id, v.title, v.in_force, v.allowed, v.results, v.missing_rules)
        for v in compare(facts_of(decision), decision.decided_on)
    ]


@dataclass(frozen=True)
class DecisionRecord:
    """Everything the public record of one decision shows, read in a fixed number of queries."""

    decision: SelectionDecision
    process_title: str
    regime_title: str
    services: list[Service]
    assessments: list
    representations: list
    notices: list[Notice]
    contract: Contract | None
    modifications: list[Modification]
    award_notice: Notice | None
    verdicts: list[Verdict]
    illustrative: bool
    today: date
    gifts_before_vote: list = field(default_factory=list)
    conflicted_votes: list = field(default_factory=list)

    @property
    def earliest_award(self) -> date | None:
        return earliest_award(self.decision)

    @property
    def award_notice_overdue(self) -> bool:
        """The award notice is due, past its day, and not yet published."""
        due = self.decision.award_notice_due
        return self.award_notice is None and due is not None and self.today > due


def _decisions_with_everything():
    return SelectionDecision.objects.select_related(
        "commissioner", "provider", "place", "existing_contract", "contract"
    ).prefetch_related(
        Prefetch("services", queryset=Service.objects.select_related("place")),
        "assessments",
        Prefetch("representations", queryset=Representation.objects.select_related("provider")),
        "notices",
        Prefetch(
            "contract__modifications",
            queryset=Modification.objects.prefetch_related("notices"),
        ),
    )


def decision_record(reference: str, *, today: date) -> DecisionRecord | None:
    """The decision with this reference and all that hangs off it; None if there is none."""
    decision = _decisions_with_everything().filter(reference=reference).first()
    if decision is None:
        return None
    services = sorted(decision.services.all(), key=lambda s: s.code)
    contract = decision.contract
    modifications = list(contract.modifications.all()) if contract else []
    notices = list(decision.notices.all())
    award = next(
        (n for n in notices if n.kind in (NoticeKind.AWARD, NoticeKind.URGENT_AWARD)), None
    )
    try:
        regime_title = context(decision.regime_id, decision.decided_on).regime.title
    except RegimeError:
        regime_title = decision.regime_id
    return DecisionRecord(
        decision=decision,
        process_title=process_title(decision),
        regime_title=regime_title,
        services=services,
        assessments=list(decision.assessments.all()),
        representations=list(decision.representations.all()),
        notices=notices,
        contract=contract,
        modifications=modifications,
        award_notice=award,
        verdicts=checked_under_every_regime(decision),
        illustrative=decision.illustrative
        or any(s.illustrative for s in services)
        or any(m.illustrative for m in modifications),
        today=today,
        gifts_before_vote=_gifts_before_vote(decision, today),
        conflicted_votes=_conflicted_votes(decision, today),
    )


def _conflicted_votes(decision: SelectionDecision, today: date) -> list:
    """Members of the board or committee that took this decision who voted with a post or
    interest conflicting with an organisation it affects (governance.compliance)."""
    from openics.governance.compliance import conflicted_votes
    from openics.governance.models import AgendaItem

    if not decision.agenda_item_id:
        return []
    return conflicted_votes(today, items=AgendaItem.objects.filter(pk=decision.agenda_item_id))


def _gifts_before_vote(decision: SelectionDecision, today: date) -> list:
    """Members who voted on the board item that took this decision after accepting a gift
    or hospitality from an organisation it affects (governance.compliance)."""
    from openics.governance.compliance import gifts_before_votes
    from openics.governance.models import AgendaItem

    if not decision.agenda_item_id:
        return []
    return gifts_before_votes(today, items=AgendaItem.objects.filter(pk=decision.agenda_item_id))


# --- one notice -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeRecord:
    notice: Notice
    decision: SelectionDecision | None
    contract: Contract | None
    illustrative: bool


def notice_record(reference: str) -> NoticeRecord | None:
    """A published notice with the decision or contract it is about; None if there is none."""
    notice = (
        Notice.objects.select_related(
            "decision", "modification__contract__decision", "modification__contract__provider"
        )
        .prefetch_related("decision__services", "modification__contract__services")
        .filter(reference=reference)
        .first()
    )
    if notice is None:
        return None
    modification = notice.modification
    contract = modification.contract if modification else None
    decision = notice.decision or (decision_for(contract) if contract else None)
    services = list(notice.decision.services.all()) if notice.decision else []
    if contract is not None:
        services += list(contract.services.all())
    illustrative = (
        (decision is not None and decision.illustrative)
        or (modification is not None and modification.illustrative)
        or any(s.illustrative for s in services)
    )
    return NoticeRecord(notice, decision, contract, illustrative)


# --- the annual summary (PSR reg 25) --------------------------------------------------------


@dataclass
class AnnualSummaryRecord:
    """One authority's summary of a year's decisions, worked out from the record, and what
    the rule says of it (missing summaries of representations, whether it is published)."""

    commissioner: Organisation
    year: FinancialYear
    summary: object | None  # regimes.rules.procurement.AnnualSummary
    result: RuleResult | None
    regime_title: str
    entries: int
    illustrative: bool

    @property
    def rows(self) -> list[tuple[str, str]]:
        return self.summary.rows() if self.summary is not None else []

    @property
    def problems(self) -> list[str]:
        return [v.explanation for v in self.result.violations] if self.result else []


def summary_entries(commissioner: Organisation) -> tuple[SummaryEntry, ...]:
    """Every award and modification of an authority, as the annual summary counts them."""
    entries = []
    decisions = (
        SelectionDecision.objects.filter(commissioner=commissioner, awarded_on__isnull=False)
        .select_related("existing_contract__provider")
        .prefetch_related("representations")
    )
    for d in decisions:
        incumbent = d.existing_contract.provider_id if d.existing_contract_id else None
        said = [
            f"{r.summary.strip()} ({r.get_outcome_display().lower()})"
            for r in d.representations.all()
        ]
        entries.append(
            SummaryEntry(
                reference=d.reference,
                process=d.process,
                awarded_on=d.awarded_on,
                framework=d.contract_kind == "framework",
                urgent=d.process == "urgent_award",
                new_provider=incumbent != d.provider_id,
                provider_lost=incumbent is not None and incumbent != d.provider_id,
                standstill_ends_on=d.standstill_ends,
                representations=len(said),
                representations_summary="; ".join(said),
            )
        )
    for m in Modification.objects.filter(contract__commissioner=commissioner):
        entries.append(
            SummaryEntry(
                reference=m.reference,
                process="",
                awarded_on=m.decided_on,
                modification=True,
                urgent=m.urgent,
            )
        )
    return tuple(sorted(entries, key=lambda e: (e.awarded_on, e.reference)))


def annual_summary(commissioner: Organisation, year) -> AnnualSummaryRecord:
    """The authority's reg 25 summary for a financial year, under the law in force at its end."""
    fy = FinancialYear.parse(year)
    entries = summary_entries(commissioner)
    regime = regime_in_force_on(fy.last_day)
    if regime is None or "procurement.annual-summary" not in regime.rules:
        return AnnualSummaryRecord(commissioner, fy, None, None, "", len(entries), False)
    ctx = RuleContext(regime, fy.last_day)
    summary = procurement.annual_summary(ctx, fy, entries)
    result = regime.evaluate(
        "procurement.annual-summary", fy.last_day, year=fy.label, entries=entries
    )
    counted = {
        e.reference
        for e in entries
        if summary and summary.period_from <= e.awarded_on <= summary.period_to
    }
    illustrative = (
        SelectionDecision.objects.filter(reference__in=counted, illustrative=True).exists()
        or Modification.objects.filter(reference__in=counted, illustrative=True).exists()
    )
    return AnnualSummaryRecord(
        commissioner, fy, summary, result, regime.title, len(counted), illustrative
    )


def annual_summary_commissioners() -> list[Organisation]:
    """The authorities that have awarded anything: each owes a summary."""
    ids = SelectionDecision.objects.filter(awarded_on__isnull=False).values("commissioner")
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


# --- the workspace: who may decide, what is overdue ------------------------------------------


@dataclass(frozen=True)
class MakerConflict:
    """A person who may take a decision, and each interest on the register that touches the
    provider (or its parent, subcontractors or collaboratives) on the day."""

    person_key: str
    name: str
    reasons: tuple[str, ...]
    basis: str


def decision_makers_for(commissioner: Organisation, on: date):
    """The people who hold seats on the commissioner's boards and committees on the day."""
    from openics.governance.models import Membership, Person

    seated = Membership.objects.on(on).filter(seat__board__organisation=commissioner)
    return (
        Person.objects.filter(pk__in=seated.values("person"))
        .prefetch_related("posts__organisation", "declarations__organisation")
        .order_by("name")
    )


def maker_conflicts(people, provider: Organisation, on: date) -> list[MakerConflict]:
    """The conflicts the register of interests shows for these people in a decision selecting
    `provider`, judged by the governance conflicts rule of the regime in force on the day."""
    from openics.governance.facts import affected_through, links_of
    from openics.regimes.rules.governance import Member

    regime = regime_in_force_on(on)
    if regime is None or "governance.conflicts" not in regime.rules:
        return []
    affected = affected_through([(provider, "the provider the decision selects")], on)
    found = []
    for person in people:
        member = Member(key=person.slug, name=person.name, role="other", links=links_of(person, on))
        result = regime.evaluate("governance.conflicts", on, member=member, affected=affected)
        if result.violations:
            found.append(
                MakerConflict(
                    person.slug,
                    person.name,
                    tuple(v.explanation for v in result.violations),
                    str(result.violations[0].citation),
                )
            )
    return found


@dataclass(frozen=True)
class OverdueNotice:
    what: str
    reference: str  # the decision's, or the modification's
    decision: str  # the decision's reference, to link to it
    due_by: date


def overdue_notices(commissioner: Organisation, today: date) -> list[OverdueNotice]:
    """Award and modification notices past their day and not yet published, for one body."""
    rows = []
    awarded = SelectionDecision.objects.filter(
        commissioner=commissioner, status=DecisionStatus.AWARDED, award_notice_due__lt=today
    ).exclude(notices__kind__in=[NoticeKind.AWARD, NoticeKind.URGENT_AWARD])
    for d in awarded.order_by("award_notice_due", "reference"):
        rows.append(
            OverdueNotice(
                f"Contract award notice for {d.title}", d.reference, d.reference, d.award_notice_due
            )
        )
    changed = (
        Modification.objects.filter(
            contract__commissioner=commissioner, notice_required=True, notice_due__lt=today
        )
        .filter(notices__isnull=True)
        .select_related("contract__decision")
    )
    for m in changed.order_by("notice_due", "reference"):
        decision = decision_for(m.contract)
        rows.append(
            OverdueNotice(
                f"Contract modification notice for {m.contract.title}",
                m.reference,
                decision.reference if decision else "",
                m.notice_due,
            )
        )
    return sorted(rows, key=lambda r: (r.due_by, r.reference))


# --- notices published on Contracts Finder and Find a Tender --------------------------------

PUBLISHED_LABEL = "published notice (real)"


@dataclass(frozen=True)
class PublishedNoticeRecord:
    """One published notice with everything its page, the API and the CSV show."""

    notice: object  # PublishedNotice
    suppliers: list
    provenance: str
    tender_value_text: str
    award_value_text: str

    @property
    def label(self) -> str:
        return PUBLISHED_LABEL


def amount_text(value: Money | None, currency: str) -> str:
    """An amount as published: pounds through Money; another currency as its plain figure
    and code; "not published" when there is none."""
    if value is None:
        return "not published"
    if currency == "GBP":
        return value.format()
    return f"{value.format_plain()} {currency or '(currency not published)'}"


def amount_plain(value: Money | None) -> str | None:
    return None if value is None else value.format_plain()


def published_provenance(notice) -> str:
    """Where a published notice's record came from: real, the platform, the file and day."""
    run = notice.import_run
    where = f" at {notice.url}" if notice.url else ""
    return (
        f"real: published on {notice.source}{where} on {notice.published_at:%-d %B %Y}; "
        f"imported from {run.source_name} on {run.created_at:%-d %B %Y}"
    )


def published_notices(*, ocid: str = "", buyer_code: str = ""):
    """Published notices, newest first, with their buyer, suppliers and import run."""
    from openics.arranging.models import PublishedNotice, PublishedNoticeSupplier

    rows = PublishedNotice.objects.select_related("buyer", "import_run").prefetch_related(
        Prefetch(
            "suppliers",
            queryset=PublishedNoticeSupplier.objects.select_related("organisation"),
        )
    )
    if ocid:
        rows = rows.filter(ocid=ocid)
    if buyer_code:
        rows = rows.filter(buyer__code=buyer_code)
    return rows


def published_notices_of(org: Organisation, *, most: int = 20):
    """The published notices an organisation bought with, and those naming it as a supplier,
    newest first (at most `most` of each): what its registry page lists."""
    bought = published_notices().filter(buyer=org).order_by("-published_at")
    won = (
        published_notices().filter(suppliers__organisation=org).distinct().order_by("-published_at")
    )
    return {
        "bought": [published_notice_record(n) for n in bought[:most]],
        "won": [published_notice_record(n) for n in won[:most]],
    }


def published_imports():
    """Each file published notices came from, newest first, with how many it brought."""
    from django.db.models import Count

    from openics.core.models import ImportRun

    return (
        ImportRun.objects.filter(published_notices__isnull=False)
        .annotate(notices=Count("published_notices"))
        .order_by("-created_at")
    )


def published_notice_record(notice) -> PublishedNoticeRecord:
    return PublishedNoticeRecord(
        notice=notice,
        suppliers=list(notice.suppliers.all()),
        provenance=published_provenance(notice),
        tender_value_text=amount_text(notice.tender_value, notice.tender_currency),
        award_value_text=amount_text(notice.award_value, notice.award_currency),
    )


def published_notice(key: str) -> PublishedNoticeRecord | None:
    """One published notice by its id, or None (also for text that is not an id)."""
    try:
        pk = uuid.UUID(str(key))
    except ValueError:
        return None
    notice = published_notices().filter(pk=pk).first()
    return None if notice is None else published_notice_record(notice)


PUBLISHED_CSV_COLUMNS = [
    "ocid",
    "release_id",
    "published_at",
    "tags",
    "source",
    "url",
    "title",
    "buyer",
    "buyer_identifier",
    "buyer_code",
    "suppliers",
    "supplier_company_numbers",
    "procurement_method",
    "procurement_method_details",
    "legal_basis",
    "tender_value",
    "award_value",
    "currency",
    "tender_end",
    "contract_start",
    "contract_end",
    "provenance",
]


def published_csv_rows(notices):
    """The rows of the published notices' CSV, in PUBLISHED_CSV_COLUMNS' order."""
    for n in notices:
        suppliers = list(n.suppliers.all())
        yield [
            n.ocid,
            n.release_id,
            n.published_at.isoformat(),
            n.tags,
            n.source,
            n.url,
            n.title,
            n.buyer_name,
            n.buyer_identifier,
            n.buyer.code if n.buyer else "not known",
            "; ".join(s.name for s in suppliers),
            "; ".join(s.company_number or "not known" for s in suppliers),
            n.procurement_method,
            n.procurement_method_details,
            f"{n.legal_basis_scheme} {n.legal_basis_id}".strip(),
            amount_plain(n.tender_value) or "",
            amount_plain(n.award_value) or "",
            n.award_currency or n.tender_currency,
            n.tender_end.isoformat() if n.tender_end else "",
            n.contract_start.isoformat() if n.contract_start else "",
            n.contract_end.isoformat() if n.contract_end else "",
            published_provenance(n),
        ]
