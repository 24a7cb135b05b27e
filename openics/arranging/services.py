"""The only code that writes services, selection decisions, contracts, notices and changes.

Every function is an audited @service. Each asks the regime in force (or the one named)
whether the step is allowed before writing anything; a refusal carries the rules'
explanations with their citations and leaves nothing but its own audit entry. Dates
that the rules fix (standstill, deadlines) are computed here, never typed in.
"""

from __future__ import annotations

from datetime import date, time

from openics.arranging.facts import check, context, facts_of
from openics.arranging.models import (
    CriterionAssessment,
    DecisionStatus,
    Modification,
    Notice,
    NoticeKind,
    Representation,
    SelectionDecision,
    decision_for,
)
from openics.contracts import services as contracts
from openics.contracts.models import Contract, ContractKind, Service
from openics.contracts.services import value_over_term
from openics.core.audit import Auditor, Refused, service
from openics.core.changes import change
from openics.governance.services import record_notice
from openics.kernel.money import Money
from openics.organisations.models import Organisation
from openics.regimes.model import RegimeError, RuleContext
from openics.regimes.registry import get_regime, regime_in_force_on
from openics.regimes.rules import procurement
from openics.regimes.rules.procurement import ModificationFacts, Situation


def _regime_for(on: date, regime_id: str | None, what: str):
    """The regime a step is taken under: the one named, or the law on the day."""
    if regime_id:
        try:
            regime = get_regime(regime_id)
        except RegimeError as exc:
            raise Refused(str(exc)) from None
    else:
        regime = regime_in_force_on(on)
        if regime is None:
            raise Refused(f"no regime was in force on {on} to {what} under")
    try:
        RuleContext(regime, on).param("procurement.processes")
    except RegimeError:
        raise Refused(
            f"{regime.title} has no rules for selecting providers on {on}; the provider "
            "selection regime applies from 1 January 2024 (SI 2023/1348 reg 1)"
        ) from None
    return regime


def _refuse_if(results, *, asked: dict, object_id: str = "") -> None:
    reasons = [f"{v.explanation} [{v.rule_id}]" for r in results for v in r.violations]
    if reasons:
        raise Refused(
            reasons, asked=asked, object_type="commissioning.selectiondecision", object_id=object_id
        )


# --- decisions ------------------------------------------------------------------------------


@service("commissioning.record_decision")
def record_decision(
    *,
    reference: str,
    title: str,
    commissioner: Organisation,
    provider: Organisation,
    services: list[Service],
    process: str,
    decided_on: date,
    proposed_start: date,
    proposed_end: date,
    annual_value: Money,
    payment_mechanism: str,
    reasons: str,
    decision_makers: list[str],
    decision_process: str = "",
    process_started_on: date | None = None,
    regard: dict | None = None,
    situation: dict | None = None,
    assessments: list[dict] | None = None,
    basic_selection: str = "",
    exclusions: dict | None = None,
    conflicts: list[dict] | None = None,
    provider_address: str = "",
    existing_contract: Contract | None = None,
    extension_months: int = 0,
    contract_kind: str = ContractKind.STANDARD,
    framework_term_months: int = 0,
    regime_id: str | None = None,
    illustrative: bool = False,
    audit: Auditor,
) -> SelectionDecision:
    """Records a decision to select a provider, if the regime allows it; refuses otherwise."""
    asked = {"reference": reference, "process": process, "provider": provider.code}
    regime = _regime_for(decided_on, regime_id, "select a provider")
    if SelectionDecision.objects.filter(reference=reference).exists():
        raise Refused(f"there is already a decision {reference}", asked=asked)
    if not services:
        raise Refused("a decision arranges at least one service", asked=asked)
    if proposed_end < proposed_start:
        raise Refused(
            f"the proposed contract would end on {proposed_end}, before it starts on "
            f"{proposed_start}",
            asked=asked,
        )
    lifetime = value_over_term(annual_value, proposed_start, proposed_end, extension_months)
    facts = dict(situation or {})
    facts["framework"] = facts.get("framework", contract_kind == ContractKind.FRAMEWORK)
    if existing_contract is not None:
        facts.setdefault("existing_provider", True)
        facts.setdefault(
            "existing_lifetime_value_pence", existing_contract.original_lifetime_value.pence
        )
        if process in ("direct_award_a", "direct_award_c") and (
            existing_contract.provider_id != provider.pk
        ):
            raise Refused(
                f"{process.replace('_', ' ').title()} continues with the existing provider, "
                f"{existing_contract.provider.name}; {provider.name} was named "
                "(SI 2023/1348 regs 7 and 9)",
                asked=asked,
            )
    facts["proposed_lifetime_value_pence"] = lifetime.pence
    try:
        Situation.from_dict(facts)
    except (TypeError, ValueError) as exc:
        raise Refused(str(exc), asked=asked) from None
    places = {s.place_id for s in services}
    decision = SelectionDecision(
        reference=reference,
        title=title,
        regime_id=regime.id,
        commissioner=commissioner,
        provider=provider,
        provider_address=provider_address
        or (f"postcode {provider.postcode}" if provider.postcode else ""),
        place_id=places.pop() if len(places) == 1 else None,
        existing_contract=existing_contract,
        process=process,
        decided_on=decided_on,
        contract_kind=contract_kind,
        sector=services[0].sector,
        proposed_start=proposed_start,
        proposed_end=proposed_end,
        extension_months=extension_months,
        annual_value=annual_value,
        lifetime_value=lifetime,
        payment_mechanism=payment_mechanism,
        reasons=reasons,
        decision_makers=list(decision_makers),
        decision_process=decision_process.strip(),
        process_started_on=process_started_on,
        regard=dict(regard or {}),
        basic_selection=basic_selection,
        situation=facts,
        exclusions=dict(exclusions or {}),
        conflicts=list(conflicts or []),
        framework_term_months=framework_term_months,
        illustrative=illustrative,
    )
    criteria = {
        c["key"]: c["title"]
        for c in RuleContext(regime, decided_on).param("procurement.key_criteria")["criteria"]
    }
    decision.save()
    decision.services.set(services)
    for position, item in enumerate(assessments or []):
        CriterionAssessment.objects.create(
            decision=decision,
            position=position,
            criterion=item.get("criterion", ""),
            title=criteria.get(item.get("criterion", ""), item.get("criterion", "")),
            importance=item.get("importance", ""),
            justification=item.get("justification", ""),
        )
    # The rules read the decision as it would be stored; a refusal rolls all of it back.
    _refuse_if(check(regime.id, decided_on, facts_of(decision)), asked=asked)
    audit.created(decision)
    return decision


