"""What the workspace's sign-in leaves in the logs, and the pages for a locked-out account
and a form sent without its CSRF token."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.shortcuts import render


def pseudonym(value: str) -> str:
    """A keyed hash of a username: the same account always gives the same 12 characters, so
    repeated failures can be followed in the logs, but the name cannot be read back."""
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, str(value or "").strip().lower().encode(), hashlib.sha256)
    return digest.hexdigest()[:12]


def client_str(username, ip_address, user_agent, path_info, request) -> str:
    """How django-axes names a client in its log lines: a pseudonym, never the username, the
    address or the browser (personal data under UK GDPR)."""
    path = path_info[0] if isinstance(path_info, (list, tuple)) else path_info
    return f"{{account: {pseudonym(username)}, path: {path}}}"


def locked_out(request, credentials=None, *args, **kwargs):
    """After five wrong passwords for one account: a page saying so, with status 429."""
    hours = settings.AXES_COOLOFF_TIME
    return render(
        request,
        "workspace/locked_out.jinja",
        {"hours": hours},
        status=429,
    )


def csrf_failure(request, reason: str = ""):
    """A form came back without its CSRF token (or with a stale one): refused, with a page
    that says what to do, not Django's debug page."""
    return render(request, "workspace/csrf_failure.jinja", {}, status=403)


def forbidden(request, exception=None):
    return render(request, "workspace/forbidden.jinja", {"why": str(exception or "")}, status=403)
