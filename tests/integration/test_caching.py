"""Public answers are computed once per data version and a client computing too many
expensive ones is told to wait: config.caching, core.versions."""

import pytest
from django.core.cache import cache

from openics.config import caching
from openics.core.audit import Actor
from openics.core.versions import current_version
from openics.organisations import lifecycle
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.process("test-suite")


@pytest.fixture
def kept(settings, tmp_path):
    settings.OPENICS_PAGE_CACHE = True
    settings.VAR_DIR = tmp_path
    cache.clear()
    yield tmp_path
    cache.clear()


def _trust(code="RZZ", name="Quayside Hospitals NHS Trust"):
    return OrganisationFactory(kind="nhs_trust", code=code, name=name)


def test_each_write_service_moves_the_version_once_and_a_refusal_does_not():
    trust = _trust()
    start = current_version()
    lifecycle.rename(organisation=trust, name="Harbour Hospitals", actor=SYSTEM, reason="test")
    assert current_version() == start + 1
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.rename(organisation=trust, name="  ", actor=SYSTEM, reason="test")
    assert current_version() == start + 1


def test_a_page_is_kept_until_a_service_changes_the_data(client, kept):
    trust = _trust()
    page = f"/organisations/nhs_trust/{trust.code}/"
    first = client.get(page)
    assert first.status_code == 200 and b"Quayside Hospitals" in first.content
    version = first[caching.VERSION_HEADER]

    trust.name = "Changed Behind The Services"  # not through a service: the version stays
    trust.save()
    again = client.get(page)
    assert again[caching.VERSION_HEADER] == version
    assert b"Quayside Hospitals" in again.content  # the kept answer, not a new one

    lifecycle.rename(organisation=trust, name="Harbour Hospitals", actor=SYSTEM, reason="test")
    after = client.get(page)
    assert int(after[caching.VERSION_HEADER]) == int(version) + 1
    assert b"Harbour Hospitals" in after.content and b"Quayside" not in after.content


def test_a_kept_answer_is_read_from_its_file_by_another_process(
    client, kept, django_assert_num_queries
):
    trust = _trust()
    page = f"/organisations/nhs_trust/{trust.code}/"
    first = client.get(page)
    cache.clear()  # as a second server process, with nothing in its memory, would be
    with django_assert_num_queries(1):  # the data version, and nothing else
        second = client.get(page)
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["X-Content-Type-Options"] == "nosniff"  # the headers are kept too


def test_a_large_answer_is_streamed_from_a_file(client, kept, monkeypatch):
    monkeypatch.setattr(caching, "LARGEST_IN_MEMORY", 100)
    trust = _trust()
    page = f"/organisations/nhs_trust/{trust.code}/"
    first = client.get(page)
    assert first.streaming
    body = b"".join(first.streaming_content)
    assert b"Quayside Hospitals" in body
    files = sorted(p.suffix for p in (kept / "cache" / "answers").iterdir())
    assert ".body" in files and ".json" in files


def test_answers_of_an_earlier_version_are_cleared_away(client, kept):
    trust = _trust()
    client.get(f"/organisations/nhs_trust/{trust.code}/")
    lifecycle.rename(organisation=trust, name="Harbour Hospitals", actor=SYSTEM, reason="test")
    client.get(f"/organisations/nhs_trust/{trust.code}/")
    names = [p.name for p in (kept / "cache" / "answers").glob("*.body")]
    assert len(names) == 1 and names[0].startswith(f"openics_page_{current_version()}_")


def test_signed_in_people_and_private_addresses_are_never_kept(client, kept):
    trust = _trust()
    page = f"/organisations/nhs_trust/{trust.code}/"
    client.cookies["sessionid"] = "someone"
    assert caching.VERSION_HEADER not in client.get(page)
    del client.cookies["sessionid"]
    assert caching.VERSION_HEADER in client.get(page)
    assert not (kept / "cache" / "answers").exists() or all(
        "workspace" not in p.name for p in (kept / "cache" / "answers").iterdir()
    )


def test_an_error_is_not_kept(client, kept):
    missing = client.get("/organisations/nhs_trust/NOPE/")
    assert missing.status_code == 404
    assert caching.VERSION_HEADER not in missing


@pytest.fixture
def limited(settings):
    settings.OPENICS_RATE_LIMIT = (3, 60)
    cache.clear()
    yield
    cache.clear()


def test_a_client_computing_too_many_expensive_answers_is_told_to_wait(client, limited):
    for _ in range(3):
        assert client.get("/money/follow/").status_code == 200
    refused = client.get("/money/follow/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert b"Too many requests" in refused.content
    other = client.get("/money/follow/", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200  # another client has its own allowance
    assert client.get("/boards/").status_code == 200  # cheap pages are not limited
    api = client.get("/api/ledger/trace?start=nhse&year=2025-26")
    assert api.status_code == 429 and "Too many requests" in api.json()["detail"]


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance(
    client, limited, settings
):
    settings.OPENICS_TRUSTED_PROXIES = ["127.0.0.1"]
    for n in range(5):
        answer = client.get("/money/follow/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert answer.status_code == 200
    settings.OPENICS_TRUSTED_PROXIES = []  # an untrusted peer cannot pick its own address
    answers = [
        client.get("/money/follow/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert answers.count(429) >= 2


def test_answers_from_the_cache_do_not_count_against_the_allowance(client, limited, kept):
    answers = [client.get("/money/follow/").status_code for _ in range(10)]
    assert answers == [200] * 10
