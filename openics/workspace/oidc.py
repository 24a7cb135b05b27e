"""Single sign-on by OpenID Connect, through mozilla-django-oidc: off unless
OPENICS_OIDC_CLIENT_ID is set (docs/deployment.md lists the variables).

A person signs in with their organisation's identity provider; OpenICS matches them to an
account by email address. Signing on never grants a role: roles are given with
`openics users grant`, so an unknown person who signs on can see only what the public sees.
Accounts are made on first sign-on only when OPENICS_OIDC_CREATE_USERS=1, and then through
the audited core service, never by the library itself."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from openics.core.audit import Actor

SIGN_ON = Actor.process("single-sign-on")


def enabled() -> bool:
    return bool(settings.OPENICS_OIDC_ENABLED)


def missing_settings() -> list[str]:
    """The variables a configured single sign-on still lacks."""
    if not enabled():
        return []
    wanted = {
        "OPENICS_OIDC_CLIENT_SECRET": settings.OIDC_RP_CLIENT_SECRET,
        "OPENICS_OIDC_AUTHORIZATION_URL": settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        "OPENICS_OIDC_TOKEN_URL": settings.OIDC_OP_TOKEN_ENDPOINT,
        "OPENICS_OIDC_USERINFO_URL": settings.OIDC_OP_USER_ENDPOINT,
    }
    if settings.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")):
        wanted["OPENICS_OIDC_JWKS_URL"] = settings.OIDC_OP_JWKS_ENDPOINT
    return [name for name, value in wanted.items() if not value]


class StaffSignOn(OIDCAuthenticationBackend):
    """Matches the identity provider's verified email to one active account."""

    def authenticate(self, request, **kwargs):
        if not enabled():
            return None
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def get_username(self, claims) -> str:
        return (claims.get("preferred_username") or claims["email"]).strip()[:150]

    def create_user(self, claims):
        from openics.core.services import create_user

        return create_user(
            username=self.get_username(claims),
            email=claims["email"].strip(),
            actor=SIGN_ON,
            reason="first sign-in by single sign-on; no role until an administrator grants one",
        )

    def update_user(self, user, claims):
        return user  # OpenICS keeps its own record of people; sign-on changes nothing


class SignOnStart(OIDCAuthenticationRequestView):
    def get(self, request):
        if not enabled():
            raise Http404("Single sign-on is not set up on this installation.")
        return super().get(request)


class SignOnReturn(OIDCAuthenticationCallbackView):
    def get(self, request):
        if not enabled():
            raise Http404("Single sign-on is not set up on this installation.")
        return super().get(request)
