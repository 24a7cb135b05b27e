"""Provider selection decisions through the read API. Amounts are strings of pounds."""

from datetime import date

from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from openics.api.pagination import BoundedLimitOffset
from openics.arranging import selectors

router = Router(tags=["arranging"])


class _DecisionFields(Schema):
    reference: str
    title: str
    regime_id: str
    process: str
    process_title: str
    status: str
    commissioner: str
    provider: str
    provider_ownership: str
    place: str | None
    lifetime_value: str
    decided_on: date
    illustrative: bool


class DecisionOut(_DecisionFields):
    @staticmethod
    def resolve_process_title(obj) -> str:
        return selectors.process_title(obj)

    @staticmethod
    def resolve_commissioner(obj) -> str:
        return obj.commissioner.name

    @staticmethod
    def resolve_provider(obj) -> str:
        return obj.provider.name

    @staticmethod
    def resolve_provider_ownership(obj) -> str:
        return obj.provider.ownership

    @staticmethod
    def resolve_place(obj) -> str | None:
        return obj.place.name if obj.place else None

    @staticmethod
    def resolve_lifetime_value(obj) -> str:
        return obj.lifetime_value.format_plain()

    @staticmethod
    def resolve_illustrative(obj) -> bool:
        # The register marks a decision whose services or contract changes are made up too.
        return bool(getattr(obj, "shows_illustrative", obj.illustrative))


class ServiceOut(Schema):
    code: str
    name: str
    description: str
    cpv_code: str
    illustrative: bool


class AssessmentOut(Schema):
    criterion: str
    title: str
    importance: str
    justification: str


class RepresentationOut(Schema):
    provider: str
    received_on: date
    summary: str
    outcome: str
    outcome_on: date | None
    outcome_reasons: str


class NoticeOut(Schema):
    reference: str
    kind: str
    published_on: date
    due_by: date | None
    late: bool
    platform: str
    content: list[list[str]]


class ModificationOut(Schema):
    reference: str
    decided_on: date
    grounds: str
    urgent: bool
    description: str
    value_change: str
    lifetime_before: str
    lifetime_after: str
    end_before: date
    end_after: date
    notice_required: bool
    notice_due: date | None
    notices: list[NoticeOut]
    illustrative: bool


class ContractOut(Schema):
    reference: str
    title: str
    start: date
    end: date
    annual_value: str
    original_lifetime_value: str
    lifetime_value: str
    modifications: list[ModificationOut]


class ViolationOut(Schema):
    rule_id: str
    explanation: str
    citation: str
    url: str


class VerdictOut(Schema):
    regime_id: str
    title: str
    in_force: bool
    allowed: bool | None
    violations: list[ViolationOut]
    missing_rules: list[str]
    error: str


class DecisionDetailOut(_DecisionFields):
    regime_title: str
    provider_address: str
    sector: str
    services: list[ServiceOut]
    annual_value: str
    proposed_start: date
    proposed_end: date
    extension_months: int
    payment_mechanism: str
    contract_kind: str
    reasons: str
    decision_makers: list[str]
    basic_selection: str
    conflicts: list[dict]
    intention_published_on: date | None
    standstill_begins: date | None
    standstill_ends: date | None
    further_wait_ends: date | None
    awarded_on: date | None
    award_notice_due: date | None
    award_notice_published_on: date | None
    award_notice_late: bool | None
    abandoned_on: date | None
    abandonment_reason: str
    assessments: list[AssessmentOut]
    representations: list[RepresentationOut]
    notices: list[NoticeOut]
    contract: ContractOut | None
    checked_under_every_regime: list[VerdictOut]


def _notice(n) -> dict:
    return {
        "reference": n.reference,
        "kind": n.kind,
        "published_on": n.published_on,
        "due_by": n.due_by,
        "late": n.late,
        "platform": n.platform,
        "content": [[str(label), str(value)] for label, value in n.content],
    }


def _modification(m) -> dict:
    return {
        "reference": m.reference,
        "decided_on": m.decided_on,
        "grounds": m.grounds,
        "urgent": m.urgent,
        "description": m.description,
        "value_change": m.value_change.format_plain(),
        "lifetime_before": m.lifetime_before.format_plain(),
        "lifetime_after": m.lifetime_after.format_plain(),
        "end_before": m.end_before,
        "end_after": m.end_after,
        "notice_required": m.notice_required,
        "notice_due": m.notice_due,
        "notices": [_notice(n) for n in m.notices.all()],
        "illustrative": m.illustrative,
    }