def _content(decision: SelectionDecision, heading: str, extra: list[tuple[str, str]]) -> list:
    svc = decision.services.order_by("code")
    lines = [
        ["Notice", heading],
        ["Contract title", decision.title],
        ["Reference", decision.reference],
        ["Commissioner", decision.commissioner.name],
        ["Provider", decision.provider.name],
        ["Provider's registered office or principal place of business", decision.provider_address],
        ["Services", "; ".join(f"{s.name}: {s.description}" for s in svc)],
        ["CPV codes", ", ".join(sorted({s.cpv_code for s in svc}))],
        ["Approximate lifetime value", decision.lifetime_value.format()],
        [
            "Process",
            procurement.process_title(
                context(decision.regime_id, decision.decided_on), decision.process
            ),
        ],
        ["Decision-makers", "; ".join(decision.decision_makers)],
        ["Reasons", decision.reasons],
    ]
    for a in decision.assessments.all():
        lines.append([f"Key criterion: {a.title} ({a.importance})", a.justification])
    conflicts = decision.conflicts or []
    lines.append(
        [
            "Declared conflicts of interest and how they were managed",
            "; ".join(
                f"{c['person']}: {c['interest']} — "
                + (
                    "stood aside from the decision"
                    if c["handling"] == "recused"
                    else "took part as the only person with the expertise; "
                    + c.get("mitigation", "")
                )
                for c in conflicts
            )
            or "None declared",
        ]
    )
    return lines + [list(pair) for pair in extra]


def _notice(
    *,
    kind: str,
    reference: str,
    published_on: date,
    regime_id: str,
    content: list,
    decision=None,
    modification=None,
    due_by=None,
    audit: Auditor,
) -> Notice:
    notices = context(regime_id, published_on).param("procurement.notices")
    notice = Notice.objects.create(
        reference=reference,
        kind=kind,
        decision=decision,
        modification=modification,
        published_on=published_on,
        due_by=due_by,
        platform=notices.get("platform", ""),
        regime_id=regime_id,
        content=content,
    )
    audit.created(notice)
    record_notice(
        reference=reference,
        kind=kind,
        title=notice.get_kind_display(),
        published_on=published_on,
        body=notice_body(notice),
        actor=audit.actor,
        reason=audit.reason,
    )
    return notice


