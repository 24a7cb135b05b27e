"""Signed checkpoints of every hash chain, their log, and proof against a log kept elsewhere.

A checkpoint states, at a moment, each chain's length and the hash at its end (and, for the
books, how many postings that covers and the last posting's id), names the statement of
the checkpoint before it, and is signed with the installation's Ed25519 key (core.signing).
One is written by the outermost service that extended a chain, inside its transaction,
and by `openics checkpoint` (daily, from cron). The log is one JSON object a line; anyone
may download it (/record/checkpoints.jsonl, the API, `openics verify --export-checkpoints`).

`verify_against(lines)` recomputes every chain from its rows and compares it with each
checkpoint in a log: the first checkpoint a chain no longer matches names what changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from openics.core import chains, signing
from openics.core.chains import GENESIS, Finding, canonical_json, sha256

FIELDS = ("sequence", "made_at", "occasion", "heads", "previous", "key_id")


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def statement(line: dict) -> bytes:
    """The bytes a checkpoint's signature covers: its fields but the key and signature."""
    return canonical_json({name: line[name] for name in FIELDS})


def as_line(checkpoint) -> dict:
    return {
        "sequence": checkpoint.sequence,
        "made_at": _when(checkpoint.made_at),
        "occasion": checkpoint.occasion,
        "heads": checkpoint.heads,
        "previous": checkpoint.previous,
        "key_id": checkpoint.key_id,
        "public_key": checkpoint.public_key,
        "signature": checkpoint.signature,
    }


def latest():
    from openics.core.models import Checkpoint

    return Checkpoint.objects.order_by("-sequence").first()


def public_key() -> dict | None:
    """The configured key's id, base64 and PEM forms, or None."""
    try:
        key = signing.private_key()
    except signing.CheckpointKeyError:
        return None
    if key is None:
        return None
    public = key.public_key()
    text = signing.public_text(public)
    return {"key_id": signing.key_id_of(text), "base64": text, "pem": signing.public_pem(public)}


