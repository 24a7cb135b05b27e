"""Signing in and out. django-axes counts each failed sign-in and, at the fifth wrong
password for one account, answers with the locked-out page instead."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from openics.workspace import oidc
from openics.workspace.views.common import error_list


def _next(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return "/workspace/"


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next(request))
    form = AuthenticationForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        return redirect(_next(request))
    errors = []
    if form.is_bound and not form.is_valid():
        errors = [
            {"text": "Enter your username and password", "href": "#username"}
            if form.errors.get("username") or form.errors.get("password")
            else {"text": "The username or password is not right", "href": "#username"}
        ]
    return render(
        request,
        "workspace/sign_in.jinja",
        {
            "form": form,
            "errors": errors or error_list(None),
            "next": _next(request),
            "username": request.POST.get("username", ""),
            "single_sign_on": oidc.enabled(),
            "sign_on_failed": request.GET.get("single-sign-on") == "failed",
        },
        status=200,
    )


@require_POST
def sign_out(request):
    logout(request)
    return render(request, "workspace/signed_out.jinja", {})
