"""One way to import a published file: parse it, refuse it whole with every bad row, or
apply it in one audited transaction and record the run (what, its SHA-256, who, what changed).

Every importer in every context uses these, so a rejected file reads the same everywhere
and the record of imports is one table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from operator import attrgetter
from typing import Any

from django.db import models, transaction

from openics.core.audit import Auditor, snapshot
from openics.core.models import ImportRun
from openics.sources.base import Parsed, RowError, SourceError


class ImportRejected(Exception):
    """A file was refused; nothing was written. Carries every bad row."""

    def __init__(self, source: str, errors: list[RowError] | None = None, message: str = ""):
        self.source = source
        self.errors = errors or []
        if not message:
            message = f"{source} was rejected: {len(self.errors)} bad row(s); nothing was written"
        super().__init__(message)

    def report(self, limit: int | None = None) -> str:
        shown = self.errors if limit is None else self.errors[:limit]
        lines = [str(self)] + [f"  {error}" for error in shown]
        if limit is not None and len(self.errors) > limit:
            lines.append(f"  … and {len(self.errors) - limit} more")
        return "\n".join(lines)


@dataclass
class ImportReport:
    kind: str
    source_name: str
    layout: str
    rows: int
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    closed: int = 0
    notes: list[str] = field(default_factory=list)
    # What the file holds, in its own terms, said before what changed: "6,603 active GP
    # practices, 52 dormant, 1,534 closed".
    holds: str = ""

    def summary(self) -> str:
        holds = f"{self.holds}; " if self.holds else ""
        return (
            f"{self.rows:,} rows read ({self.layout}): {holds}{self.created:,} created, "
            f"{self.changed:,} changed, {self.unchanged:,} unchanged, {self.closed:,} closed"
        )


def record_import(audit: Auditor, report: ImportReport, sha256: str) -> ImportRun:
    """Records one import of a file (what it was, what it changed, who ran it), audited."""
    fields = {
        name: value for name, value in asdict(report).items() if name not in ("notes", "holds")
    }
    run = ImportRun.objects.create(**fields, sha256=sha256, actor_label=str(audit.actor))
    audit.created(run)
    return run


def parse_or_reject(
    parser: Callable[[bytes, str], Parsed],
    data: bytes,
    source_name: str,
    *,
    what: str = "rows",
    check: Callable[[Parsed], list[RowError]] | None = None,
) -> Parsed:
    """Runs a pure reader; a file it cannot read, with any bad row (the reader's, or those
    `check` finds in what it read), or with nothing of the kind it claims to hold, is
    refused whole with every bad line."""
    try:
        parsed = parser(data, source_name)
    except SourceError as exc:
        raise ImportRejected(source_name, message=f"{source_name} was rejected: {exc}") from exc
    errors = parsed.errors + (check(parsed) if check else [])
    if errors:
        raise ImportRejected(source_name, sorted(errors, key=lambda e: e.line))
    if not parsed.rows:
        raise ImportRejected(source_name, message=f"{source_name} has no {what}")
    return parsed


def values_too_long(
    rows: Iterable,
    columns: Iterable[tuple[str | Callable[[Any], str], models.Field, str]],
    sheet: str = "",
) -> list[RowError]:
    """A bad row for each value longer than the database column it is stored in holds.

    `columns` lists (the row's attribute, or a function of the row giving the value
    stored; the model field it goes into; the file's name for the column). The limit is
    the field's own max_length, so it cannot drift from the schema.
    """
    checks = [
        (attrgetter(get) if isinstance(get, str) else get, stored.max_length, stored, label)
        for get, stored, label in columns
    ]
    rows = list(rows)
    errors = []
    for get, limit, stored, label in checks:
        try:
            if max(map(len, map(get, rows)), default=0) <= limit:
                continue  # the usual case, found without a loop in Python
        except TypeError:  # a value that is None
            pass
        errors += [
            RowError(
                row.line,
                f"{label} is {len(value):,} characters long; the registry's "
                f"{stored.verbose_name} holds at most {limit}",
                sheet,
            )
            for row in rows
            if (value := get(row)) and len(value) > limit
        ]
    return sorted(errors, key=lambda error: error.line)


def create_or_update(
    current: models.Model | None,
    values: dict,
    *,
    create: Callable[..., models.Model],
    report: ImportReport,
    changes: list[dict],
) -> None:
    """One record a file holds: created from `values` when there is none yet (`create`
    takes them as keywords), updated when any value differs, counted as unchanged
    otherwise. Each write is added to `changes`, for one audit of the whole file."""
    if current is None:
        created = create(**values)
        changes.append({"obj": created, "after": snapshot(created)})
        report.created += 1
    elif any(getattr(current, k) != v for k, v in values.items()):
        before = snapshot(current)
        for k, v in values.items():
            setattr(current, k, v)
        current.save()
        changes.append({"obj": current, "before": before, "after": snapshot(current)})
        report.changed += 1
    else:
        report.unchanged += 1


class _Rehearsed(Exception):  # noqa: N818 (not an error: it carries the result out)
    def __init__(self, result):
        self.result = result


def rehearse(apply: Callable[[], Any]) -> Any:
    """Runs an import as it would be applied, then rolls every write back: the preview of what
    a file would change (its ImportReport) is the importer's own answer, not a second guess.
    A refused file raises ImportRejected (or Refused) as the real import would."""
    try:
        with transaction.atomic():
            result = apply()
            raise _Rehearsed(result)
    except _Rehearsed as done:
        return done.result