def notice_body(notice: Notice) -> dict:
    """What the public record holds of a notice besides its reference, kind and day."""
    return {
        "due_by": notice.due_by.isoformat() if notice.due_by else None,
        "platform": notice.platform,
        "regime": notice.regime_id,
        "decision": notice.decision.reference if notice.decision_id else None,
        "content": notice.content,
    }


@service("commissioning.publish_intention")
def publish_intention(decision: SelectionDecision, *, published_on: date, audit: Auditor) -> Notice:
    """Publishes the notice of intention to award, which starts the standstill."""
    ctx = context(decision.regime_id, published_on)
    title = procurement.process_title(ctx, decision.process)
    asked = {"decision": decision.reference, "published_on": str(published_on)}
    if not procurement.standstill_applies(ctx, decision.process):
        raise Refused(
            f"{title} has no notice of intention or standstill; award the contract "
            "and publish the award notice",
            asked=asked,
        )
    if decision.status != DecisionStatus.DECIDED:
        raise Refused(
            f"{decision.reference} is {decision.get_status_display().lower()}; "
            "a notice of intention follows a decision not yet announced",
            asked=asked,
        )
    if published_on < decision.decided_on:
        raise Refused(
            f"the notice cannot be published on {published_on}, before the decision "
            f"was taken on {decision.decided_on}",
            asked=asked,
        )
    period = procurement.standstill_period(ctx, published_on)
    content = intention_notice_content(decision, published_on)
    change(
        decision,
        audit,
        intention_published_on=published_on,
        standstill_begins=period.begins,
        standstill_ends=period.ends,
        further_wait_ends=None,
        status=DecisionStatus.STANDSTILL,
    )
    count = decision.notices.filter(kind=NoticeKind.INTENTION).count()
    return _notice(
        kind=NoticeKind.INTENTION,
        reference=f"{decision.reference}-INT{count + 1}",
        published_on=published_on,
        regime_id=decision.regime_id,
        decision=decision,
        content=content,
        audit=audit,
    )


def intention_notice_content(decision: SelectionDecision, published_on: date) -> list:
    """The notice of intention as it will be published on a day (read only: the workspace
    previews it, and publish_intention publishes exactly this)."""
    ctx = context(decision.regime_id, published_on)
    title = procurement.process_title(ctx, decision.process)
    period = procurement.standstill_period(ctx, published_on)
    return _content(
        decision,
        f"Intention to award a contract by the {title}",
        [
            ["Standstill begins", f"{period.begins:%-d %B %Y}"],
            ["Representations by", f"midnight at the end of {period.ends:%-d %B %Y}"],
        ],
    )


@service("commissioning.receive_representation")
def receive_representation(
    decision: SelectionDecision,
    *,
    provider: Organisation,
    received_on: date,
    summary: str,
    received_at: time | None = None,
    audit: Auditor,
) -> Representation:
    """Records written representations made by a provider during the standstill."""
    asked = {"decision": decision.reference, "received_on": str(received_on)}
    if decision.status not in (DecisionStatus.STANDSTILL, DecisionStatus.REVIEW):
        raise Refused(f"{decision.reference} has no open standstill", asked=asked)
    if not decision.standstill_begins <= received_on <= decision.standstill_ends:
        raise Refused(
            f"representations must be made from {decision.standstill_begins} until midnight at "
            f"the end of {decision.standstill_ends}; these arrived on {received_on} "
            "(SI 2023/1348 reg 12)",
            asked=asked,
        )
    if not summary.strip():
        raise Refused("say what the representations are about", asked=asked)
    rep = Representation.objects.create(
        decision=decision,
        provider=provider,
        received_on=received_on,
        received_at=received_at,
        summary=summary,
    )
    audit.created(rep)
    change(decision, audit, status=DecisionStatus.REVIEW)
    return rep


