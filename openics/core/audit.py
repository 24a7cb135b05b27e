"""The audit: every write names its actor and its reason, and leaves a before/after record.

Services are the only code that writes. Each one is wrapped by `@service("app.action")`,
which refuses to start without an actor (a signed-in person or a named system process)
and a reason, runs the body in one transaction, and refuses to commit a change that
recorded nothing. We chose an explicit auditor over history add-ons that hook model
signals, because those miss bulk updates and cannot say *why* (ADR 0003).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from openics.core import chains
from openics.core.versions import bump_version
from openics.kernel.money import Money

_SYSTEM_NAME = re.compile(r"^[a-z][a-z0-9_.:-]{2,99}$")
# The process that loads the demonstration: what it writes, unless it comes from a
# published file, is illustrative (made up), and every face says so.
DEMONSTRATION_PROCESS = "demo-loader"


def demonstration_loaded() -> bool:
    """Whether this installation holds the demonstration (its loader has written)."""
    from openics.core.models import AuditEntry

    return AuditEntry.objects.filter(actor_system=DEMONSTRATION_PROCESS).exists()


class AuditError(Exception):
    """A write was refused because it could not be audited."""


class MissingActorError(AuditError):
    pass


class MissingReasonError(AuditError):
    pass


class NothingAuditedError(AuditError):
    pass


class Refused(Exception):
    """A service declined a request on the rules (not a bug): nothing is written but the refusal.

    The @service wrapper rolls the work back, then records the refusal, with its
    reasons and what was asked, in the audit log, so refusals are on the record too.
    """

    def __init__(
        self,
        reasons,
        *,
        asked: dict | None = None,
        object_type: str = "",
        object_id: str = "",
        rule: str = "",
        citation: str = "",
    ) -> None:
        self.reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        self.asked = asked or {}
        # The rule refused on and where it comes from, for the faces to show beside the reasons.
        self.rule = rule
        self.citation = citation
        self.object_type = object_type
        self.object_id = object_id
        super().__init__("; ".join(self.reasons))


@dataclass(frozen=True)
class Actor:
    """Who is making a change: exactly one of a person (user) or a named system process."""

    user: Any = None
    system: str = ""

    @classmethod
    def person(cls, user) -> Actor:
        return cls(user=user)

    @classmethod
    def process(cls, name: str) -> Actor:
        return cls(system=name)

    def check(self) -> None:
        if self.user is not None and self.system:
            raise MissingActorError("an actor is a person or a system process, not both")
        if self.user is not None:
            if not getattr(self.user, "is_authenticated", False) or self.user.pk is None:
                raise MissingActorError(
                    "refused: an anonymous user cannot change the record; sign in first"
                )
            return
        if not self.system:
            raise MissingActorError(
                "refused: this write names no actor. Pass actor=Actor.person(user) or "
                "actor=Actor.process('name-of-the-job') so the audit log can say who did it"
            )
        if not _SYSTEM_NAME.match(self.system):
            raise MissingActorError(
                f"refused: {self.system!r} is not a usable system process name "
                "(lower-case letters, digits and . _ : -, at least 3 characters)"
            )

    def __str__(self) -> str:
        return self.user.get_username() if self.user is not None else f"system:{self.system}"


def snapshot(obj: models.Model) -> dict[str, Any]:
    """A JSON-ready picture of a row's own fields (foreign keys as their ids, money as pence)."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        value = field.value_from_object(obj)
        if isinstance(value, Money):
            value = value.pence
        data[field.attname] = value
    return data