def _verdict(v) -> dict:
    return {
        "regime_id": v.regime_id,
        "title": v.title,
        "in_force": v.in_force,
        "allowed": v.allowed,
        "violations": [
            {
                "rule_id": x.rule_id,
                "explanation": x.explanation,
                "citation": str(x.citation),
                "url": x.citation.url,
            }
            for x in v.violations
        ],
        "missing_rules": list(v.missing_rules),
        "error": v.error,
    }


@router.get(
    "/decisions",
    response=list[DecisionOut],
    summary="Provider selection decisions, filtered (values in pounds)",
)
@paginate(BoundedLimitOffset)
def list_decisions(
    request,
    process: str = "",
    min_value: str = "",
    max_value: str = "",
    ownership: str = "",
    place: str = "",
    status: str = "",
):
    parsed = selectors.parse_filters(
        {
            "process": process,
            "min_value": min_value,
            "max_value": max_value,
            "ownership": ownership,
            "place": place,
            "status": status,
        }
    )
    if parsed.errors:
        raise HttpError(400, "; ".join(f"{k}: {v}" for k, v in parsed.errors.items()))
    return selectors.register(parsed.filters)


@router.get(
    "/decisions/{reference}",
    response=DecisionDetailOut,
    summary="One decision with its assessments, notices, contract and modifications",
)
def decision_detail(request, reference: str):
    record = selectors.decision_record(reference, today=timezone.localdate())
    if record is None:
        raise HttpError(404, f"no provider selection decision has the reference {reference}")
    d, c = record.decision, record.contract
    return {
        "reference": d.reference,
        "title": d.title,
        "regime_id": d.regime_id,
        "regime_title": record.regime_title,
        "process": d.process,
        "process_title": record.process_title,
        "status": d.status,
        "commissioner": d.commissioner.name,
        "provider": d.provider.name,
        "provider_ownership": d.provider.ownership,
        "provider_address": d.provider_address,
        "place": d.place.name if d.place else None,
        "sector": d.sector,
        "services": [
            {
                "code": s.code,
                "name": s.name,
                "description": s.description,
                "cpv_code": s.cpv_code,
                "illustrative": s.illustrative,
            }
            for s in record.services
        ],
        "annual_value": d.annual_value.format_plain(),
        "lifetime_value": d.lifetime_value.format_plain(),
        "proposed_start": d.proposed_start,
        "proposed_end": d.proposed_end,
        "extension_months": d.extension_months,
        "payment_mechanism": d.payment_mechanism,
        "contract_kind": d.contract_kind,
        "reasons": d.reasons,
        "decision_makers": list(d.decision_makers),
        "basic_selection": d.basic_selection,
        "conflicts": list(d.conflicts),
        "decided_on": d.decided_on,
        "intention_published_on": d.intention_published_on,
        "standstill_begins": d.standstill_begins,
        "standstill_ends": d.standstill_ends,
        "further_wait_ends": d.further_wait_ends,
        "awarded_on": d.awarded_on,
        "award_notice_due": d.award_notice_due,
        "award_notice_published_on": record.award_notice.published_on
        if record.award_notice
        else None,
        "award_notice_late": record.award_notice.late
        if record.award_notice
        else (True if record.award_notice_overdue else None),
        "abandoned_on": d.abandoned_on,
        "abandonment_reason": d.abandonment_reason,
        "illustrative": record.illustrative,
        "assessments": [
            {
                "criterion": a.criterion,
                "title": a.title,
                "importance": a.importance,
                "justification": a.justification,
            }
            for a in record.assessments
        ],
        "representations": [
            {
                "provider": r.provider.name,
                "received_on": r.received_on,
                "summary": r.summary,
                "outcome": r.outcome,
                "outcome_on": r.outcome_on,
                "outcome_reasons": r.outcome_reasons,
            }
            for r in record.representations
        ],
        "notices": [_notice(n) for n in record.notices],
        "contract": None
        if c is None
        else {
            "reference": c.reference,
            "title": c.title,
            "start": c.start,
            "end": c.end,
            "annual_value": c.annual_value.format_plain(),
            "original_lifetime_value": c.original_lifetime_value.format_plain(),
            "lifetime_value": c.lifetime_value.format_plain(),
            "modifications": [_modification(m) for m in record.modifications],
        },
        "checked_under_every_regime": [_verdict(v) for v in record.verdicts],
    }