@service("commissioning.review_representations")
def review_representations(
    decision: SelectionDecision, *, outcome: str, decided_on: date, reasons: str, audit: Auditor
) -> SelectionDecision:
    """The authority's further decision after reviewing representations (reg 12(4))."""
    asked = {"decision": decision.reference, "outcome": outcome}
    pending = list(decision.representations.filter(outcome=""))
    if decision.status != DecisionStatus.REVIEW or not pending:
        raise Refused(f"{decision.reference} has no representations under review", asked=asked)
    if outcome not in Representation.Outcome.values or not outcome:
        raise Refused(f"{outcome!r} is not an outcome: proceed, go_back or abandon", asked=asked)
    if not reasons.strip():
        raise Refused("the further decision needs its reasons", asked=asked)
    if decided_on < max(r.received_on for r in pending):
        raise Refused(
            "the review cannot be decided before the representations arrived", asked=asked
        )
    for rep in pending:
        change(rep, audit, outcome=outcome, outcome_on=decided_on, outcome_reasons=reasons)
    if outcome == "proceed":
        further = procurement.further_wait_ends(context(decision.regime_id, decided_on), decided_on)
        values = {"status": DecisionStatus.STANDSTILL, "further_wait_ends": further}
    elif outcome == "go_back":
        values = {"status": DecisionStatus.DECIDED, "intention_published_on": None}
        values |= {"standstill_begins": None, "standstill_ends": None, "further_wait_ends": None}
    else:
        values = {"status": DecisionStatus.ABANDONED, "abandoned_on": decided_on}
        values["abandonment_reason"] = reasons
    return change(decision, audit, **values)


# The terms a contract awarded takes from its decision, each under the same name.
TERMS_THE_CONTRACT_TAKES = (
    "title",
    "commissioner",
    "provider",
    "sector",
    "place",
    "annual_value",
    "lifetime_value",
    "extension_months",
    "payment_mechanism",
)


@service("commissioning.award_contract")
def award_contract(
    decision: SelectionDecision,
    *,
    awarded_on: date,
    contract_reference: str = "",
    fixed_monthly: Money | None = None,
    unit_price: Money | None = None,
    activity_unit: str = "",
    audit: Auditor,
) -> Contract:
    """Enters into the contract the decision selected, once any standstill is over."""
    ctx = context(decision.regime_id, awarded_on)
    asked = {"decision": decision.reference, "awarded_on": str(awarded_on)}
    standstill = procurement.standstill_applies(ctx, decision.process)
    allowed = {DecisionStatus.STANDSTILL} if standstill else {DecisionStatus.DECIDED}
    if decision.status not in allowed:
        if decision.status == DecisionStatus.DECIDED and standstill:
            raise Refused(
                f"{decision.reference} needs a notice of intention and a standstill before the "
                "contract is entered into (SI 2023/1348 reg 12)",
                asked=asked,
            )
        if decision.status == DecisionStatus.REVIEW:
            raise Refused(
                f"representations about {decision.reference} are under review; no contract "
                "until the authority has made its further decision (SI 2023/1348 reg 12(4))",
                asked=asked,
            )
        raise Refused(
            f"{decision.reference} is {decision.get_status_display().lower()}", asked=asked
        )
    _refuse_if(
        check(
            decision.regime_id,
            decision.decided_on,
            facts_of(decision, contract_entered_on=awarded_on),
        ),
        asked=asked,
        object_id=str(decision.pk),
    )
    if decision.further_wait_ends and awarded_on <= decision.further_wait_ends:
        raise Refused(
            f"after reviewing representations the authority waits until the end of "
            f"{decision.further_wait_ends:%-d %B %Y} before the standstill closes; the contract "
            f"cannot be entered into on {awarded_on:%-d %B %Y} (SI 2023/1348 reg 12; NHS England "
            "standstill guidance)",
            asked=asked,
        )
    if awarded_on < decision.decided_on:
        raise Refused("a contract cannot be awarded before the decision to award it", asked=asked)
    reference = contract_reference or decision.reference
    if Contract.objects.filter(reference=reference).exists():
        raise Refused(f"there is already a contract {reference}", asked=asked)
    contract = contracts.enter_contract(
        reference=reference,
        **{term: getattr(decision, term) for term in TERMS_THE_CONTRACT_TAKES},
        start=decision.proposed_start,
        end=decision.proposed_end,
        original_lifetime_value=decision.lifetime_value,
        fixed_monthly=fixed_monthly or Money(0),
        unit_price=unit_price or Money(0),
        activity_unit=activity_unit,
        kind=decision.contract_kind,
        services=list(decision.services.all()),
        actor=audit.actor,
        reason=audit.reason,
    )
    kind = (
        "award_after_standstill"
        if standstill
        else ("urgent_award" if decision.process == "urgent_award" else "award_after_direct")
    )
    change(
        decision,
        audit,
        contract=contract,
        status=DecisionStatus.AWARDED,
        awarded_on=awarded_on,
        award_notice_due=procurement.notice_due(ctx, kind, awarded_on),
    )
    return contract


