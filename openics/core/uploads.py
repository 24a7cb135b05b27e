"""Files uploaded in the workspace, kept under var/uploads/<id>/ between requests (never in
the web process's memory), and the progress a background task reports while it works.

Progress is a small JSON file beside the upload, written by replacing it whole, outside any
database transaction: an import holds its transaction open until it commits or is rolled
back, so a row updated inside it could not be seen by the page asking how far it has got.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

from openics.core.audit import Auditor, Refused, service
from openics.core.models import Upload

MANIFEST = "manifest.json"
PROGRESS = "progress.json"


def folder(upload_id) -> Path:
    return Path(settings.VAR_DIR) / "uploads" / str(upload_id)


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out)
    os.replace(name, path)


@service("core.receive_upload")
def receive_upload(
    *, kind: str, organisation_code: str, files: list[tuple[str, bytes]], user, audit: Auditor
) -> Upload:
    """Keeps the files under var/uploads/ and records who uploaded what, to be checked."""
    if not files or not any(data for _, data in files):
        raise Refused("the upload holds no file, or only empty ones", asked={"kind": kind})
    digest = hashlib.sha256()
    for _, data in files:
        digest.update(data)
    upload = Upload(
        kind=kind,
        organisation_code=organisation_code,
        source_name=", ".join(name for name, _ in files)[:255],
        sha256=digest.hexdigest(),
        size=sum(len(data) for _, data in files),
        uploaded_by=user,
    )
    where = folder(upload.pk)
    where.mkdir(parents=True, exist_ok=True)
    names = []
    for n, (name, data) in enumerate(files):
        (where / f"{n}.upload").write_bytes(data)
        names.append(name)
    _write_json(where / MANIFEST, {"names": names})
    upload.save()
    audit.created(upload)
    return upload


def files_of(upload: Upload) -> list[tuple[str, bytes]]:
    """The files as they were uploaded, with their names."""
    where = folder(upload.pk)
    names = json.loads((where / MANIFEST).read_text(encoding="utf-8"))["names"]
    return [(name, (where / f"{n}.upload").read_bytes()) for n, name in enumerate(names)]


def report_progress(upload_id, stage: str, done: int | None = None, total: int | None = None):
    _write_json(folder(upload_id) / PROGRESS, {"stage": stage, "done": done, "total": total})


def progress_of(upload_id) -> dict:
    try:
        return json.loads((folder(upload_id) / PROGRESS).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {"stage": "", "done": None, "total": None}


def set_status(upload: Upload, status: str, *, outcome=None, **fields) -> None:
    """The job's state (not the record: see Upload), saved at once so the page can see it."""
    upload.status = status
    if outcome is not None:
        upload.outcome = outcome
    for name, value in fields.items():
        setattr(upload, name, value)
    upload.save(update_fields=["status", "outcome", "updated_at", *fields])


def discard_files(upload: Upload) -> None:
    """Once applied or refused, the kept file is no longer needed (the ImportRun keeps its hash)."""
    shutil.rmtree(folder(upload.pk), ignore_errors=True)