class Auditor:
    """Records audit entries for one service call; made before anything is written."""

    def __init__(self, *, actor: Actor | None, reason: str | None, action: str) -> None:
        if actor is None:
            raise MissingActorError(
                f"refused {action}: no actor. Every write records who did it; pass "
                "actor=Actor.person(user) or actor=Actor.process('job-name')"
            )
        if not isinstance(actor, Actor):
            raise MissingActorError(f"refused {action}: actor must be an Actor, not {actor!r}")
        actor.check()
        if not reason or not str(reason).strip():
            raise MissingReasonError(f"refused {action}: every write records why; give a reason")
        self.actor = actor
        self.reason = str(reason).strip()
        self.action = action
        self.entries: list = []

    def record(
        self,
        *,
        obj: models.Model | None = None,
        object_type: str = "",
        object_id: str = "",
        before: dict | None = None,
        after: dict | None = None,
        action: str | None = None,
    ):
        from openics.core.models import AuditEntry

        if obj is not None:
            object_type = object_type or obj._meta.label_lower
            object_id = object_id or str(obj.pk)
        entry = AuditEntry.objects.create(
            actor_user=self.actor.user,
            actor_system=self.actor.system,
            action=action or self.action,
            reason=self.reason,
            object_type=object_type,
            object_id=object_id,
            before=before,
            after=after,
        )
        self.entries.append(entry)
        return entry

    def record_many(self, changes: list[dict]) -> int:
        """Records many entries in one statement (for imports); each dict as record() takes,
        or with object_type and object_id instead of obj, or made by together() for rows
        created by the thousand (one entry listing them all). No AuditEntry instances are
        made: the rows go in set-based (core.bulk), so `entries` gains their ids."""
        if any("together" in change for change in changes):
            recorded, run = 0, []
            for change in [*changes, {}]:
                if change and "together" not in change:
                    run.append(change)
                    continue
                recorded += self.record_many(run)
                run = []
                if change:
                    recorded += self.record_created_together(
                        change["together"], action=change["action"]
                    )
            return recorded
        if not changes:
            return 0
        action = self.action
        kinds, ids = [], []
        for change in changes:
            obj = change.get("obj")
            kinds.append(
                change.get("object_type") or (obj._meta.label_lower if obj is not None else "")
            )
            ids.append(change.get("object_id") or (str(obj.pk) if obj is not None else ""))
        return self._insert(
            {
                "action": [change.get("action") or action for change in changes],
                "object_type": kinds,
                "object_id": ids,
                "before": [change.get("before") for change in changes],
                "after": [change.get("after") for change in changes],
            },
            len(changes),
        )

    def record_created(self, written, *, action: str) -> int:
        """One entry for each row just inserted by core.bulk.insert_columns or
        insert_objects, its `after` the row's snapshot (the same JSON as snapshot() gives).
        The database writes the entries from the inserted rows, each snapshot built by it
        (core.bulk.snapshots_sql), so no text or tuple is made in Python per row; for a
        model whose columns it cannot write that way, the snapshots are written as text
        from the inserted columns."""
        from openics.core.bulk import Same, snapshots_sql

        if written is None or not written.n:
            return 0
        built = snapshots_sql(written, "o")
        if built is None:
            return self._insert(
                {
                    "action": Same(action),
                    "object_type": Same(written.model._meta.label_lower),
                    "object_id": written.ids,
                    "before": Same(None),
                    "after": written.snapshots(),
                },
                written.n,
            )
        return self._insert_from_rows(written, action, *built)

    def _insert_from_rows(self, written, action: str, after_sql: str, after_params: list) -> int:
        """INSERT … SELECT: one audit entry per row of `written`, each joined by its id to
        the id of its new entry (one list given as a parameter, in the order written)."""
        import datetime as dt

        from django.conf import settings
        from django.db import connection

        from openics.core.bulk import (
            db_value,
            hyphenated,
            id_text_sql,
            new_ids,
            uuid_array_text,
            write_sql,
        )
        from openics.core.models import AuditEntry

        opts, quote = AuditEntry._meta, connection.ops.quote_name
        model = written.model
        entry_ids = new_ids(written.n)
        now = dt.datetime.now(dt.UTC) if settings.USE_TZ else dt.datetime.now()
        fields = ["id", "occurred_at", "actor_user", "actor_system", "action", "reason"]
        fields += ["object_type", "object_id", "before", "after"]
        columns = ", ".join(quote(opts.get_field(name).column) for name in fields)
        user_id = self.actor.user.pk if self.actor.user is not None else None
        params = [
            db_value(opts.get_field("occurred_at"))(now),
            user_id,
            self.actor.system,
            action,
            self.reason,
            model._meta.label_lower,
        ]
        # Typed on PostgreSQL, so the statement reads the same with server-side binding.
        given = "%s, %s, %s, %s, %s, %s"
        if connection.vendor == "postgresql":
            given = "%s::timestamptz, %s::integer, %s::text, %s::text, %s::text, %s::text"
            source = "unnest(%s::uuid[], %s::uuid[]) AS j(row_id, entry_id)"
            entry, key = "j.entry_id", "j.row_id"
            # Each list given as the text of an array, not as thousands of values.
            source_params = [uuid_array_text(written.stored_ids), uuid_array_text(entry_ids)]
        else:
            source = "json_each(%s) AS j"
            entry, key = "json_extract(j.value, '$[1]')", "json_extract(j.value, '$[0]')"
            pairs = list(zip(written.stored_ids, entry_ids, strict=True))
            source_params = [json.dumps(pairs)]
        pk = f"o.{quote(model._meta.pk.column)}"
        # Table and column names are quoted names from the models; the values are parameters.
        sql = (
            f"INSERT INTO {quote(opts.db_table)} ({columns}) "  # noqa: S608
            f"SELECT {entry}, {given}, {id_text_sql(model, pk)}, NULL, "
            f"{after_sql} FROM {source} JOIN {quote(model._meta.db_table)} AS o ON {pk} = {key}"
        )

        def check(rowcount: int) -> None:
            if rowcount != written.n:
                raise AuditError(f"{action}: {rowcount} audit entries written for {written.n} rows")

        write_sql(sql, [*params, *after_params, *source_params], check)
        self.entries.extend(map(hyphenated, entry_ids))
        return written.n

    def record_created_together(self, written, *, action: str) -> int:
        """One entry for all the rows just inserted (links or populations an import makes by
        the thousand): `after` holds every row's snapshot as a row of values under the
        field names ({"fields": [...], "rows": [[...], ...]}), and object_id is blank.
        AuditEntry.changes() reads it back as one snapshot per row, and
        AuditEntry.objects.for_object() finds it for each of them (ADR 0018)."""
        from openics.core.bulk import JsonText, Same

        if written is None or not written.n:
            return 0
        after = json.dumps({"fields": written.names, "rows": list(written.json_rows())})
        return self._insert(
            {
                "action": Same(action),
                "object_type": Same(written.model._meta.label_lower),
                "object_id": Same(""),
                "before": Same(None),
                "after": Same(JsonText(after)),
            },
            1,
        )

    def _insert(self, columns: dict, n: int) -> int:
        from openics.core.bulk import Same, insert_columns
        from openics.core.models import AuditEntry

        user_id = self.actor.user.pk if self.actor.user is not None else None
        columns |= {
            "actor_user_id": Same(user_id),
            "actor_system": Same(self.actor.system),
            "reason": Same(self.reason),
        }
        written = insert_columns(AuditEntry, columns, n)
        self.entries.extend(written.ids)
        return n

    def created(self, obj: models.Model, **extra):
        return self.record(obj=obj, before=None, after=snapshot(obj), **extra)

    def changed(self, obj: models.Model, before: dict, **extra):
        return self.record(obj=obj, before=before, after=snapshot(obj), **extra)

    def deleted(self, obj: models.Model, before: dict, **extra):
        return self.record(obj=obj, before=before, after=None, **extra)


