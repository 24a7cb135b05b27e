"""The record of decisions as a hash chain: append, recompute, and compare with the minutes.

Each entry's hash covers its own content and the previous entry's hash, so altering,
removing or reordering an entry by going round the application (in SQL, say) breaks the
chain at that entry. Corrections are new entries pointing at what they correct. A chain
rebuilt from the first altered entry by someone with the database is caught by a signed
checkpoint published before (core.checkpoints): `openics verify --against` names it.

The minutes (votes, recusals, resolutions and outcomes in their own tables, shown on the
meeting pages), the powers used from above and the published notices are compared with
their entries, and every entry with the audit log's copy of it, written in the same
transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from openics.core import chains
from openics.core.chains import Finding, Head, Recomputed
from openics.governance.models import RecordEntry

GENESIS = chains.GENESIS
NAME = "record"
TITLE = "The record of decisions"


def canonical(entry: RecordEntry, previous_hash: str | None = None) -> bytes:
    """The bytes an entry's hash covers: every field but the hash, in a fixed form."""
    data = {
        "sequence": entry.sequence,
        "entered_at": entry.entered_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "kind": entry.kind,
        "board": str(entry.board_id) if entry.board_id else None,
        "item": str(entry.item_id) if entry.item_id else None,
        "corrects": entry.corrects_id,
        "body": entry.body,
        "previous_hash": entry.previous_hash if previous_hash is None else previous_hash,
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(entry: RecordEntry, previous_hash: str | None = None) -> str:
    return hashlib.sha256(canonical(entry, previous_hash)).hexdigest()


def append(*, audit, kind: str, body: dict, board=None, item=None, corrects=None) -> RecordEntry:
    """Adds an entry at the end of the chain (inside the calling service's transaction)."""
    chains.lock()
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
    chains.extended(NAME)
    return entry


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    first_bad: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_bad is None


def head() -> Head:
    last = RecordEntry.objects.order_by("-sequence").only("sequence", "hash").first()
    return Head(last.sequence, last.hash) if last else Head(0, GENESIS)


def recompute(wanted: set[int]) -> Recomputed:
    """Every hash recomputed in order from the entries' content alone; the first entry that
    does not fit the hashes stored with it, and the recomputed hash at each length asked."""
    findings: list[Finding] = []
    at: dict[int, Head] = {}
    previous = GENESIS  # as recomputed from the content
    stored_previous = GENESIS  # as stored
    expected = 1
    count = 0
    for entry in RecordEntry.objects.order_by("sequence").iterator():
        count += 1
        if not findings:
            if entry.sequence != expected:
                findings.append(Finding(NAME, expected, f"entry {expected} is missing"))
            elif entry.previous_hash != stored_previous:
                # The entry before hashes consistently but not to what this one recorded:
                # its content and hash were both rewritten.
                findings.append(
                    Finding(
                        NAME,
                        entry.sequence - 1,
                        f"entry {entry.sequence - 1} was altered outside the application and "
                        f"its hash recomputed: it now hashes to {stored_previous[:12]}…, but "
                        f"entry {entry.sequence} recorded {entry.previous_hash[:12]}… for it",
                    )
                )
            else:
                actual = digest(entry)
                if actual != entry.hash:
                    findings.append(
                        Finding(
                            NAME,
                            entry.sequence,
                            f"entry {entry.sequence} ({entry.kind}) was altered outside the "
                            f"application: its content hashes to {actual[:12]}…, not the "
                            f"{entry.hash[:12]}… recorded",
                        )
                    )
        previous = digest(entry, previous)
        stored_previous = entry.hash
        expected = entry.sequence + 1
        if count in wanted:
            at[count] = Head(count, previous)
    return Recomputed(count, at, findings)


def stored_at(lengths: set[int]) -> dict[int, str]:
    found = {}
    for chunk in chains.in_chunks(lengths):
        found.update(RecordEntry.objects.filter(sequence__in=chunk).values_list("sequence", "hash"))
    return found


def _audit_copies() -> dict[int, dict]:
    from openics.core.models import AuditEntry

    copies = {}
    for object_id, after in AuditEntry.objects.filter(
        object_type=RecordEntry._meta.label_lower, before__isnull=True
    ).values_list("object_id", "after"):
        if after and str(object_id).isdigit():
            copies[int(object_id)] = after
    return copies


def _against_audit() -> list[Finding]:
    """Each entry against the audit log's copy of it, written in the same transaction."""
    copies = _audit_copies()
    held = dict(RecordEntry.objects.values_list("sequence", "hash"))
    for sequence in sorted(set(copies) | set(held)):
        copy = copies.get(sequence)
        if sequence not in held:
            return [
                Finding(
                    NAME,
                    sequence,
                    f"entry {sequence} is missing: the audit log records {len(copies)} entries "
                    f"written, the record holds {len(held)}",
                )
            ]
        if copy is None:
            return [
                Finding(
                    NAME,
                    sequence,
                    f"entry {sequence} has no copy in the audit log: it was written behind the "
                    "application's back",
                )
            ]
        if copy.get("hash") != held[sequence]:
            return [
                Finding(
                    NAME,
                    sequence,
                    f"entry {sequence} differs from the audit log's copy of it (hash "
                    f"{held[sequence][:12]}… against {str(copy.get('hash'))[:12]}…)",
                )
            ]
    return []


def _tally(votes: dict) -> dict:
    return dict(sorted(Counter(votes.values()).items()))


def _against_minutes() -> list[Finding]:
    """The minutes' tables (items, votes, recusals) against the record's entry for each item."""
    from openics.governance.models import AgendaItem, Recusal, Vote

    entries: dict = {}
    for entry in RecordEntry.objects.filter(kind__in=("decision", "not_taken")).order_by(
        "sequence"
    ):
        entries.setdefault(entry.item_id, entry)
    votes: dict = {}
    for item_id, membership_id, choice in Vote.objects.values_list(
        "item_id", "membership_id", "choice"
    ):
        votes.setdefault(item_id, {})[str(membership_id)] = choice
    recusals: dict = {}
    for item_id, membership_id in Recusal.objects.values_list("item_id", "membership_id"):
        recusals.setdefault(item_id, set()).add(str(membership_id))
    items = AgendaItem.objects.filter(status__in=("decided", "not_taken")).select_related("meeting")
    findings = []
    for item in items.order_by("meeting__held_on", "meeting__reference", "number"):
        where = f"item {item.number} of {item.meeting.reference}"
        entry = entries.pop(item.pk, None)
        if entry is None:
            findings.append(
                Finding(NAME, None, f"{where} is minuted as {item.status} but is not on the record")
            )
            continue
        body, at = entry.body, f"entry {entry.sequence}"
        said = []
        kind = "decision" if item.status == "decided" else "not_taken"
        if entry.kind != kind:
            said.append(f"the minutes say {item.status}, {at} is a {entry.kind}")
        cast = votes.get(item.pk, {})
        minutes = body.get("minutes")
        if minutes is not None:
            if cast != minutes.get("votes", {}):
                said.append(
                    f"the votes minuted ({_tally(cast)}) are not those on the record "
                    f"({_tally(minutes.get('votes', {}))})"
                )
            if recusals.get(item.pk, set()) != set(minutes.get("recused", [])):
                said.append("those minuted as stepping out are not those on the record")
        else:  # entries written before the record kept the members' ids
            if _tally(cast) != _tally(body.get("votes", {})):
                said.append(
                    f"the votes minuted ({_tally(cast)}) are not those on the record "
                    f"({_tally(body.get('votes', {}))})"
                )
            if len(recusals.get(item.pk, ())) != len(body.get("recused", [])):
                said.append("the number minuted as stepping out is not that on the record")
        if item.status == "decided":
            if item.resolution != body.get("resolution", ""):
                said.append("the resolution minuted is not the one on the record")
            if item.outcome != body.get("outcome", ""):
                said.append(
                    f"the outcome minuted ({item.outcome}) is not the one on the record "
                    f"({body.get('outcome')})"
                )
        elif list(item.outcome_reasons) != list(body.get("reasons", [])):
            said.append("the reasons minuted are not those on the record")
        if said:
            findings.append(Finding(NAME, entry.sequence, f"{where} ({at}): " + "; ".join(said)))
    for entry in entries.values():
        findings.append(
            Finding(
                NAME,
                entry.sequence,
                f"entry {entry.sequence} records a {entry.kind} of an item the minutes show "
                "as not taken up",
            )
        )
    return findings


def _against_powers() -> list[Finding]:
    """Each power used from above against its entries (made, and ended)."""
    from openics.governance.models import Intervention

    made, ended = {}, {}
    for entry in RecordEntry.objects.filter(kind__in=("intervention", "intervention_ended")):
        (made if entry.kind == "intervention" else ended)[entry.body.get("reference")] = entry
    findings = []
    for power in Intervention.objects.select_related("made_by", "addressed_to").order_by(
        "made_on", "reference"
    ):
        entry = made.pop(power.reference, None)
        if entry is None:
            findings.append(Finding(NAME, None, f"{power.reference} is not on the record"))
            continue
        body = entry.body
        now = {
            "made_on": power.made_on.isoformat(),
            "subject": power.subject,
            "made_by": power.made_by.name,
            "addressed_to": power.addressed_to.name,
            "window_ends": power.window_ends.isoformat() if power.window_ends else None,
        }
        differs = [k for k, v in now.items() if body.get(k) != v]
        end = ended.pop(power.reference, None)
        if (end is None) != (power.ended_on is None) or (
            end is not None
            and (
                end.body.get("ended_on") != power.ended_on.isoformat()
                or end.body.get("outcome") != power.outcome
            )
        ):
            differs.append("ended_on/outcome")
        if differs:
            findings.append(
                Finding(
                    NAME,
                    entry.sequence,
                    f"{power.reference} (entry {entry.sequence}): its {', '.join(differs)} "
                    "in the table of powers differ from the record",
                )
            )
    for reference, entry in {**made, **ended}.items():
        findings.append(
            Finding(
                NAME,
                entry.sequence,
                f"entry {entry.sequence} records {reference}, "
                "which the table of powers no longer holds",
            )
        )
    return findings


WITNESSES = [_against_audit, _against_minutes, _against_powers]


def witnesses() -> list[Finding]:
    """The record compared with the audit log, the minutes, the powers (and, registered by
    contexts above, what they publish: notices)."""
    findings = []
    for witness in WITNESSES:
        findings += witness()
    return findings + chains.witnesses_of(NAME)


def between(earlier: dict | None, later: dict) -> str:
    first = (int(earlier["length"]) if earlier else 0) + 1
    last = int(later["length"])
    if first >= last:
        entry = RecordEntry.objects.filter(sequence=last).only("kind").first()
        return f"entry {last}" + (f" ({entry.kind})" if entry else "")
    copies = _audit_copies()
    for entry in RecordEntry.objects.filter(sequence__range=(first, last)).order_by("sequence"):
        copy = copies.get(entry.sequence)
        if copy is None or copy.get("body") != entry.body:
            return f"entry {entry.sequence} ({entry.kind}; one of entries {first} to {last})"
    return f"one of entries {first} to {last}"


def verify() -> ChainCheck:
    """Recomputes every hash in order and compares the record with its copies; names the
    first entry that does not fit."""
    found = recompute(set())
    findings = found.findings + witnesses()
    if not findings:
        return ChainCheck(found.length)
    first = findings[0]
    return ChainCheck(found.length, first.position or 0, first.what)