@service("commissioning.publish_award_notice")
def publish_award_notice(
    decision: SelectionDecision, *, published_on: date, audit: Auditor
) -> Notice:
    """Publishes the notice that a contract was awarded (late notices are marked late)."""
    asked = {"decision": decision.reference, "published_on": str(published_on)}
    if decision.status != DecisionStatus.AWARDED:
        raise Refused(f"{decision.reference} has not been awarded yet", asked=asked)
    if decision.notices.filter(kind__in=[NoticeKind.AWARD, NoticeKind.URGENT_AWARD]).exists():
        raise Refused(
            f"the award notice for {decision.reference} is already published; "
            "a published notice is never rewritten",
            asked=asked,
        )
    if published_on < decision.awarded_on:
        raise Refused("an award notice cannot be published before the award", asked=asked)
    urgent = decision.process == "urgent_award"
    return _notice(
        kind=NoticeKind.URGENT_AWARD if urgent else NoticeKind.AWARD,
        reference=f"{decision.reference}-AWD",
        published_on=published_on,
        regime_id=decision.regime_id,
        decision=decision,
        due_by=decision.award_notice_due,
        content=award_notice_content(decision),
        audit=audit,
    )


def award_notice_content(decision: SelectionDecision) -> list:
    """The contract award notice as it will be published (read only, as for the intention)."""
    contract = decision.contract
    title = procurement.process_title(
        context(decision.regime_id, decision.decided_on), decision.process
    )
    return _content(
        decision,
        f"Contract awarded by the {title}",
        [
            ["Contract reference", contract.reference],
            ["Awarded on", f"{decision.awarded_on:%-d %B %Y}"],
            [
                "Term",
                f"{contract.start:%-d %B %Y} to {contract.end:%-d %B %Y}"
                + (
                    f", with up to {contract.extension_months} months of extensions"
                    if contract.extension_months
                    else ""
                ),
            ],
            ["Annual value", contract.annual_value.format()],
        ],
    )


@service("commissioning.abandon")
def abandon(decision: SelectionDecision, *, on: date, reasons: str, audit: Auditor):
    """Abandons a process before a contract is entered into (reg 15)."""
    asked = {"decision": decision.reference, "on": str(on)}
    if decision.status in (DecisionStatus.AWARDED, DecisionStatus.ABANDONED):
        raise Refused(
            f"{decision.reference} is {decision.get_status_display().lower()}; only a "
            "process with no contract yet can be abandoned (SI 2023/1348 reg 15)",
            asked=asked,
        )
    if not reasons.strip():
        raise Refused("say why the process is abandoned", asked=asked)
    if on < decision.decided_on:
        raise Refused("a process cannot be abandoned before it began", asked=asked)
    change(
        decision,
        audit,
        status=DecisionStatus.ABANDONED,
        abandoned_on=on,
        abandonment_reason=reasons,
    )
    if decision.intention_published_on:
        _notice(
            kind=NoticeKind.ABANDONMENT,
            reference=f"{decision.reference}-ABN",
            published_on=on,
            regime_id=decision.regime_id,
            decision=decision,
            content=[
                ["Notice", "The process has been abandoned"],
                ["Contract title", decision.title],
                ["Reference", decision.reference],
                ["Reasons", reasons],
            ],
            audit=audit,
        )
    return decision


# --- modifications --------------------------------------------------------------------------


