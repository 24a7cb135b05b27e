"""The record of decisions as a hash chain: append, and verify.

Each entry's hash covers its own content and the previous entry's hash, so altering,
removing or reordering an entry by going round the application (in SQL, say) breaks the
chain at that entry. Corrections are new entries pointing at what they correct.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from openics.governance.models import RecordEntry

GENESIS = "0" * 64


def canonical(entry: RecordEntry) -> bytes:
    """The bytes an entry's hash covers: every field but the hash, in a fixed form."""
    data = {
        "sequence": entry.sequence,
        "entered_at": entry.entered_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "kind": entry.kind,
        "board": str(entry.board_id) if entry.board_id else None,
        "item": str(entry.item_id) if entry.item_id else None,
        "corrects": entry.corrects_id,
        "body": entry.body,
        "previous_hash": entry.previous_hash,
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(entry: RecordEntry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def append(*, audit, kind: str, body: dict, board=None, item=None, corrects=None) -> RecordEntry:
    """Adds an entry at the end of the chain (inside the calling service's transaction)."""
    last = RecordEntry.objects.order_by("-sequence").first()
    entry = RecordEntry(
        sequence=(last.sequence + 1) if last else 1,
        entered_at=datetime.now(UTC).replace(microsecond=0),
        kind=kind,
        board=board,
        item=item,
        corrects=corrects,
        body=json.loads(json.dumps(body, default=str)),
        previous_hash=last.hash if last else GENESIS,
    )
    entry.hash = digest(entry)
    entry.save(force_insert=True)
    audit.created(entry)
    return entry


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    first_bad: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_bad is None


def verify() -> ChainCheck:
    """Recomputes every hash in order and names the first entry that does not fit."""
    previous = GENESIS
    expected = 1
    count = 0
    for entry in RecordEntry.objects.order_by("sequence").iterator():
        count += 1
        if entry.sequence != expected:
            return ChainCheck(count, expected, f"entry {expected} is missing")
        if entry.previous_hash != previous:
            # The entry before hashes consistently but not to what this one recorded: its
            # content and hash were both rewritten.
            return ChainCheck(
                count,
                entry.sequence - 1,
                f"entry {entry.sequence - 1} was altered outside the application and its hash "
                f"recomputed: it now hashes to {previous[:12]}…, but entry {entry.sequence} "
                f"recorded {entry.previous_hash[:12]}… for it",
            )
        actual = digest(entry)
        if actual != entry.hash:
            return ChainCheck(
                count,
                entry.sequence,
                f"entry {entry.sequence} ({entry.kind}) was altered outside the application: "
                f"its content hashes to {actual[:12]}…, not the {entry.hash[:12]}… recorded",
            )
        previous = entry.hash
        expected += 1
    # Entries cut from the end leave a chain that is whole but short; the audit log, written
    # in the same transaction as each entry, still says how long the chain was.
    from openics.core.models import AuditEntry

    recorded = AuditEntry.objects.filter(
        object_type=RecordEntry._meta.label_lower, before__isnull=True
    ).count()
    if recorded > count:
        return ChainCheck(
            count,
            count + 1,
            f"entry {count + 1} is missing: the audit log records {recorded} entries written, "
            f"the record holds {count}",
        )
    return ChainCheck(count)
