"""The task queue through its database backend (ADR 0022), as `openics serve` and
`openics worker` run it: an upload waits in the queue, with its progress on the page, until a
worker step checks it; once confirmed it waits again until a worker step applies it."""

from datetime import date

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from openics.cli import main
from openics.core.models import RoleAssignment, Upload, UploadStatus
from openics.core.roles import Role
from openics.ledger import services as books
from openics.ledger.models import PaymentLine
from tests.ledger_world import ACTOR, START, build_world, contract, fund_place, pounds

# The worker commits as it goes (and closes a connection left inside a transaction), as in
# production, so these tests run outside the test case's wrapping transaction.
pytestmark = pytest.mark.django_db(transaction=True)
CSV = b"contract,invoice,date_paid,amount\nC-1,P1,2025-04-30,100.00\nC-1,P2,2025-05-31,50.00\n"


@pytest.fixture
def queued(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.VAR_DIR = tmp_path
    world = build_world()
    deal = contract(world, reference="C-1", start=START, end=date(2026, 3, 31))
    books.commit(
        contract=deal, source=fund_place(world, "£1,000.00"), amount=pounds("£500.00"),
        on=START, actor=ACTOR, reason="test",
    )  # fmt: skip
    return world


def _worker_step() -> None:
    result = CliRunner().invoke(main, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "done" in result.output


def test_an_upload_waits_for_the_worker_then_is_checked_and_applied(
    client, queued, django_user_model
):
    user = django_user_model.objects.create_user(username="fin", password="x-12345678")
    RoleAssignment.objects.create(user=user, role=Role.FINANCE.value, organisation_code="QUA")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    answer = client.post(
        "/workspace/QUA/uploads/new/",
        {"kind": "payments", "file": SimpleUploadedFile("p.csv", CSV, content_type="text/csv")},
    )
    upload = Upload.objects.get()
    assert upload.status == UploadStatus.QUEUED
    task = DBTaskResult.objects.get(id=upload.task_id)
    assert task.status == "READY" and task.task_path == "openics.workspace.tasks.check_upload"
    page = client.get(answer.url).content.decode()
    assert "Waiting to be checked" in page and 'http-equiv="refresh"' in page
    assert "workspace/upload-progress" in page
    state = client.get(f"/workspace/QUA/uploads/{upload.pk}/progress.json").json()
    assert state["working"] is True and state["status"] == "queued"

    _worker_step()
    upload.refresh_from_db()
    assert upload.status == UploadStatus.CHECKED
    assert upload.outcome["counts"] == {"payments": 2} and upload.outcome["total"] == "£150.00"
    assert DBTaskResult.objects.get(id=upload.task_id).status == "SUCCESSFUL"
    assert not PaymentLine.objects.filter(invoice_number__in=["P1", "P2"]).exists()

    client.post(f"/workspace/QUA/uploads/{upload.pk}/confirm/")
    upload.refresh_from_db()
    assert upload.status == UploadStatus.CONFIRMED
    assert client.get(f"/workspace/QUA/uploads/{upload.pk}/progress.json").json()["working"]
    _worker_step()
    upload.refresh_from_db()
    assert upload.status == UploadStatus.APPLIED
    assert PaymentLine.objects.filter(invoice_number__in=["P1", "P2"]).count() == 2


def test_the_worker_refuses_to_run_when_tasks_are_not_queued_in_the_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    result = CliRunner().invoke(main, ["worker", "--once"])
    assert result.exit_code == 1 and "not queued in the database" in result.output


def test_serve_starts_a_worker_thread_only_for_the_database_queue(settings):
    from openics.cli.tasks import start_in_thread

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert start_in_thread() is None
