"""Uploads in the workspace: which files may be uploaded, who may upload each, and the two
steps every upload takes in the background (workspace.tasks): checked first, by running the
importer and rolling it back (core.imports.rehearse), so the person sees every bad row with
its line or a preview of what would change; then, once confirmed, applied for real, all or
nothing, by the same importer. The importers live in their contexts; this face only calls them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from openics.core import uploads as kept
from openics.core.audit import Actor, Refused
from openics.core.imports import ImportRejected, ImportReport, rehearse
from openics.core.models import Upload, UploadStatus

Progress = Callable[[str, int | None, int | None], None]


@dataclass(frozen=True)
class UploadKind:
    name: str  # in the address: /workspace/<code>/uploads/new/?kind=<name>
    title: str
    action: str  # the workspace.access action that allows it
    hint: str
    many_files: bool = False

    def run(self, files: list[tuple[str, bytes]], *, actor: Actor, reason: str, progress):
        return _RUNNERS[self.name](files, actor=actor, reason=reason, progress=progress)


def _payments(files, *, actor, reason, progress):
    from openics.ledger.ingest import import_payments

    (name, data), *_ = files
    total = max(data.count(b"\n"), 1)
    read = [0]

    def counted(n: int) -> None:
        read[0] += n
        progress("Reading the payments", read[0], total)

    progress("Reading the payments", 0, total)
    report = import_payments(data, source_name=name, actor=actor, reason=reason, progress=counted)
    return {
        "summary": report.summary(),
        "counts": {"payments": report.rows},
        "total": report.total.format(),
        "notes": [],
    }


def _registry(report: ImportReport) -> dict:
    return {
        "summary": report.summary(),
        "counts": {
            "created": report.created,
            "changed": report.changed,
            "unchanged": report.unchanged,
            "closed": report.closed,
        },
        "notes": list(report.notes),
    }


def _practice_file(files, *, actor, reason, progress):
    from openics.population.importers import import_practice_file

    (name, data), *_ = files
    progress("Reading the practice file and comparing it with the registry", None, None)
    return _registry(import_practice_file(data, source_name=name, actor=actor, reason=reason))


def _ods(files, *, actor, reason, progress):
    from openics.organisations.ods_import import import_ods_file

    (name, data), *_ = files
    progress("Reading the ODS file and comparing it with the registry", None, None)
    return _registry(import_ods_file(data, source_name=name, actor=actor, reason=reason))


def _successions(files, *, actor, reason, progress):
    from openics.organisations.successions import import_successions

    progress("Reading the successions and planning each hand-over", None, None)
    return _registry(import_successions(list(files), actor=actor, reason=reason))


_RUNNERS = {
    "payments": _payments,
    "practice-file": _practice_file,
    "ods": _ods,
    "successions": _successions,
}

KINDS: tuple[UploadKind, ...] = (
    UploadKind(
        "payments",
        "Payments (bulk payments CSV)",
        "upload_payments",
        "A CSV with the columns contract, invoice, date_paid, amount and optionally element.",
    ),
    UploadKind(
        "practice-file",
        "NHS England's national practice file",
        "upload_registry",
        "The place-based allocation tool's practice file, as CSV or the published workbook.",
    ),
    UploadKind(
        "ods",
        "An ODS file",
        "upload_registry",
        "epraccur, etr, eccg, ePCN or epcncorepartnerdetails, in either published layout.",
    ),
    UploadKind(
        "successions",
        "Successions of ICBs",
        "upload_registry",
        "The succession tables (CSV), one or several files together.",
        many_files=True,
    ),
)
BY_NAME = {kind.name: kind for kind in KINDS}


def _rejected(exc: Exception) -> dict:
    if isinstance(exc, ImportRejected):
        return {
            "message": str(exc),
            "errors": [{"line": e.line, "reason": e.reason, "sheet": e.sheet} for e in exc.errors],
        }
    assert isinstance(exc, Refused)
    return {
        "message": "; ".join(exc.reasons),
        "errors": [],
        "rule": exc.rule,
        "citation": exc.citation,
    }


def _files(upload: Upload) -> list[tuple[str, bytes]]:
    files = kept.files_of(upload)
    digest = hashlib.sha256()
    for _, data in files:
        digest.update(data)
    if digest.hexdigest() != upload.sha256:
        raise Refused("the kept file is not the one uploaded (its SHA-256 differs)")
    return files


def _progress(upload: Upload):
    def report(stage: str, done: int | None = None, total: int | None = None) -> None:
        kept.report_progress(upload.pk, stage, done, total)

    return report


def check(upload: Upload) -> str:
    """The first step: the import rehearsed and rolled back; its errors or its preview kept."""
    kind = BY_NAME[upload.kind]
    kept.set_status(upload, UploadStatus.CHECKING)
    progress = _progress(upload)
    progress("Starting the check")
    try:
        preview = rehearse(
            lambda: kind.run(
                _files(upload),
                actor=Actor.person(upload.uploaded_by),
                reason=f"checking {upload.source_name} before it is applied",
                progress=progress,
            )
        )
    except (ImportRejected, Refused) as exc:
        kept.set_status(upload, UploadStatus.REJECTED, outcome=_rejected(exc))
        kept.discard_files(upload)
        progress("Refused")
        return UploadStatus.REJECTED
    kept.set_status(upload, UploadStatus.CHECKED, outcome=preview)
    progress("Checked")
    return UploadStatus.CHECKED


def apply(upload: Upload, user) -> str:
    """The second step, once confirmed: the same import, applied all or nothing."""
    kind = BY_NAME[upload.kind]
    kept.set_status(upload, UploadStatus.APPLYING)
    progress = _progress(upload)
    progress("Starting to apply the file")
    try:
        result = kind.run(
            _files(upload),
            actor=Actor.person(user),
            reason=f"{upload.source_name} uploaded in the workspace, checked and confirmed",
            progress=progress,
        )
    except (ImportRejected, Refused) as exc:
        # The books or the registry changed between the check and the confirmation.
        kept.set_status(upload, UploadStatus.REJECTED, outcome=_rejected(exc))
        kept.discard_files(upload)
        progress("Refused")
        return UploadStatus.REJECTED
    kept.set_status(upload, UploadStatus.APPLIED, outcome=result)
    kept.discard_files(upload)
    progress("Applied")
    return UploadStatus.APPLIED
