"""The workspace's security: CSRF on every form, the headers on every response, lock-out
after five wrong passwords, passwords hashed with Argon2, and no personal data in the
sign-in logs."""

import logging
import re
from pathlib import Path

import pytest
from django.test import Client

from openics.config import settings as production
from openics.core.roles import Role
from openics.workspace.security import client_str

ROOT = Path(__file__).resolve().parents[2]


def test_a_post_without_its_csrf_token_is_refused(world, account):
    strict = Client(enforce_csrf_checks=True)
    user = account(Role.BOARD_SECRETARY)
    strict.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = "/workspace/QXX/boards/qxx-board/meetings/new/"
    form = strict.get(url)
    assert 'name="csrfmiddlewaretoken"' in form.content.decode()
    refused = strict.post(url, {"held_on-day": "1", "held_on-month": "6", "held_on-year": "2026"})
    assert refused.status_code == 403
    assert "security token" in refused.content.decode()
    assert not world.board.meetings.exists()
    token = strict.cookies["csrftoken"].value
    accepted = strict.post(
        url,
        {"held_on-day": "1", "held_on-month": "6", "held_on-year": "2026"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert accepted.status_code == 302 and world.board.meetings.count() == 1


def test_the_sign_in_form_needs_its_token_too(db):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/sign-in/", {"username": "x", "password": "y"}).status_code == 403


@pytest.mark.parametrize("url", ["/", "/boards/", "/sign-in/"])
def test_every_response_carries_a_strict_policy(client, db, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_https_turns_on_hsts_and_secure_cookies(monkeypatch):
    import importlib

    monkeypatch.setenv("OPENICS_HTTPS", "1")
    try:
        reloaded = importlib.reload(production)
        assert reloaded.SECURE_HSTS_SECONDS >= 31_536_000
        assert reloaded.SESSION_COOKIE_SECURE and reloaded.CSRF_COOKIE_SECURE
        assert reloaded.SESSION_COOKIE_HTTPONLY
    finally:
        monkeypatch.delenv("OPENICS_HTTPS")
        reloaded = importlib.reload(production)
    assert reloaded.SECURE_HSTS_SECONDS == 0 and not reloaded.SESSION_COOKIE_SECURE


def test_passwords_are_hashed_with_argon2_and_checked_by_the_validators():
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    names = {v["NAME"].rsplit(".", 1)[-1] for v in production.AUTH_PASSWORD_VALIDATORS}
    assert {"MinimumLengthValidator", "CommonPasswordValidator"} <= names
    assert production.SESSION_COOKIE_AGE <= 12 * 3600 and production.DEBUG is False


def test_five_wrong_passwords_lock_the_account(client, django_user_model, caplog):
    django_user_model.objects.create_user(username="alice-example", password="right-horse-9")
    caplog.set_level(logging.INFO)
    for _ in range(4):
        wrong = client.post("/sign-in/", {"username": "alice-example", "password": "wrong"})
        assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    fifth = client.post("/sign-in/", {"username": "alice-example", "password": "wrong"})
    assert fifth.status_code == 429 and "locked" in fifth.content.decode()
    # Now even the right password is refused.
    right = client.post("/sign-in/", {"username": "alice-example", "password": "right-horse-9"})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # The logs never name the account or the address.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "AXES" in logged
    assert "alice-example" not in logged and "127.0.0.1" not in logged


def test_a_right_password_signs_in_and_out(client, django_user_model):
    django_user_model.objects.create_user(username="bob-example", password="right-horse-9")
    response = client.post("/sign-in/", {"username": "bob-example", "password": "right-horse-9"})
    assert response.status_code == 302 and response.url == "/workspace/"
    assert client.get("/sign-out/").status_code == 405  # signing out is a POST
    assert client.post("/sign-out/").status_code == 200
    assert client.get("/workspace/").status_code == 302


def test_the_log_names_an_account_only_by_a_keyed_pseudonym():
    line = client_str("alice-example", "10.1.2.3", "Firefox", "/sign-in/", None)
    assert "alice-example" not in line and "10.1.2.3" not in line and "Firefox" not in line
    assert line == client_str("Alice-Example", "10.9.9.9", "", "/sign-in/", None)


def test_signed_out_the_workspace_sends_you_to_sign_in_and_the_portal_stays_open(client, db):
    assert client.get("/workspace/").url == "/sign-in/?next=/workspace/"
    assert client.get("/workspace/QXX/").status_code == 302
    for url in ("/", "/boards/", "/organisations/", "/regimes/"):
        assert client.get(url).status_code == 200, url


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script> (no src)"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on…= event handler attribute"),
    (re.compile(r"javascript:", re.I), "a javascript: address"),
]


def test_no_template_has_inline_script_or_style():
    templates = sorted((ROOT / "openics").glob("*/jinja2/**/*.jinja"))
    assert len(templates) > 30
    found = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in templates
        for pattern, what in INLINE
        if pattern.search(path.read_text())
    ]
    assert found == []


def test_the_pages_the_portal_renders_have_no_inline_script_either(client, db):
    for url in ("/", "/boards/", "/sign-in/"):
        html = client.get(url).content.decode()
        for pattern, what in INLINE:
            assert not pattern.search(html), f"{url}: {what}"
