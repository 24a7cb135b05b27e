"""Registry files uploaded in the workspace (issue 17): the practice file and an ODS file are
checked first, with a preview of what they would create and change and nothing written, and
applied only when confirmed; a bad ODS line is refused with its line."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openics.core.audit import Actor
from openics.core.models import RoleAssignment, Upload, UploadStatus
from openics.core.roles import Role
from openics.organisations.models import Organisation
from openics.population.importers import import_practice_file
from tests.builders import many_practices, practice_file
from tests.integration.test_ods_import import _ods_line
from tests.integration.test_successions import _files, registry  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
ACTOR = Actor.process("test-import")


@pytest.fixture
def admin(client, django_user_model, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    import_practice_file(
        practice_file(many_practices(2)), source_name="2025_2026.csv", actor=ACTOR, reason="test"
    )
    user = django_user_model.objects.create_user(username="admin", password="x-12345678")
    RoleAssignment.objects.create(user=user, role=Role.ADMINISTRATOR.value, organisation_code="QUA")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user


def _upload(client, kind: str, name: str, data: bytes):
    client.post(
        "/workspace/QUA/uploads/new/",
        {"kind": kind, "file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )
    return Upload.objects.get(source_name=name)


def test_a_practice_file_is_previewed_then_applied(client, admin):
    held = Organisation.objects.filter(kind="gp_practice").count()
    upload = _upload(client, "practice-file", "2025_2026.csv", practice_file(many_practices(3)))
    assert upload.status == UploadStatus.CHECKED
    assert upload.outcome["counts"]["created"] >= 1
    page = client.get(f"/workspace/QUA/uploads/{upload.pk}/").content.decode()
    assert "What it would change" in page and "created" in page
    assert Organisation.objects.filter(kind="gp_practice").count() == held  # nothing yet
    client.post(f"/workspace/QUA/uploads/{upload.pk}/confirm/")
    upload.refresh_from_db()
    assert upload.status == UploadStatus.APPLIED
    assert Organisation.objects.filter(kind="gp_practice").count() == held + 1


def test_an_ods_file_is_previewed_and_a_bad_one_refused_by_line(client, admin):
    good = _ods_line("RNA", "THE DUDLEY GROUP NHS FOUNDATION TRUST", "QUA").encode() + b"\n"
    upload = _upload(client, "ods", "etr.csv", good)
    assert upload.status == UploadStatus.CHECKED, upload.outcome
    assert upload.outcome["counts"]["created"] >= 1  # the trust (and any link it makes)
    assert not Organisation.objects.filter(code="RNA").exists()
    bad = good + _ods_line("RBK", "WALSALL HEALTHCARE NHS TRUST", "QZZ").encode() + b"\n"
    refused = _upload(client, "ods", "etr-bad.csv", bad)
    assert refused.status == UploadStatus.REJECTED
    assert [e["line"] for e in refused.outcome["errors"]] == [2]
    client.post(f"/workspace/QUA/uploads/{upload.pk}/confirm/")
    assert Organisation.objects.filter(code="RNA").exists()


def test_successions_are_several_files_previewed_then_applied(
    client,
    registry,  # noqa: F811 (the fixture imported above)
    django_user_model,
    settings,
    tmp_path,
):
    settings.VAR_DIR = tmp_path
    user = django_user_model.objects.create_user(username="admin", password="x-12345678")
    RoleAssignment.objects.create(user=user, role=Role.ADMINISTRATOR.value, organisation_code="")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    files = [SimpleUploadedFile(name, data, content_type="text/csv") for name, data in _files()]
    client.post("/workspace/QUA/uploads/new/", {"kind": "successions", "file": files})
    upload = Upload.objects.get(kind="successions")
    assert upload.status == UploadStatus.CHECKED, upload.outcome
    assert upload.outcome["counts"]["closed"] == 12
    assert Organisation.objects.get(kind="icb", code="QNQ").active_to is None  # not yet
    client.post(f"/workspace/QUA/uploads/{upload.pk}/confirm/")
    upload.refresh_from_db()
    assert upload.status == UploadStatus.APPLIED
    assert Organisation.objects.get(kind="icb", code="QNQ").active_to == date(2026, 3, 31)


def test_a_payments_upload_cannot_be_several_files(client, admin, django_user_model):
    user = django_user_model.objects.create_user(username="fin", password="x-12345678")
    RoleAssignment.objects.create(user=user, role=Role.FINANCE.value, organisation_code="QUA")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    two = [SimpleUploadedFile(f"p{n}.csv", b"x", content_type="text/csv") for n in (1, 2)]
    answer = client.post("/workspace/QUA/uploads/new/", {"kind": "payments", "file": two})
    assert answer.status_code == 400 and "is one file" in answer.content.decode()
    assert not Upload.objects.exists()
