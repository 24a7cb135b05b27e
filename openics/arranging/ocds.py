"""Open Contracting Data Standard 1.1 release packages: every decision, award, contract,
modification and payment as a release, one contracting process (ocid) per decision.

Mapping (ADR 0011):
- a notice of intention is an `award` release whose award is `pending`, with the UK
  extension's `awards[].standstillPeriod`; the award is an `award` release, `active`;
- the contract is a `contract` release; each modification a `contractAmendment` release
  with the value and period after the change and an entry in `amendments`;
- payments from the ledger are `contracts[].implementation.transactions` in an
  `implementation` release;
- subcontracts are their own processes, linked both ways with `relatedProcesses`
  (`parent` and `subContract`);
- the regime is `tender.specialRegime` (UK extension), "PSR" for the provider selection
  regime.
Amounts are computed in exact pence and written as decimal numbers of pounds.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum

from openics.arranging.facts import context
from openics.arranging.models import (
    DecisionStatus,
    NoticeKind,
    SelectionDecision,
    decision_for,
)
from openics.contracts.models import Contract
from openics.kernel.money import Money
from openics.regimes.rules.procurement import process_title, standstill_period

UK_EXTENSION = (
    "https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/main/extension.json"
)
PROCUREMENT_METHOD = {
    "direct_award_a": "direct",
    "direct_award_b": "direct",
    "direct_award_c": "direct",
    "most_suitable_provider": "limited",
    "competitive": "selective",
    "urgent_award": "direct",
}
SPECIAL_REGIME = {"hca-2022": "PSR", "hsca-2012": "NHS-PPCC-2013", "white-paper-2021": "PSR-2021"}
PAYMENT_KINDS = ("payment", "subcontract_payment")


def ocid_prefix() -> str:
    return getattr(settings, "OPENICS_OCID_PREFIX", "ocds-opnics")


def ocid_for_decision(decision: SelectionDecision) -> str:
    return f"{ocid_prefix()}-{decision.reference}"


def ocid_for_contract(contract: Contract) -> str:
    decision = decision_for(contract)
    if decision is not None:
        return f"{ocid_prefix()}-{decision.reference}"
    return f"{ocid_prefix()}-contract-{contract.reference}"


def _when(day: date, end_of_day: bool = False) -> str:
    moment = time(23, 59, 59) if end_of_day else time(0, 0)
    return datetime.combine(day, moment, tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _value(money: Money) -> dict:
    return {"amount": money.to_decimal(), "currency": "GBP"}


def party_id(org) -> str:
    """An org-id.guide identifier where the body has one, else OpenICS's own."""
    if org.code and org.kind not in ("place",):
        return f"GB-NHS-{org.code}"
    if org.company_number:
        return f"GB-COH-{org.company_number}"
    if org.charity_number:
        return f"GB-CHC-{org.charity_number}"
    return f"openics-{org.pk}"


def _identifier(org) -> dict:
    pid = party_id(org)
    scheme, _, ident = pid.rpartition("-") if pid.startswith("GB-") else ("", "", pid)
    if not scheme:
        return {"id": pid, "legalName": org.name}
    return {"scheme": scheme, "id": ident, "legalName": org.name}


class _Parties:
    def __init__(self) -> None:
        self.entries: dict[str, dict] = {}

    def add(self, org, *roles: str) -> dict:
        pid = party_id(org)
        entry = self.entries.setdefault(
            pid, {"id": pid, "name": org.name, "identifier": _identifier(org), "roles": []}
        )
        for role in roles:
            if role not in entry["roles"]:
                entry["roles"].append(role)
        return {"id": pid, "name": org.name}

    def list(self) -> list[dict]:
        return list(self.entries.values())


def _items(services) -> list[dict]:
    return [
        {
            "id": s.code,
            "description": f"{s.name}: {s.description}",
            "classification": {
                "scheme": "CPV",
                "id": s.cpv_code.split("-")[0],
                "description": s.name,
            },
        }
        for s in services
    ]


def _tender(decision: SelectionDecision, services, status: str) -> dict:
    ctx = context(decision.regime_id, decision.decided_on)
    label = "Illustrative: synthetic demonstration data, not a real decision. "
    return {
        "id": decision.reference,
        "title": decision.title,
        "description": (label if decision.illustrative else "")
        + "; ".join(s.description for s in services),
        "status": status,
        "procurementMethod": PROCUREMENT_METHOD[decision.process],
        "procurementMethodDetails": process_title(ctx, decision.process),
        "procurementMethodRationale": decision.reasons,
        "mainProcurementCategory": "services",
        "items": _items(services),
        "value": _value(decision.lifetime_value),
        "specialRegime": [SPECIAL_REGIME.get(decision.regime_id, decision.regime_id)],
    }


def _award(decision: SelectionDecision, services, supplier: dict, status: str) -> dict:
    award = {
        "id": f"{decision.reference}-award",
        "title": decision.title,
        "status": status,
        "value": _value(decision.lifetime_value),
        "suppliers": [supplier],
        "items": _items(services),
        "contractPeriod": {
            "startDate": _when(decision.proposed_start),
            "endDate": _when(decision.proposed_end, end_of_day=True),
        },
    }
    if decision.awarded_on:
        award["date"] = _when(decision.awarded_on)
    if decision.standstill_begins:
        award["standstillPeriod"] = {
            "startDate": _when(decision.standstill_begins),
            "endDate": _when(decision.standstill_ends, end_of_day=True),
        }
    return award


