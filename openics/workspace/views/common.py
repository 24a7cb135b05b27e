"""What every workspace page shares: the organisation in the address, the person signed in,
rendering with the error summary, and turning a service's refusal into its reasons."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from openics.core.audit import Actor, Refused
from openics.core.rules import roles_of
from openics.governance.models import Person
from openics.organisations.models import Organisation
from openics.workspace import access
from openics.workspace.forms import DayField


def organisation(code: str) -> Organisation:
    found = Organisation.objects.exclude(kind="place").filter(code=code.upper()).first()
    if found is None:
        raise Http404(f"no organisation has the code {code}")
    return found


def person_of(user) -> Person | None:
    """The person on the register this account is (their key is the account's username)."""
    return Person.objects.filter(slug=user.get_username()).first()


def actor(request) -> Actor:
    """Every write from the workspace is recorded as the person who signed in."""
    return Actor.person(request.user)


def today():
    return timezone.localdate()


def page(request, template: str, context: dict, *, org=None, status: int = 200):
    """Renders a workspace page; `form` and `refusals` in the context feed the error summary.
    A form sent back with errors or refusals answers 400 (bad input is a 4xx, never a 200 that
    looks like success to a script), unless the view chose a status itself."""
    context = dict(context)
    context.setdefault("refusals", [])
    if (
        request.method == "POST"
        and status == 200
        and (context.get("errors") or context["refusals"])
    ):
        status = 400
    if org is not None:
        context["org"] = org
        context["can"] = {
            a.name: access.allowed(request.user, a.name, org.code) for a in access.ACTIONS
        }
        context["roles"] = sorted(
            r.label for r in roles_of(request.user, org.code) if r.value != "public"
        )
    return render(request, f"workspace/{template}", context, status=status)


def why(request, what: str) -> str:
    """The reason every workspace write gives its service, for the audit entry."""
    return f"{what}: recorded by {request.user.get_username()} in the workspace"


def attempt(request, form, write) -> tuple[bool, list[str]]:
    """On a POST whose form is valid, calls `write(cleaned_data)`: (True, []) when it was
    written, (False, the service's reasons) when it was refused, for the error summary; on a
    GET or an invalid form, (False, [])."""
    if request.method != "POST" or not form.is_valid():
        return False, []
    try:
        write(form.cleaned_data)
    except Refused as exc:
        return False, list(exc.reasons)
    return True, []


def error_list(form, refusals=()) -> list[dict]:
    """The error summary's lines: each form error linked to its field, then each refusal."""
    items = []
    if form is not None:
        for name, errors in form.errors.items():
            anchor = f"#{name}-day" if isinstance(form.fields.get(name), DayField) else f"#{name}"
            for error in errors:
                items.append({"text": error, "href": anchor if name != "__all__" else None})
    items += [{"text": reason} for reason in refusals]
    return items


workspace_view = login_required
