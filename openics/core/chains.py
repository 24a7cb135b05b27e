"""Hash chains the contexts keep, and the registry that checkpoints and `openics verify` read.

A context that keeps a chain (governance: the record of decisions; the ledger: its postings)
registers it in its own `chains` module, found the way `checks` modules are. A chain can
say where it ends (`head`: its length, the hash at its end and anything else worth
publishing, such as how many postings it covers), recompute itself from its rows, compare
its rows with the other copies of them (the minutes, the audit log), and name what lies
between two published lengths when a checkpoint shows that something there changed.

Writers call `extended(name)` when they add to a chain; the outermost `@service` then
writes a signed checkpoint before its transaction commits (core.checkpoints).
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

GENESIS = "0" * 64


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(data) -> bytes:
    """Compact JSON with sorted keys: the one form a hash or a signature covers."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Head:
    """Where a chain ends: how many links it has, the hash of the last, and what else a
    checkpoint publishes of it (plain JSON values)."""

    length: int
    head: str
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"length": self.length, "head": self.head, **self.extra}


@dataclass(frozen=True)
class Finding:
    """Something that does not fit: in which chain, at which link (if one), and what."""

    chain: str
    position: int | None
    what: str


@dataclass
class Recomputed:
    """A chain recomputed from its rows alone: its length, the recomputed hash (and what else
    a checkpoint publishes) at each position asked for, and whatever did not fit the hashes
    stored with the rows."""

    length: int
    at: dict[int, Head]
    findings: list[Finding]


@dataclass(frozen=True)
class Chain:
    name: str
    title: str
    head: Callable[[], Head]
    recompute: Callable[[set[int]], Recomputed]
    # The rows compared with the other copies of them (minutes, audit log).
    witnesses: Callable[[], list[Finding]]
    # What lies between two published heads (earlier or None, later), for a report.
    between: Callable[[dict | None, dict], str]
    # The hashes stored with the rows at the lengths asked (no recomputing), for checking
    # checkpoints quickly where the rows are recomputed by another check.
    stored_at: Callable[[set[int]], dict[int, str]] | None = None


_CHAINS: dict[str, Chain] = {}


def register(chain: Chain) -> Chain:
    _CHAINS[chain.name] = chain
    return chain


_WITNESSES: dict[str, list[Callable[[], list[Finding]]]] = {}


def add_witness(name: str, witness: Callable[[], list[Finding]]) -> None:
    """A context above the one that keeps a chain compares what it holds with the chain
    (arranging: its published notices with the record of decisions)."""
    found = _WITNESSES.setdefault(name, [])
    if witness not in found:
        found.append(witness)


def witnesses_of(name: str) -> list[Finding]:
    chains()  # finds every context's chains module, and so every witness
    findings: list[Finding] = []
    for witness in _WITNESSES.get(name, []):
        findings += witness()
    return findings


_discovered = False


def chains() -> list[Chain]:
    global _discovered
    if not _discovered:  # once a process: a checkpoint is written after every change
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("chains")
        _discovered = True
    return [_CHAINS[name] for name in sorted(_CHAINS)]


def heads() -> dict[str, dict]:
    return {chain.name: chain.head().as_json() for chain in chains()}


# -- which chains a service extended -------------------------------------------------------
_extended: contextvars.ContextVar[frozenset[str] | None] = contextvars.ContextVar(
    "openics_chains_extended", default=None
)


def extended(name: str) -> None:
    """A writer added to the chain `name` (inside a service's transaction)."""
    current = _extended.get()
    if current is not None:
        _extended.set(current | {name})


def begin() -> contextvars.Token | None:
    """Starts watching for extended chains, if no outer service is watching already."""
    if _extended.get() is not None:
        return None
    return _extended.set(frozenset())


def watched() -> frozenset[str]:
    return _extended.get() or frozenset()


def end(token: contextvars.Token | None) -> None:
    if token is not None:
        _extended.reset(token)


def in_chunks(values, size: int = 500):
    values = sorted(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def stream_digest(lines: Iterable[bytes]) -> tuple[str, int]:
    """The SHA-256 of lines written one after another, and how many there were."""
    h = hashlib.sha256()
    n = 0
    for line in lines:
        h.update(line)
        n += 1
    return h.hexdigest(), n


# PostgreSQL: one advisory lock serialises every writer of a chain and of the checkpoints, so
# two writers never take the same place in a chain and postings are numbered in the order
# they are sealed. Taken before any row lock a writer takes, so it cannot deadlock with them.
# SQLite serialises writers itself.
_LOCK_KEY = 0x0_1C5C_4A15


def lock() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
