"""The workspace's background tasks (ADR 0022): each takes an upload's id, so the file
travels through var/uploads/, not through the queue. Queued in the database and run by the
worker `openics serve` starts, or by `openics worker`."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from openics.core import uploads as kept
from openics.core.models import Upload, UploadStatus
from openics.workspace import uploads


def _failed(upload: Upload, exc: BaseException) -> None:
    kept.set_status(
        upload,
        UploadStatus.FAILED,
        outcome={
            "message": f"the task stopped on an error ({type(exc).__name__}); nothing was written",
            "errors": [],
        },
    )
    kept.report_progress(upload.pk, "Failed")


@task()
def check_upload(upload_id: str) -> str:
    upload = Upload.objects.select_related("uploaded_by").get(pk=upload_id)
    if upload.status != UploadStatus.QUEUED:
        return upload.status  # already checked (a task run twice does nothing twice)
    try:
        return uploads.check(upload)
    except Exception as exc:
        _failed(upload, exc)
        raise


@task()
def apply_upload(upload_id: str, user_id: int) -> str:
    upload = Upload.objects.get(pk=upload_id)
    if upload.status != UploadStatus.CONFIRMED:
        return upload.status
    user = get_user_model().objects.get(pk=user_id)
    try:
        return uploads.apply(upload, user)
    except Exception as exc:
        _failed(upload, exc)
        raise