def together(written, action: str) -> dict:
    """A change for Auditor.record_many: the rows core.bulk just inserted, created together
    and audited in one entry that lists each of them (Auditor.record_created_together)."""
    return {"together": written, "action": action}


def _record_refusal(auditor: Auditor, refusal: Refused) -> None:
    auditor.entries = []
    with transaction.atomic():
        auditor.record(
            action=f"{auditor.action}.refused",
            object_type=refusal.object_type,
            object_id=refusal.object_id,
            before=None,
            after={"refused": refusal.reasons, "asked": refusal.asked}
            | ({"rule": refusal.rule, "citation": refusal.citation} if refusal.rule else {}),
        )


def service(action: str):
    """Marks a function as a write service: keyword-only actor and reason, one transaction.

    The wrapped function receives `audit` (an Auditor) instead of actor and reason. The
    checks happen before the transaction opens, so a refused call writes nothing. When the
    body extended a hash chain (the record of decisions, the books), a signed checkpoint of
    every chain is written before the transaction commits (core.checkpoints).
    """

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, actor: Actor | None = None, reason: str | None = None, **kwargs):
            auditor = Auditor(actor=actor, reason=reason, action=action)
            watching = chains.begin()  # only the outermost service writes the checkpoint
            try:
                with transaction.atomic():
                    result = fn(*args, audit=auditor, **kwargs)
                    if not auditor.entries:
                        raise NothingAuditedError(
                            f"{action} changed the record without writing an audit entry"
                        )
                    bump_version()
                    if watching is not None and chains.watched():
                        from openics.core import checkpoints

                        checkpoints.write(occasion=action)
            except Refused as refusal:
                _record_refusal(auditor, refusal)
                raise
            finally:
                chains.end(watching)
            return result

        wrapper.audit_action = action
        return wrapper

    return decorate
