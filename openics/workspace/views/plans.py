"""Plans, capital and people in the workspace: an officer enters a plan's aims and records
how a decision had regard to the strategy, finance adds a scheme to the capital plan, and an
officer records staff who moved between bodies. Each write calls the context's service as
the person signed in; a refusal is shown in the error summary."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from openics.allocation.models import PlaceAllocationRun
from openics.arranging.models import SelectionDecision
from openics.capital import services as capital
from openics.governance.models import AgendaItem
from openics.organisations import lifecycle
from openics.plans import selectors as plan_selectors
from openics.plans import services as plan_services
from openics.plans.models import Aim, PlanDocument
from openics.workspace import access
from openics.workspace.forms import AimForm, RegardForm, SchemeForm, TransferForm
from openics.workspace.views.common import (
    actor,
    attempt,
    error_list,
    organisation,
    page,
    why,
    workspace_view,
)


def _form_page(request, org, template, form, refusals, **extra):
    context = {"form": form, "errors": error_list(form, refusals), **extra}
    return page(request, template, context, org=org)


@workspace_view
def plans(request, code: str):
    """The ICB's plan documents, to choose one to enter aims on."""
    org = organisation(code)
    return page(
        request,
        "plans/plans.jinja",
        {
            "documents": list(PlanDocument.objects.filter(icb=org).order_by("kind", "reference")),
            "gaps": plan_selectors.regard_gaps(org),
        },
        org=org,
    )


@workspace_view
@require_http_methods(["GET", "POST"])
def add_aim(request, code: str, reference: str):
    org = organisation(code)
    access.require(request, "add_aim", org.code)
    document = PlanDocument.objects.filter(icb=org, reference=reference).first()
    if document is None:
        raise Http404(f"{org.name} has no plan document {reference}")
    form = AimForm(request.POST or None)
    written, refusals = attempt(
        request,
        form,
        lambda data: plan_services.add_aim(
            document=document, **data, actor=actor(request), reason=why(request, "aim entered")
        ),
    )
    if written:
        return redirect(reverse("plans") + f"?icb={org.code}#aims")
    return _form_page(request, org, "plans/aim_new.jinja", form, refusals, document=document)


def _decisions(org) -> dict[str, tuple[str, dict]]:
    """Every decision of the ICB an aim can be cited for, keyed as the form's choices."""
    found: dict[str, tuple[str, dict]] = {}
    for d in SelectionDecision.objects.filter(commissioner=org).order_by("reference"):
        found[f"selection:{d.reference}"] = (
            f"Provider selection {d.reference}: {d.title}",
            {"decision": d},
        )
    for run in PlaceAllocationRun.objects.filter(icb=org, status="approved").order_by(
        "financial_year", "line"
    ):
        found[f"place:{run.pk}"] = (
            f"Place budgets: {run.get_line_display()} {run.financial_year}",
            {"place_budget": run},
        )
    items = AgendaItem.objects.filter(
        meeting__board__organisation=org, status="decided", kind__in=["decision", "reconfiguration"]
    ).select_related("meeting__board")
    for item in items.order_by("meeting__held_on", "number"):
        found[f"item:{item.pk}"] = (
            f"{item.meeting.board.name}, {item.meeting.held_on}, item {item.number}: {item.title}",
            {"agenda_item": item},
        )
    return found


@workspace_view
@require_http_methods(["GET", "POST"])
def record_regard(request, code: str):
    org = organisation(code)
    access.require(request, "record_regard", org.code)
    decisions = _decisions(org)
    aims = {str(a.pk): a for a in Aim.objects.filter(document__icb=org).select_related("document")}
    form = RegardForm(
        request.POST or None,
        initial={"decision": request.GET.get("decision", "")},
        decisions=[(key, label) for key, (label, _) in decisions.items()],
        aims=[(pk, f"{a.reference}: {a.aim}") for pk, a in aims.items()],
    )
    written, refusals = attempt(
        request,
        form,
        lambda data: plan_services.cite_aim(
            aim=aims[data["aim"]],
            how_regard=data["how_regard"],
            **decisions[data["decision"]][1],
            actor=actor(request),
            reason=why(request, "regard"),
        ),
    )
    if written:
        return redirect(reverse("plans") + f"?icb={org.code}#aims")
    return _form_page(request, org, "plans/regard.jinja", form, refusals)


@workspace_view
@require_http_methods(["GET", "POST"])
def plan_scheme(request, code: str):
    org = organisation(code)
    access.require(request, "plan_scheme", org.code)
    form = SchemeForm(request.POST or None)
    written, refusals = attempt(
        request,
        form,
        lambda data: capital.plan_scheme(
            icb=org, **data, actor=actor(request), reason=why(request, "capital scheme")
        ),
    )
    if written:
        return redirect(reverse("money:capital") + f"?icb={org.code}")
    return _form_page(request, org, "plans/scheme_new.jinja", form, refusals)


@workspace_view
@require_http_methods(["GET", "POST"])
def transfer_staff(request, code: str):
    org = organisation(code)
    access.require(request, "transfer_staff", org.code)
    form = TransferForm(request.POST or None)
    written, refusals = attempt(
        request,
        form,
        lambda data: lifecycle.transfer_staff(
            **data, actor=actor(request), reason=why(request, "staff transfer")
        ),
    )
    if written:
        return redirect(reverse("people:people") + "#transfers")
    return _form_page(request, org, "plans/transfer_new.jinja", form, refusals)