def write(occasion: str):
    """Writes a checkpoint of every chain as it stands (inside the caller's transaction), or
    returns None when no key is configured (the deployment check says so)."""
    from django.db import transaction

    from openics.core.models import Checkpoint

    key = signing.private_key()
    if key is None:
        return None
    with transaction.atomic(savepoint=False):  # the caller's transaction, or one of its own
        chains.lock()
        last = latest()
        text = signing.public_text(key.public_key())
        line = {
            "sequence": (last.sequence + 1) if last else 1,
            "made_at": _when(datetime.now(UTC)),
            "occasion": occasion[:120],
            "heads": chains.heads(),
            "previous": sha256(statement(as_line(last))) if last else GENESIS,
            "key_id": signing.key_id_of(text),
        }
        made = Checkpoint(
            sequence=line["sequence"],
            made_at=datetime.strptime(line["made_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC),
            occasion=line["occasion"],
            heads=line["heads"],
            previous=line["previous"],
            key_id=line["key_id"],
            public_key=text,
            signature=signing.sign(key, statement(line)),
        )
        made.save(force_insert=True)
    return made


def log_lines() -> Iterator[str]:
    from openics.core.models import Checkpoint

    for checkpoint in Checkpoint.objects.order_by("sequence").iterator():
        yield json.dumps(as_line(checkpoint), sort_keys=True, ensure_ascii=False) + "\n"


def reference() -> dict | None:
    """The latest checkpoint, as exports carry it: enough to find it in the log."""
    last = latest()
    if last is None:
        return None
    return {
        "checkpoint": last.sequence,
        "made_at": _when(last.made_at),
        "key_id": last.key_id,
        "heads": {name: head["head"] for name, head in sorted(last.heads.items())},
        "signature": last.signature,
        "log": "/record/checkpoints.jsonl",
    }


def reference_text() -> str:
    """The latest checkpoint in one line, for an HTTP header or a comment in a file."""
    ref = reference()
    if ref is None:
        return "none"
    heads = "; ".join(f"{name}={head}" for name, head in ref["heads"].items())
    return f"{ref['checkpoint']}; made={ref['made_at']}; key={ref['key_id']}; {heads}"


# -- reading and checking a log -----------------------------------------------------------
@dataclass
class LogCheck:
    checkpoints: int = 0
    keys: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused and not self.findings


def parse_log(text: str) -> tuple[list[dict], list[str]]:
    """The checkpoints of a log and every line that is not one (with its number)."""
    lines, refused = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except ValueError as exc:
            refused.append(f"line {number} is not JSON: {exc}")
            continue
        if not isinstance(line, dict) or any(
            name not in line for name in (*FIELDS, "public_key", "signature")
        ):
            refused.append(f"line {number} is not a checkpoint (fields missing)")
            continue
        line["_line"] = number
        lines.append(line)
    return lines, refused


def _signed(line: dict, trusted: str | None) -> str | None:
    """Why a checkpoint's signature cannot be accepted, or None."""
    where = f"checkpoint {line.get('sequence')} (line {line.get('_line', '?')})"
    try:
        key_id = signing.key_id_of(line["public_key"])
    except (ValueError, TypeError):
        return f"{where}: its public key is not base64"
    if key_id != line["key_id"]:
        return f"{where}: its key id {line['key_id']} is not that of the key it carries"
    if trusted and key_id != trusted:
        return f"{where}: signed by key {key_id}, not this installation's key {trusted}"
    if not signing.signature_holds(line["public_key"], str(line["signature"]), statement(line)):
        return f"{where}: the signature does not verify; the checkpoint was altered"
    return None


def verify_against(lines: list[dict], *, source: str, recompute: bool = True) -> LogCheck:
    """Checks each checkpoint's signature and link, then recomputes every chain from its
    rows and names, for each chain, the first checkpoint it no longer matches. With
    `recompute=False` the hashes stored with the rows are compared instead (for `openics
    check`, whose other checks recompute the chains from the rows)."""
    result = LogCheck(checkpoints=len(lines))
    mine = public_key()
    trusted = mine["key_id"] if mine else None
    ordered = sorted(lines, key=lambda line: line["sequence"])
    for line in ordered:
        problem = _signed(line, trusted)
        if problem:
            result.refused.append(problem)
        result.keys.add(line["key_id"])
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after["sequence"] == before["sequence"] + 1 and after["previous"] != sha256(
            statement(before)
        ):
            result.refused.append(
                f"checkpoint {after['sequence']} does not follow checkpoint {before['sequence']}"
            )
    if result.refused:
        return result  # nothing is compared with a log that cannot be trusted
    known = {c.name: c for c in chains.chains()}
    wanted: dict[str, set[int]] = {name: set() for name in known}
    for line in ordered:
        for name, head in line["heads"].items():
            if name in wanted:
                wanted[name].add(int(head["length"]))
    if recompute:
        recomputed = {name: known[name].recompute(wanted[name]) for name in known}
    else:
        recomputed = {name: _stored(known[name], wanted[name]) for name in known}
    for name, chain in known.items():
        found = recomputed[name]
        earlier = None
        for line in ordered:
            published = line["heads"].get(name)
            if published is None:
                continue
            length = int(published["length"])
            if length > found.length:
                result.findings.append(
                    Finding(
                        name,
                        found.length + 1,
                        f"{chain.title}: checkpoint {line['sequence']} ({line['made_at']}) "
                        f"published {length} links; the rows hold {found.length} now. "
                        f"Removed since: {chain.between(earlier, published)}.",
                    )
                )
                break
            now = found.at.get(length) if length else chains.Head(0, GENESIS)
            if now is None or now.head != published["head"]:
                result.findings.append(
                    Finding(
                        name,
                        (int(earlier["length"]) + 1) if earlier else 1,
                        f"{chain.title}: checkpoint {line['sequence']} ({line['made_at']}) "
                        f"published {published['head'][:16]}… at link {length}; recomputed "
                        f"from the rows it is {(now.head if now else '?')[:16]}…. "
                        f"Changed since: {chain.between(earlier, published)}.",
                    )
                )
                break
            earlier = published
    from openics.core.models import Checkpoint

    stored = {c.sequence: c.signature for c in Checkpoint.objects.only("sequence", "signature")}
    missing = [line["sequence"] for line in ordered if line["sequence"] not in stored]
    if missing and source != "database":
        result.findings.append(
            Finding(
                "checkpoints",
                missing[0],
                f"checkpoint {missing[0]} of {source} is not in the database: "
                f"{len(missing)} published checkpoint(s) were removed",
            )
        )
    return result


def _stored(chain, lengths: set[int]) -> chains.Recomputed:
    if chain.stored_at is None:
        return chain.recompute(lengths)
    at = {n: chains.Head(n, h) for n, h in chain.stored_at(lengths).items()}
    return chains.Recomputed(chain.head().length, at, [])


def stored_lines() -> list[dict]:
    lines = []
    for number, text in enumerate(log_lines(), start=1):
        line = json.loads(text)
        line["_line"] = number
        lines.append(line)
    return lines


def internal_findings() -> list[Finding]:
    """Every chain recomputed from its rows (no log), and compared with its other copies."""
    findings: list[Finding] = []
    for chain in chains.chains():
        findings += chain.recompute(set()).findings
        findings += chain.witnesses()
    return findings


def export(lines: Iterable[str], out) -> int:
    n = 0
    for line in lines:
        out.write(line)
        n += 1
    return n
