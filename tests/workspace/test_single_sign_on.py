"""Optional single sign-on by OpenID Connect: off by default, and when set up it sends a
person to their identity provider, matches them to an account by email, and never grants
a role by itself (workspace/oidc.py)."""

from urllib.parse import parse_qs, urlparse

import pytest

from openics.config.deployment import refusals
from openics.core.models import AuditEntry
from openics.workspace.oidc import StaffSignOn, missing_settings

pytestmark = pytest.mark.django_db

PROVIDER = "https://login.example.nhs.uk/oauth2"


@pytest.fixture
def sign_on(settings):
    settings.OPENICS_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "openics-test"
    settings.OIDC_RP_CLIENT_SECRET = "not-a-real-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{PROVIDER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{PROVIDER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{PROVIDER}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{PROVIDER}/keys"
    return settings


def test_it_is_off_unless_configured(client):
    assert b"data-single-sign-on" not in client.get("/sign-in/").content
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404
    assert StaffSignOn().authenticate(None, username="a", password="b") is None


def test_when_configured_the_sign_in_page_offers_it_and_it_goes_to_the_provider(client, sign_on):
    page = client.get("/sign-in/").content.decode()
    assert "data-single-sign-on" in page and "/oidc/authenticate/" in page
    answer = client.get("/oidc/authenticate/")
    assert answer.status_code == 302
    target = urlparse(answer["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{PROVIDER}/authorize"
    asked = parse_qs(target.query)
    assert asked["client_id"] == ["openics-test"] and asked["response_type"] == ["code"]
    assert asked["redirect_uri"][0].endswith("/oidc/callback/")
    assert asked["state"] and asked["nonce"]  # checked again when the provider returns


def test_a_person_is_matched_by_email_and_given_no_role(sign_on, django_user_model):
    known = django_user_model.objects.create_user("ada", email="Ada.Example@nhs.net")
    backend = StaffSignOn()
    matched = backend.filter_users_by_claims({"email": "ada.example@nhs.net"})
    assert list(matched) == [known]
    assert not backend.verify_claims({"email": "x@nhs.net", "email_verified": False})
    assert list(backend.filter_users_by_claims({"sub": "no-email"})) == []
    made = backend.create_user({"email": "new.person@nhs.net", "preferred_username": "np"})
    assert made.username == "np" and not made.role_assignments.exists()
    entry = AuditEntry.objects.get(action="core.create_user", object_id=str(made.pk))
    assert entry.actor_system == "single-sign-on" and "no role" in entry.reason
    assert "new.person@nhs.net" not in str(entry.after)  # no contact details in the audit


def test_a_half_configured_sign_on_refuses_to_serve(settings, monkeypatch):
    monkeypatch.delenv("OPENICS_DEMO", raising=False)
    settings.DEMO = False
    settings.SECRET_KEY = "x" * 60
    settings.OPENICS_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_SECRET = ""
    settings.OIDC_OP_TOKEN_ENDPOINT = ""
    assert "OPENICS_OIDC_CLIENT_SECRET" in missing_settings()
    assert any("single sign-on is switched on" in problem for problem in refusals())