@service("commissioning.modify_contract")
def modify_contract(
    contract: Contract,
    *,
    reference: str,
    decided_on: date,
    grounds: str,
    description: str,
    value_change: Money,
    new_end: date | None = None,
    materially_different: bool = False,
    successor_meets_basic_selection: bool = False,
    urgent: bool = False,
    regime_id: str | None = None,
    illustrative: bool = False,
    audit: Auditor,
) -> Modification:
    """Changes a contract in its term if the regime allows; the contract's history is kept."""
    regime = _regime_for(decided_on, regime_id, "modify a contract")
    asked = {
        "contract": contract.reference,
        "reference": reference,
        "value_change": value_change.pence,
    }
    if "procurement.modification" not in regime.rules:
        raise Refused(f"{regime.title} has no modification rules in OpenICS", asked=asked)
    if Modification.objects.filter(reference=reference).exists():
        raise Refused(f"there is already a modification {reference}", asked=asked)
    if not description.strip():
        raise Refused("describe the modification", asked=asked)
    if not contract.start <= decided_on <= contract.end:
        raise Refused(
            f"{contract.reference} runs from {contract.start} to {contract.end}; a "
            f"modification on {decided_on} is outside its term",
            asked=asked,
        )
    end_after = new_end or contract.end
    if end_after < contract.start:
        raise Refused("the contract would end before it started", asked=asked)
    lifetime_after = contract.lifetime_value + value_change
    if lifetime_after.pence < 0:
        raise Refused("the contract's lifetime value would fall below nothing", asked=asked)
    decision = decision_for(contract)
    awarded_by = decision.process if decision else ""
    facts = ModificationFacts(
        awarded_by=awarded_by,
        grounds=grounds,
        materially_different=materially_different,
        original_lifetime_value_pence=contract.original_lifetime_value.pence,
        cumulative_change_pence=(lifetime_after - contract.original_lifetime_value).pence,
        this_change_pence=value_change.pence,
        successor_meets_basic_selection=successor_meets_basic_selection,
    )
    result = regime.evaluate("procurement.modification", decided_on, change=facts)
    _refuse_if([result], asked=asked)
    ctx = context(regime.id, decided_on)
    notice_required = urgent or procurement.modification_needs_notice(ctx, facts)
    kind = "urgent_award" if urgent else "modification"
    modification = Modification.objects.create(
        contract=contract,
        reference=reference,
        regime_id=regime.id,
        decided_on=decided_on,
        grounds=grounds,
        urgent=urgent,
        description=description,
        materially_different=materially_different,
        value_change=value_change,
        lifetime_before=contract.lifetime_value,
        lifetime_after=lifetime_after,
        end_before=contract.end,
        end_after=end_after,
        notice_required=notice_required,
        notice_due=procurement.notice_due(ctx, kind, decided_on) if notice_required else None,
        illustrative=illustrative,
    )
    audit.created(modification)
    change(contract, audit, lifetime_value=lifetime_after, end=end_after)
    return modification


@service("commissioning.publish_modification_notice")
def publish_modification_notice(
    modification: Modification, *, published_on: date, audit: Auditor
) -> Notice:
    asked = {"modification": modification.reference}
    if modification.notices.exists():
        raise Refused("this modification's notice is already published", asked=asked)
    if published_on < modification.decided_on:
        raise Refused("a notice cannot be published before the modification", asked=asked)
    contract = modification.contract
    grounds = context(modification.regime_id, modification.decided_on).param(
        "procurement.modification"
    )["grounds"]
    return _notice(
        kind=NoticeKind.URGENT_MODIFICATION if modification.urgent else NoticeKind.MODIFICATION,
        reference=f"{modification.reference}-MOD",
        published_on=published_on,
        regime_id=modification.regime_id,
        modification=modification,
        due_by=modification.notice_due,
        content=[
            [
                "Notice",
                "Urgent modification of a contract"
                if modification.urgent
                else "Modification of a contract",
            ],
            ["Contract title", contract.title],
            ["Contract reference", contract.reference],
            ["Provider", contract.provider.name],
            ["CPV codes", ", ".join(sorted({s.cpv_code for s in contract.services.all()}))],
            ["Effective from", f"{modification.decided_on:%-d %B %Y}"],
            ["What changes", modification.description],
            ["Change in lifetime value", modification.value_change.format()],
            [
                "Lifetime value before and after",
                f"{modification.lifetime_before.format()} to "
                f"{modification.lifetime_after.format()}",
            ],
            [
                "End date before and after",
                f"{modification.end_before:%-d %B %Y} to {modification.end_after:%-d %B %Y}",
            ],
            ["Grounds", grounds.get(modification.grounds, modification.grounds)],
        ],
        audit=audit,
    )


# --- at the board ---------------------------------------------------------------------------


@service("commissioning.take_to_board")
def take_to_board(
    decision: SelectionDecision,
    *,
    meeting,
    number: str,
    title: str = "",
    paper_title: str = "",
    paper_url: str = "",
    organisations=(),
    audit: Auditor,
):
    """Puts a decision on a board meeting's agenda: the item names the provider (so the board's
    rules recuse whoever is conflicted) and the decision points at the item."""
    from openics.governance import services as boards

    if decision.agenda_item_id:
        raise Refused(
            f"{decision.reference} is already on the agenda of {decision.agenda_item.meeting}",
            asked={"decision": decision.reference},
        )
    item = boards.add_item(
        meeting=meeting,
        number=number,
        title=title or f"Provider selection: {decision.title} ({decision.reference})",
        kind="provider_selection",
        paper_title=paper_title,
        paper_url=paper_url,
        organisations=organisations,
        provider=decision.provider,
        decision_reference=decision.reference,
        actor=audit.actor,
        reason=audit.reason,
    )
    change(decision, audit, agenda_item=item, update_fields=["agenda_item", "updated_at"])
    return item