def _contract_block(contract: Contract, *, value: Money, end: date, award_id: str) -> dict:
    block = {
        "id": contract.reference,
        "awardID": award_id,
        "title": contract.title,
        "status": "active" if end >= date.today() else "terminated",
        "period": {"startDate": _when(contract.start), "endDate": _when(end, end_of_day=True)},
        "value": _value(value),
    }
    items = _items(contract.services.all())
    if items:
        block["items"] = items
    return block


def _payments_by_contract(contract_ids) -> dict:
    """Payments from the ledger, by contract: date, number, amount (exact pence)."""
    from openics.ledger.models import Posting

    rows = (
        Posting.objects.filter(
            transaction__contract_id__in=contract_ids,
            transaction__kind__in=PAYMENT_KINDS,
            amount_pence__gt=0,
            account__purpose="cash",
        )
        .values("transaction__contract_id", "transaction__number", "transaction__effective_date")
        .annotate(pence=Sum("amount_pence"))
        .order_by("transaction__effective_date", "transaction__number")
    )
    found = defaultdict(list)
    for row in rows:
        found[row["transaction__contract_id"]].append(
            (row["transaction__effective_date"], row["transaction__number"], row["pence"])
        )
    return found


def _release(ocid, rid, day, tags, parties: _Parties, buyer, **sections) -> dict:
    release = {
        "ocid": ocid,
        "id": rid,
        "date": _when(day),
        "tag": tags,
        "initiationType": "tender",
        "language": "en",
        "parties": parties.list(),
        "buyer": buyer,
    }
    release.update({k: v for k, v in sections.items() if v is not None})
    return release


def contract_releases(contract: Contract, *, payments: dict, decision=None) -> list[dict]:
    """The releases for one contracting process: its decision, if any, and its contract."""
    parties = _Parties()
    paying_body = contract.prime.provider if contract.prime_id else contract.commissioner
    buyer = parties.add(paying_body, "buyer", "procuringEntity", "payer")
    supplier = parties.add(contract.provider, "supplier", "payee")
    ocid = ocid_for_contract(contract)
    related = []
    if contract.prime_id:
        related.append(
            {
                "id": f"parent-{contract.prime.reference}",
                "relationship": ["parent"],
                "title": contract.prime.title,
                "scheme": "ocid",
                "identifier": ocid_for_contract(contract.prime),
            }
        )
    for sub in contract.subcontracts.all():
        related.append(
            {
                "id": f"sub-{sub.reference}",
                "relationship": ["subContract"],
                "title": sub.title,
                "scheme": "ocid",
                "identifier": ocid_for_contract(sub),
            }
        )
    releases = []
    common = {"relatedProcesses": related or None}
    award_id = f"{decision.reference}-award" if decision else f"{contract.reference}-award"
    if decision is None:
        releases.append(
            _release(
                ocid,
                f"{ocid}-contract",
                contract.start,
                ["award", "contract"],
                parties,
                buyer,
                awards=[
                    {
                        "id": award_id,
                        "status": "active",
                        "suppliers": [supplier],
                        "value": _value(contract.original_lifetime_value or contract.annual_value),
                    }
                ],
                contracts=[
                    _contract_block(
                        contract,
                        value=contract.original_lifetime_value,
                        end=contract.end,
                        award_id=award_id,
                    )
                ],
                **common,
            )
        )
    else:
        releases.append(
            _release(
                ocid,
                f"{ocid}-contract",
                decision.awarded_on,
                ["contract"],
                parties,
                buyer,
                contracts=[
                    _contract_block(
                        contract,
                        value=contract.original_lifetime_value,
                        end=_original_end(contract),
                        award_id=award_id,
                    )
                ],
                **common,
            )
        )
    for mod in contract.modifications.all():
        block = _contract_block(
            contract, value=mod.lifetime_after, end=mod.end_after, award_id=award_id
        )
        block["amendments"] = [
            {
                "id": mod.reference,
                "date": _when(mod.decided_on),
                "rationale": mod.description,
                "description": (
                    f"Lifetime value {mod.lifetime_before.format()} to "
                    f"{mod.lifetime_after.format()}; end {mod.end_before} to "
                    f"{mod.end_after}"
                ),
            }
        ]
        releases.append(
            _release(
                ocid,
                f"{ocid}-{mod.reference}",
                mod.decided_on,
                ["contractAmendment"],
                parties,
                buyer,
                contracts=[block],
                **common,
            )
        )
    paid = payments.get(contract.pk, [])
    if paid:
        block = _contract_block(
            contract,
            value=contract.lifetime_value or contract.annual_value,
            end=contract.end,
            award_id=award_id,
        )
        block["implementation"] = {
            "transactions": [
                {
                    "id": number,
                    "date": _when(day),
                    "value": _value(Money(pence)),
                    "payer": buyer,
                    "payee": supplier,
                }
                for day, number, pence in paid
            ]
        }
        releases.append(
            _release(
                ocid,
                f"{ocid}-payments-to-{paid[-1][0]}",
                paid[-1][0],
                ["implementation"],
                parties,
                buyer,
                contracts=[block],
                **common,
            )
        )
    return releases


