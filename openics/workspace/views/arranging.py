"""Arranging services under the provider selection regime, in the workspace: the guided
choice of a process (the regime's rules say, for the facts given, which processes are
mandatory, allowed or not and why), the decision record with the decision-makers' conflicts
from the register of interests, and each step after it: the notice of intention and its
standstill, representations and their review, the award and its notice, modifications and
abandonment. Every write calls the arranging service as the person signed in; every refusal
is shown in the error summary with its rule and citation."""

from __future__ import annotations

import contextlib
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from openics.arranging import selectors
from openics.arranging import services as arranging
from openics.arranging.models import (
    DecisionStatus,
    Modification,
    NoticeKind,
    SelectionDecision,
)
from openics.contracts.models import Contract, Service
from openics.core.audit import Refused
from openics.kernel.working_days import skipped_days
from openics.regimes.model import RegimeError, RuleContext
from openics.regimes.registry import get_regime, regime_in_force_on
from openics.regimes.rules import procurement
from openics.regimes.rules.procurement import Situation
from openics.workspace import access
from openics.workspace.arranging_forms import (
    STEPS,
    VALUE_LABELS,
    AbandonForm,
    Answers,
    DecisionForm,
    ModificationForm,
    OnDayForm,
    RepresentationForm,
    ReviewForm,
)
from openics.workspace.views.common import actor, error_list, organisation, page, today, why


def _ctx(on: date) -> RuleContext | None:
    """The regime in force on the day, if it has rules for selecting providers."""
    regime = regime_in_force_on(on)
    if regime is None:
        return None
    ctx = RuleContext(regime, on)
    try:
        ctx.param("procurement.processes")
    except RegimeError:
        return None
    return ctx


def guide_for(answers: Answers, on: date):
    """What the regime in force says of the answers: mandatory, allowed and not allowed."""
    ctx = _ctx(on)
    if ctx is None:
        return None
    return procurement.process_guide(ctx, Situation.from_dict(answers.situation()))


# --- the register of the organisation's decisions ------------------------------------------


@login_required
def decisions(request, code: str):
    org = organisation(code)
    day = today()
    rows = []
    found = SelectionDecision.objects.filter(commissioner=org).prefetch_related("notices")
    for d in found:
        rows.append({"d": d, "next": _next_step(d, day)})
    return page(
        request,
        "arranging/decisions.jinja",
        {"rows": rows, "overdue": selectors.overdue_notices(org, day), "day": day},
        org=org,
    )


def _next_step(decision: SelectionDecision, day: date):
    try:
        ctx = RuleContext(_regime(decision), day)
    except RegimeError:
        return None
    published = any(
        n.kind in (NoticeKind.AWARD, NoticeKind.URGENT_AWARD) for n in decision.notices.all()
    )
    progress = procurement.Progress(
        process=decision.process,
        status=decision.status,
        decided_on=decision.decided_on,
        standstill_ends=decision.standstill_ends,
        further_wait_ends=decision.further_wait_ends,
        awarded_on=decision.awarded_on,
        award_notice_due=decision.award_notice_due,
        award_notice_published=published,
    )
    return procurement.next_step(ctx, progress, day)


def _regime(decision: SelectionDecision):
    return get_regime(decision.regime_id)


# --- choose the process ---------------------------------------------------------------------


@login_required
@require_GET
def choose(request, code: str):
    """The guided choice, one step per page. Asked by GET: it writes nothing. With
    `fragment=1` it answers only the panel of processes, which the page's script fetches to
    update the panel in place as the answers change."""
    org = organisation(code)
    answers = Answers(request.GET)
    guide = guide_for(answers, today())
    if request.GET.get("fragment"):
        return render(
            request,
            "workspace/arranging/_guide.jinja",
            {"guide": guide, "answers": answers, "value_labels": VALUE_LABELS},
        )
    try:
        step = int(request.GET.get("step") or 1)
    except ValueError:
        step = 1
    step = max(1, min(step, len(STEPS) + 1))
    errors = []
    asked = request.GET.get("asked")
    if asked and asked.isdigit() and 1 <= int(asked) <= len(STEPS):
        done = STEPS[int(asked) - 1]
        missing = [(n, q) for n, q, _ in done["questions"] if not answers.answered(n)]
        if missing or answers.errors:
            step = int(asked)
            errors = [{"text": f"Answer: {q}", "href": f"#{n}"} for n, q in missing]
    errors += [{"text": text, "href": f"#{name}"} for name, text in answers.errors.items()]
    context = {
        "answers": answers,
        "guide": guide,
        "errors": errors,
        "step": step,
        "steps": STEPS,
        "current": STEPS[step - 1] if step <= len(STEPS) else None,
        "value_labels": VALUE_LABELS,
        "field_errors": answers.errors,
        "missing": {e["href"][1:] for e in errors if e.get("href")},
    }
    return page(request, "arranging/choose.jinja", context, org=org, status=400 if errors else 200)