class PublishedSupplierOut(Schema):
    name: str
    identifier: str
    company_number: str  # Companies House; "not known" when none was published
    registry_name: str | None  # the body in the registry, where it is known
    registry_code: str | None
    registry_match: str


class PublishedNoticeOut(Schema):
    id: str
    ocid: str
    release_id: str
    label: str  # "published notice (real)"
    provenance: str  # real: where published, and the file and day it was imported from
    source: str
    url: str
    source_file: str
    imported_on: date
    published_at: str
    tags: list[str]
    title: str
    description: str
    buyer: str
    buyer_identifier: str
    buyer_code: str | None
    buyer_match: str
    nhs_reason: str
    suppliers: list[PublishedSupplierOut]
    procurement_method: str
    procurement_method_details: str
    legal_basis_scheme: str
    legal_basis_id: str
    psr: bool
    tender_value: str | None  # in the currency's units (pounds for GBP), as a string
    tender_currency: str
    award_value: str | None
    award_currency: str
    tender_start: date | None
    tender_end: date | None
    awarded_on: date | None
    contract_start: date | None
    contract_end: date | None
    date_signed: date | None


def _published(record) -> dict:
    n = record.notice
    return {
        "id": str(n.pk),
        "ocid": n.ocid,
        "release_id": n.release_id,
        "label": record.label,
        "provenance": record.provenance,
        "source": n.source,
        "url": n.url,
        "source_file": n.import_run.source_name,
        "imported_on": n.import_run.created_at.date(),
        "published_at": n.published_at.isoformat(),
        "tags": n.tag_list,
        "title": n.title,
        "description": n.description,
        "buyer": n.buyer_name,
        "buyer_identifier": n.buyer_identifier,
        "buyer_code": n.buyer.code if n.buyer else None,
        "buyer_match": n.buyer_match,
        "nhs_reason": n.nhs_reason,
        "suppliers": [
            {
                "name": s.name,
                "identifier": s.identifier,
                "company_number": s.company_number or "not known",
                "registry_name": s.organisation.name if s.organisation else None,
                "registry_code": s.organisation.public_code if s.organisation else None,
                "registry_match": s.match,
            }
            for s in record.suppliers
        ],
        "procurement_method": n.procurement_method,
        "procurement_method_details": n.procurement_method_details,
        "legal_basis_scheme": n.legal_basis_scheme,
        "legal_basis_id": n.legal_basis_id,
        "psr": n.is_psr,
        "tender_value": selectors.amount_plain(n.tender_value),
        "tender_currency": n.tender_currency,
        "award_value": selectors.amount_plain(n.award_value),
        "award_currency": n.award_currency,
        "tender_start": n.tender_start,
        "tender_end": n.tender_end,
        "awarded_on": n.awarded_on,
        "contract_start": n.contract_start,
        "contract_end": n.contract_end,
        "date_signed": n.date_signed,
    }


@router.get(
    "/published-notices",
    response=list[PublishedNoticeOut],
    summary="Notices NHS bodies published on Contracts Finder and Find a Tender (real)",
)
@paginate(BoundedLimitOffset)
def list_published_notices(request, ocid: str = "", buyer: str = ""):
    return _PublishedRecords(selectors.published_notices(ocid=ocid, buyer_code=buyer))


class _PublishedRecords:
    """A queryset of published notices that ninja's pages count and slice, each page given
    as the API's records."""

    def __init__(self, notices):
        self.notices = notices

    def __len__(self) -> int:
        return self.notices.count()

    def __getitem__(self, window):
        return [_published(selectors.published_notice_record(n)) for n in self.notices[window]]


@router.get(
    "/published-notices/{notice_id}",
    response=PublishedNoticeOut,
    summary="One published notice, with its provenance",
)
def published_notice_detail(request, notice_id: str):
    record = selectors.published_notice(notice_id)
    if record is None:
        raise HttpError(404, f"no published notice has the id {notice_id}")
    return _published(record)
