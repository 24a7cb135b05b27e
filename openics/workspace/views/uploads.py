"""Uploads in the workspace: a file is kept under var/uploads/ and checked in the background
(every bad row with its line, or a preview of what it would change), then applied only when
the person confirms, also in the background. The page shows the task's progress: a small
script asks for it every second, and without JavaScript the page refreshes itself."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from openics.core import uploads as kept
from openics.core.audit import Refused
from openics.core.models import Upload, UploadStatus
from openics.workspace import access, tasks
from openics.workspace.uploads import BY_NAME, KINDS
from openics.workspace.views.common import actor, organisation, page

FINAL = {UploadStatus.REJECTED, UploadStatus.APPLIED, UploadStatus.FAILED, UploadStatus.CHECKED}
MAX_BYTES = 200 * 1024 * 1024  # the largest published file we import is a tenth of this


def _allowed_kinds(request, org):
    return [k for k in KINDS if access.allowed(request.user, k.action, org.code)]


def _upload(request, org, upload_id) -> Upload:
    upload = (
        Upload.objects.filter(pk=upload_id, organisation_code=org.code)
        .select_related("uploaded_by")
        .first()
    )
    if upload is None or upload.kind not in BY_NAME:
        raise Http404("no such upload")
    access.require(request, BY_NAME[upload.kind].action, org.code)
    return upload


@login_required
def uploads(request, code: str):
    org = organisation(code)
    kinds = _allowed_kinds(request, org)
    if not kinds:
        raise PermissionDenied(f"your roles for {org.code} do not allow uploads")
    recent = Upload.objects.filter(
        organisation_code=org.code, kind__in=[k.name for k in kinds]
    ).select_related("uploaded_by")[:20]
    return page(request, "uploads/list.jinja", {"recent": list(recent), "kinds": kinds}, org=org)


@login_required
@require_http_methods(["GET", "POST"])
def new_upload(request, code: str):
    org = organisation(code)
    kinds = _allowed_kinds(request, org)
    if not kinds:
        raise PermissionDenied(f"your roles for {org.code} do not allow uploads")
    asked = request.POST.get("kind") or request.GET.get("kind") or ""
    errors: list[dict] = []
    if request.method == "POST":
        kind = BY_NAME.get(asked)
        if kind is None:
            errors.append({"text": "Choose what the file is", "href": f"#kind-{kinds[0].name}"})
        else:
            access.require(request, kind.action, org.code)
        files = request.FILES.getlist("file")
        if not files:
            errors.append({"text": "Choose the file to upload", "href": "#file"})
        elif kind is not None and len(files) > 1 and not kind.many_files:
            errors.append({"text": f"{kind.title} is one file; choose one", "href": "#file"})
        elif sum(f.size for f in files) > MAX_BYTES:
            errors.append({"text": "The upload is larger than 200 MB", "href": "#file"})
        if not errors:
            try:
                upload = kept.receive_upload(
                    kind=kind.name,
                    organisation_code=org.code,
                    files=[(f.name[:200], f.read()) for f in files],
                    user=request.user,
                    actor=actor(request),
                    reason=f"{kind.title} uploaded in the workspace to be checked",
                )
            except Refused as exc:
                errors += [{"text": reason, "href": "#file"} for reason in exc.reasons]
            else:
                queued = tasks.check_upload.enqueue(str(upload.pk))
                Upload.objects.filter(pk=upload.pk, task_id="").update(task_id=str(queued.id))
                return redirect("workspace:upload", code=org.code, upload=upload.pk)
    return page(
        request,
        "uploads/new.jinja",
        {"kinds": kinds, "asked": asked, "errors": errors},
        org=org,
        status=400 if errors else 200,
    )


def _state(upload: Upload) -> dict:
    progress = kept.progress_of(upload.pk)
    done, total = progress.get("done"), progress.get("total")
    percent = min(100, round(100 * done / total)) if done is not None and total else None
    return {
        "status": upload.status,
        "label": UploadStatus(upload.status).label,
        "stage": progress.get("stage") or "Waiting for the worker to start",
        "done": done,
        "total": total,
        "percent": percent,
        "working": upload.status not in FINAL,
    }


@login_required
def upload(request, code: str, upload: str):
    org = organisation(code)
    found = _upload(request, org, upload)
    return page(
        request,
        "uploads/upload.jinja",
        {"upload": found, "kind": BY_NAME[found.kind], "state": _state(found)},
        org=org,
    )


@login_required
def progress(request, code: str, upload: str):
    org = organisation(code)
    return JsonResponse(_state(_upload(request, org, upload)))


@login_required
@require_POST
def confirm(request, code: str, upload: str):
    org = organisation(code)
    found = _upload(request, org, upload)
    claimed = Upload.objects.filter(pk=found.pk, status=UploadStatus.CHECKED).update(
        status=UploadStatus.CONFIRMED, applied_by=request.user
    )
    if not claimed:
        return page(
            request,
            "uploads/upload.jinja",
            {
                "upload": found,
                "kind": BY_NAME[found.kind],
                "state": _state(found),
                "errors": [{"text": f"This upload is {found.get_status_display().lower()}; "
                            "only a checked upload can be applied"}],
            },
            org=org,
            status=409,
        )  # fmt: skip
    kept.report_progress(found.pk, "Waiting for the worker to start")
    tasks.apply_upload.enqueue(str(found.pk), request.user.pk)
    return redirect("workspace:upload", code=org.code, upload=found.pk)