def _original_end(contract: Contract) -> date:
    first = contract.modifications.order_by("decided_on", "reference").first()
    return first.end_before if first else contract.end


def decision_releases(decision: SelectionDecision, *, payments: dict) -> list[dict]:
    """The releases of one decision: intention, award or cancellation, contract, changes."""
    parties = _Parties()
    buyer = parties.add(decision.commissioner, "buyer", "procuringEntity")
    supplier = parties.add(decision.provider, "supplier")
    ocid = ocid_for_decision(decision)
    services = list(decision.services.order_by("code"))
    releases = []
    for notice in decision.notices.filter(kind=NoticeKind.INTENTION).order_by("published_on"):
        award = _award(decision, services, supplier, "pending")
        standstill = context(decision.regime_id, notice.published_on)
        period = standstill_period(standstill, notice.published_on)
        award["standstillPeriod"] = {
            "startDate": _when(period.begins),
            "endDate": _when(period.ends, end_of_day=True),
        }
        award.pop("date", None)
        releases.append(
            _release(
                ocid,
                f"{ocid}-{notice.reference}",
                notice.published_on,
                ["award"],
                parties,
                buyer,
                tender=_tender(decision, services, "complete"),
                awards=[award],
            )
        )
    if decision.status == DecisionStatus.ABANDONED:
        releases.append(
            _release(
                ocid,
                f"{ocid}-abandoned",
                decision.abandoned_on,
                ["tenderCancellation"],
                parties,
                buyer,
                tender=_abandoned(decision, services),
                awards=[_award(decision, services, supplier, "cancelled")] if releases else None,
            )
        )
    contract = decision.contract
    if decision.awarded_on and contract is not None:
        releases.append(
            _release(
                ocid,
                f"{ocid}-award",
                decision.awarded_on,
                ["award"],
                parties,
                buyer,
                tender=_tender(decision, services, "complete"),
                awards=[_award(decision, services, supplier, "active")],
            )
        )
        for release in contract_releases(contract, payments=payments, decision=decision):
            release["parties"] = _merge_parties(parties.list(), release["parties"])
            releases.append(release)
    return releases


def _abandoned(decision: SelectionDecision, services) -> dict:
    tender = _tender(decision, services, "cancelled")
    tender["description"] += f" Abandoned on {decision.abandoned_on}: {decision.abandonment_reason}"
    return tender


def _merge_parties(first: list[dict], second: list[dict]) -> list[dict]:
    merged: dict[str, dict] = {}
    for party in first + second:
        entry = merged.setdefault(party["id"], {**party, "roles": []})
        for role in party["roles"]:
            if role not in entry["roles"]:
                entry["roles"].append(role)
    return list(merged.values())


def checkpoint_reference() -> dict | None:
    from openics.core.checkpoints import reference

    return reference()


def release_package(*, published: date | None = None, decisions=None) -> dict:
    """One release package with every release OpenICS holds (or those of some decisions)."""
    chosen = SelectionDecision.objects.select_related("commissioner", "provider").prefetch_related(
        "services", "notices", "assessments"
    )
    if decisions is not None:
        chosen = chosen.filter(reference__in=decisions)
    contracts = Contract.objects.select_related(
        "commissioner", "provider", "prime", "prime__provider", "decision"
    ).prefetch_related("services", "modifications", "subcontracts")
    if decisions is not None:
        contracts = contracts.filter(decision__reference__in=decisions)
    contracts = list(contracts)
    payments = _payments_by_contract([c.pk for c in contracts])
    releases = []
    for decision in chosen.order_by("decided_on", "reference"):
        releases.extend(decision_releases(decision, payments=payments))
    for contract in contracts:
        if decision_for(contract) is None:
            releases.extend(contract_releases(contract, payments=payments))
    day = published or date.today()
    package = {
        "uri": f"https://openics.example/ocds/{day.isoformat()}.json",
        "version": "1.1",
        "publishedDate": _when(day),
        "publisher": {"name": getattr(settings, "OPENICS_PUBLISHER", "OpenICS")},
        "license": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        "publicationPolicy": "https://openics.example/about/open-data",
        "extensions": [UK_EXTENSION],
        "releases": releases,
    }
    checkpoint = checkpoint_reference()
    if checkpoint is not None:
        # Where the public record and the books stood: the latest signed checkpoint (its
        # log is at /record/checkpoints.jsonl). An extra field, which OCDS allows.
        package["x_openicsCheckpoint"] = checkpoint
    return package


def _number(value):
    if isinstance(value, Decimal):
        # Exact pence become a JSON number of pounds: 1234.5 for £1,234.50.
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot write {value!r} as JSON")


def dumps(package: dict) -> str:
    return json.dumps(package, indent=2, ensure_ascii=False, default=_number)