# --- assess and decide ----------------------------------------------------------------------


def _criteria(on: date) -> list[dict]:
    ctx = _ctx(on)
    return list(ctx.param("procurement.key_criteria")["criteria"]) if ctx else []


def _decision_form(request, org, data=None):
    day = today()
    return DecisionForm(
        data,
        initial={"decided_on": day},
        services=Service.objects.filter(commissioner=org).order_by("code"),
        contracts=Contract.objects.filter(commissioner=org).select_related("provider"),
        people=selectors.decision_makers_for(org, day),
        criteria=_criteria(day),
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide(request, code: str):
    org = organisation(code)
    access.require(request, "record_decision", org.code)
    source = request.POST if request.method == "POST" else request.GET
    answers = Answers(source)
    process = (source.get("process") or "").strip()
    guide = guide_for(answers, today())
    titles = {
        o.process: o.title
        for o in (guide.mandatory + guide.allowed + guide.not_allowed if guide else ())
    }
    form = _decision_form(request, org, request.POST if request.method == "POST" else None)
    refusals: list[str] = []
    conflicts: list = []
    field_refusals: list[dict] = []
    if process not in titles:
        refusals.append("Choose the process first: the guided choice says which the regime allows")
    if request.method == "POST" and form.is_valid() and process in titles:
        data = form.cleaned_data
        people = {p.slug: p for p in selectors.decision_makers_for(org, data["decided_on"])}
        chosen = [people[k] for k in data["makers"] if k in people]
        conflicts = selectors.maker_conflicts(chosen, data["provider"], data["decided_on"])
        makers = [p.name for p in chosen]
        recorded = []
        for c in conflicts:
            handling = (request.POST.get(f"handling-{c.person_key}") or "").strip()
            mitigation = (request.POST.get(f"mitigation-{c.person_key}") or "").strip()
            if handling not in ("recused", "sole_expertise"):
                field_refusals.append(
                    {
                        "text": f"{'; '.join(c.reasons)}. Say how {c.name}'s conflict is "
                        f"managed before the decision is saved ({c.basis})",
                        "href": f"#handling-{c.person_key}",
                    }
                )
                continue
            if handling == "recused":
                makers.remove(c.name)
            recorded.append(
                {
                    "person": c.name,
                    "interest": "; ".join(c.reasons),
                    "handling": handling,
                    "mitigation": mitigation,
                }
            )
        if not field_refusals:
            existing = (
                Contract.objects.filter(
                    commissioner=org, reference=data["existing_contract"]
                ).first()
                if data["existing_contract"]
                else None
            )
            situation = answers.situation()
            situation.pop("proposed_lifetime_value_pence", None)  # the service works it out
            if existing is not None:
                situation.pop("existing_lifetime_value_pence", None)
            services = list(Service.objects.filter(commissioner=org, code__in=data["services"]))
            try:
                decision = arranging.record_decision(
                    reference=data["reference"],
                    title=data["title"],
                    commissioner=org,
                    provider=data["provider"],
                    provider_address=data["provider_address"].strip(),
                    services=services,
                    process=process,
                    decided_on=data["decided_on"],
                    proposed_start=data["proposed_start"],
                    proposed_end=data["proposed_end"],
                    extension_months=data["extension_months"] or 0,
                    annual_value=data["annual_value"],
                    payment_mechanism=data["payment_mechanism"],
                    reasons=data["reasons"],
                    decision_makers=makers + data["other_maker_list"],
                    decision_process=data["decision_process"],
                    process_started_on=data["process_started_on"],
                    regard=data["regard"],
                    situation=situation,
                    assessments=data["assessments"],
                    basic_selection=data["basic_selection"],
                    exclusions=data["exclusions"],
                    conflicts=recorded,
                    existing_contract=existing,
                    actor=actor(request),
                    reason=why(request, data["reference"]),
                )
            except Refused as exc:
                refusals = exc.reasons
            else:
                return redirect("workspace:decision", code=org.code, reference=decision.reference)
    errors = error_list(form, refusals) + field_refusals
    return page(
        request,
        "arranging/decide.jinja",
        {
            "form": form,
            "errors": errors,
            "answers": answers,
            "process": process,
            "process_title": titles.get(process, process),
            "guide": guide,
            "conflicts": conflicts,
            "posted": request.POST,
        },
        org=org,
        status=400 if errors and request.method == "POST" else 200,
    )


# --- one decision, and the steps after it ---------------------------------------------------


def _decision(org, reference: str) -> SelectionDecision:
    found = (
        SelectionDecision.objects.filter(commissioner=org, reference=reference)
        .select_related("provider", "contract", "commissioner")
        .first()
    )
    if found is None:
        raise Http404(f"{org.name} has no selection decision {reference}")
    return found


def _decision_page(request, org, decision, *, extra=None, status=200):
    day = today()
    context = {
        "d": decision,
        "process_title": selectors.process_title(decision),
        "next": _next_step(decision, day),
        "skipped": skipped_days(decision.standstill_begins, decision.standstill_ends)
        if decision.standstill_begins and decision.standstill_ends
        else [],
        "representations": list(decision.representations.select_related("provider")),
        "notices": list(decision.notices.all()),
        "modifications": list(decision.contract.modifications.prefetch_related("notices"))
        if decision.contract_id
        else [],
        "assessments": list(decision.assessments.all()),
        "has_standstill": _has_standstill(decision),
        "day": day,
        "public_url": reverse("arranging:decision", args=[decision.reference]),
        "errors": [],
    }
    context.update(extra or {})
    return page(request, "arranging/decision.jinja", context, org=org, status=status)


def _has_standstill(decision: SelectionDecision) -> bool:
    try:
        return procurement.standstill_applies(
            RuleContext(_regime(decision), decision.decided_on), decision.process
        )
    except RegimeError:
        return False


@login_required
def decision(request, code: str, reference: str):
    org = organisation(code)
    return _decision_page(request, org, _decision(org, reference))


def _step(
    request,
    org,
    decision,
    *,
    action: str,
    template: str,
    form,
    write,
    extra=None,
):
    """GET shows the step's form; POST calls `write(data)` (a service) and returns to the
    decision, or shows the form again with the refusal's reasons in the error summary."""
    refusals: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            write(form.cleaned_data)
        except Refused as exc:
            refusals = exc.reasons
        else:
            return redirect("workspace:decision", code=org.code, reference=decision.reference)
    errors = error_list(form, refusals)
    context = {
        "d": decision,
        "form": form,
        "errors": errors,
        "action": action,
        "process_title": selectors.process_title(decision),
    }
    context.update(extra or {})
    return page(
        request,
        f"arranging/{template}",
        context,
        org=org,
        status=400 if errors and request.method == "POST" else 200,
    )


def _on_day(request, what):
    day = today()
    return OnDayForm(request.POST or None, initial={"on": day}, what=what, today=day)


@login_required
@require_http_methods(["GET", "POST"])
def publish_intention(request, code: str, reference: str):
    org = organisation(code)
    access.require(request, "publish_intention", org.code)
    d = _decision(org, reference)
    form = _on_day(request, "The date the notice is published")
    day = form.cleaned_data["on"] if form.is_bound and form.is_valid() else today()
    preview, period, skipped = [], None, []
    try:
        ctx = RuleContext(_regime(d), day)
        if procurement.standstill_applies(ctx, d.process) and d.status == DecisionStatus.DECIDED:
            preview = arranging.intention_notice_content(d, day)
            period = procurement.standstill_period(ctx, day)
            skipped = skipped_days(period.begins, period.ends)
    except RegimeError:
        pass
    return _step(
        request,
        org,
        d,
        action="publish_intention",
        template="intention.jinja",
        form=form,
        write=lambda data: arranging.publish_intention(
            d, published_on=data["on"], actor=actor(request), reason=why(request, d.reference)
        ),
        extra={"preview": preview, "period": period, "skipped": skipped},
    )


@login_required
@require_http_methods(["GET", "POST"])
def receive_representation(request, code: str, reference: str):
    org = organisation(code)
    access.require(request, "receive_representation", org.code)
    d = _decision(org, reference)
    day = today()
    form = RepresentationForm(
        request.POST or None, initial={"on": day}, what="The date they arrived", today=day
    )
    return _step(
        request,
        org,
        d,
        action="receive_representation",
        template="representation.jinja",
        form=form,
        write=lambda data: arranging.receive_representation(
            d,
            provider=data["provider"],
            received_on=data["on"],
            received_at=data["at"],
            summary=data["summary"],
            actor=actor(request),
            reason=why(request, d.reference),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request, code: str, reference: str):
    org = organisation(code)
    access.require(request, "review_representations", org.code)
    d = _decision(org, reference)
    day = today()
    form = ReviewForm(
        request.POST or None,
        initial={"on": day},
        what="The date of the further decision",
        today=day,
    )
    wait = None
    with contextlib.suppress(RegimeError):
        wait = procurement.further_wait_ends(RuleContext(_regime(d), day), day)
    return _step(
        request,
        org,
        d,
        action="review_representations",
        template="review.jinja",
        form=form,
        write=lambda data: arranging.review_representations(
            d,
            outcome=data["outcome"],
            decided_on=data["on"],
            reasons=data["reasons"],
            actor=actor(request),
            reason=why(request, d.reference),
        ),
        extra={
            "pending": list(d.representations.filter(outcome="").select_related("provider")),
            "wait_if_today": wait,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def award(request, code: str, reference: str):
    org = organisation(code)
    access.require(request, "award_contract", org.code)
    d = _decision(org, reference)
    form = _on_day(request, "The date the contract is entered into")
    return _step(
        request,
        org,
        d,
        action="award_contract",
        template="award.jinja",
        form=form,
        write=lambda data: arranging.award_contract(
            d,
            awarded_on=data["on"],
            actor=actor(request),
            reason=why(request, d.reference),
        ),
        extra={"earliest": selectors.earliest_award(d)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def publish_award_notice(request, code: str, reference: str):
    org = organisation(code)
    access.require(request, "publish_award_notice", org.code)
    d = _decision(org, reference)
    form = _on_day(request, "The date the notice is published")
    preview = (
        arranging.award_notice_content(d)
        if d.status == DecisionStatus.AWARDED and d.contract_id
        else []
    )
    return _step(
        request,
        org,
        d,
        action="publish_award_notice",
        template="award_notice.jinja",
        form=form,
        write=lambda data: arranging.publish_award_notice(
            d, published_on=data["on"], actor=actor(request), reason=why(request, d.reference)
        ),
        extra={"preview": preview},
    )


@login_required
@require_http_methods(["GET", "POST"])
def abandon(request, code: str, reference: str):
    org = organisation(code)
    access.require(request, "abandon", org.code)
    d = _decision(org, reference)
    day = today()
    form = AbandonForm(
        request.POST or None, initial={"on": day}, what="The date it is abandoned", today=day
    )
    return _step(
        request,
        org,
        d,
        action="abandon",
        template="abandon.jinja",
        form=form,
        write=lambda data: arranging.abandon(
            d,
            on=data["on"],
            reasons=data["reasons"],
            actor=actor(request),
            reason=why(request, d.reference),
        ),
    )


def modification_limits(contract: Contract, on: date) -> dict | None:
    """The figures the modification rules will hold the change to, for the form."""
    try:
        rule = RuleContext(regime_in_force_on(on), on).param("procurement.modification")
    except (RegimeError, AttributeError):
        return None
    if not rule:
        return None
    from fractions import Fraction

    from openics.kernel.money import Money

    ratio = Fraction(str(rule["ratio_limit"]))
    original = contract.original_lifetime_value
    return {
        "original": original,
        "current": contract.lifetime_value,
        "so_far": contract.lifetime_value - original,
        "value_limit": Money(int(rule["value_limit_pence"])),
        "ratio": procurement.percent(ratio.numerator * 100, ratio.denominator * 100),
        "ratio_of_original": Money(int(ratio * original.pence)),
        "notice_threshold": Money(int(rule["notice_threshold_pence"])),
        "basis": rule["basis"],
        "lenient": rule.get("lenient_for", []),
    }


@login_required
@require_http_methods(["GET", "POST"])
def modify(request, code: str, reference: str):
    org = organisation(code)
    access.require(request, "modify_contract", org.code)
    d = _decision(org, reference)
    day = today()
    form = ModificationForm(
        request.POST or None, initial={"on": day}, what="The date of the modification", today=day
    )
    if d.contract_id is None:
        return _decision_page(
            request,
            org,
            d,
            extra={"errors": [{"text": f"{d.reference} has no contract yet to modify"}]},
            status=400 if request.method == "POST" else 200,
        )
    contract = d.contract
    return _step(
        request,
        org,
        d,
        action="modify_contract",
        template="modify.jinja",
        form=form,
        write=lambda data: arranging.modify_contract(
            contract,
            reference=data["reference"],
            decided_on=data["on"],
            grounds=data["grounds"],
            description=data["description"],
            value_change=data["value_change"],
            new_end=data["new_end"],
            materially_different=data["materially_different"],
            successor_meets_basic_selection=data["successor_meets_basic_selection"],
            urgent=data["urgent"],
            actor=actor(request),
            reason=why(request, data["reference"]),
        ),
        extra={"limits": modification_limits(contract, day), "contract": contract},
    )


@login_required
@require_http_methods(["GET", "POST"])
def publish_modification_notice(request, code: str, reference: str, modification: str):
    org = organisation(code)
    access.require(request, "publish_modification_notice", org.code)
    d = _decision(org, reference)
    m = Modification.objects.filter(contract__decision=d, reference=modification).first()
    if m is None:
        raise Http404(f"{d.reference} has no modification {modification}")
    form = _on_day(request, "The date the notice is published")
    return _step(
        request,
        org,
        d,
        action="publish_modification_notice",
        template="modification_notice.jinja",
        form=form,
        write=lambda data: arranging.publish_modification_notice(
            m, published_on=data["on"], actor=actor(request), reason=why(request, m.reference)
        ),
        extra={"m": m},
    )
