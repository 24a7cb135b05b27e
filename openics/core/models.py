"""Shared models: the base every record builds on, the audit log and role assignments."""

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Cast

from openics.core.roles import Role


class BaseModel(models.Model):
    """A UUID primary key (safe to publish, hard to guess) and when the row was made and changed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEntryQuerySet(models.QuerySet):
    def for_object(self, obj) -> "AuditEntryQuerySet":
        """The entries about one record: its own, and an import's entry for many rows
        created together that lists it (Auditor.record_created_together, ADR 0018)."""
        pk = str(obj.pk)
        return self.alias(after_text=Cast("after", models.TextField())).filter(
            models.Q(object_id=pk) | models.Q(object_id="", after_text__contains=f'"{pk}"'),
            object_type=obj._meta.label_lower,
        )

    def update(self, **kwargs):
        raise PermissionError("the audit log is append-only: entries cannot be updated")

    def delete(self):
        raise PermissionError("the audit log is append-only: entries cannot be deleted")


class AuditEntry(models.Model):
    """One recorded change: who (a user or a named system process), what, why, before and after.

    Written only by core.audit.Auditor; append-only.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_entries",
    )
    actor_system = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=100)  # no index: no query reads by it (ADR 0028)
    reason = models.TextField()
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name_plural = "audit entries"
        # One index for "the entries about this record" (for_object), rather than one on
        # each column: every import writes thousands of entries, and each index costs.
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_entry_object")]
        constraints = [
            # Exactly one kind of actor: a person or a named system process, never neither.
            models.CheckConstraint(
                condition=(
                    models.Q(actor_user__isnull=False, actor_system="")
                    | (models.Q(actor_user__isnull=True) & ~models.Q(actor_system=""))
                ),
                name="audit_entry_has_exactly_one_actor",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="audit_entry_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("the audit log is append-only: entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit log is append-only: entries cannot be deleted")

    def changes(self) -> list[tuple[str, dict | None, dict | None]]:
        """(object id, before, after) for each record this entry is about: one, or each row
        of an entry for many rows created together (its after is {"fields", "rows"})."""
        after = self.after
        if self.object_id or not isinstance(after, dict) or set(after) != {"fields", "rows"}:
            return [(self.object_id, self.before, after)]
        fields = after["fields"]
        at = fields.index("id") if "id" in fields else None
        return [
            ("" if at is None else str(row[at]), None, dict(zip(fields, row, strict=True)))
            for row in after["rows"]
        ]

    @property
    def actor_label(self) -> str:
        return (
            self.actor_user.get_username() if self.actor_user_id else f"system:{self.actor_system}"
        )


class RoleAssignment(BaseModel):
    """A person holds a role, optionally scoped to one organisation (by ODS code)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(max_length=32, choices=[(r.value, r.label) for r in Role])
    # Blank means every organisation (an NHS England analyst, a system administrator).
    organisation_code = models.CharField(max_length=10, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation_code"], name="role_assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        scope = self.organisation_code or "all organisations"
        return f"{self.user} is {self.role} for {scope}"


class ImportRun(BaseModel):
    """One import of a public data file: what it was, what it changed, who ran it."""

    kind = models.CharField(max_length=40, help_text="e.g. practices, ods-trusts")
    source_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    layout = models.CharField(max_length=60)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    actor_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} from {self.source_name} ({self.created_at:%Y-%m-%d})"


class DataVersion(models.Model):
    """One row counting the changes to the record: every write service adds one as it
    commits, so a page computed from the data can be kept until the number moves."""

    number = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"data version {self.number}"


class CheckpointQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("checkpoints are published as written: they cannot change")

    def delete(self):
        raise PermissionError("checkpoints are published as written: they cannot be deleted")


class Checkpoint(models.Model):
    """Where every hash chain ended at a moment, signed with the installation's key.

    Written after each change to the record of decisions or the books, and daily; each
    names the statement of the checkpoint before it, so the log is itself a chain. Anyone
    who downloads the log can later prove that nothing before it has changed
    (`openics verify --against`).
    """

    sequence = models.PositiveBigIntegerField(primary_key=True)
    made_at = models.DateTimeField()
    occasion = models.CharField(max_length=120, help_text="The service or job that wrote it")
    heads = models.JSONField(help_text="Each chain's length, head hash and what else it publishes")
    previous = models.CharField(max_length=64, help_text="SHA-256 of the statement before")
    key_id = models.CharField(max_length=16)
    public_key = models.CharField(max_length=64, help_text="The raw Ed25519 public key, base64")
    signature = models.CharField(max_length=128, help_text="Ed25519 signature of the statement")

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"checkpoint {self.sequence}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("checkpoints are published as written: they cannot change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("checkpoints are published as written: they cannot be deleted")


class UploadStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be checked"
    CHECKING = "checking", "Being checked"
    REJECTED = "rejected", "Refused: nothing was written"
    CHECKED = "checked", "Checked: waiting for confirmation"
    CONFIRMED = "confirmed", "Confirmed: waiting to be applied"
    APPLYING = "applying", "Being applied"
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Failed: nothing was written"


class Upload(BaseModel):
    """A file uploaded in the workspace to be imported: checked first (every bad row, or a
    preview of what it would change), applied only when confirmed. The file itself is kept
    under var/uploads/ (core.uploads), never in the web process's memory between requests.
    This row is the job's state, as the task queue's own rows are; what the import changed
    is audited by the importer's service and recorded as an ImportRun."""

    kind = models.CharField(max_length=40, help_text="What the file is (workspace.uploads)")
    organisation_code = models.CharField(max_length=20, help_text="Uploaded for whom")
    source_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="uploads"
    )
    status = models.CharField(
        max_length=12, choices=UploadStatus.choices, default=UploadStatus.QUEUED
    )
    # The errors with their lines, the preview of what would change, or what was applied.
    outcome = models.JSONField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} upload {self.source_name} ({self.status})"
