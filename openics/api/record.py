"""The public record's signed checkpoints through the read API: the key, the latest, and
pages of the log (the same objects as the lines of /record/checkpoints.jsonl)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Query, Router, Schema

from openics.api.pagination import MAX_LIMIT, MAX_OFFSET

router = Router(tags=["record"])


class CheckpointOut(Schema):
    sequence: int
    made_at: str
    occasion: str
    heads: dict[str, dict[str, Any]]
    previous: str
    key_id: str
    public_key: str
    signature: str


class KeyOut(Schema):
    key_id: str
    base64: str
    pem: str | None = None


class CheckpointsOut(Schema):
    key: KeyOut | None
    count: int
    offset: int
    latest: CheckpointOut | None
    checkpoints: list[CheckpointOut]
    log: str


class CheckpointQuery(Schema):
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


@router.get(
    "/checkpoints",
    response=CheckpointsOut,
    summary="Signed checkpoints of every hash chain (the record of decisions, the books), "
    "oldest first, with the public key that signs them",
)
def checkpoints(request, page: Query[CheckpointQuery]):
    from openics.core import checkpoints as found
    from openics.core.models import Checkpoint

    rows = Checkpoint.objects.order_by("sequence")[page.offset : page.offset + page.limit]
    latest = found.latest()
    key = found.public_key()
    if key is None and latest is not None:
        key = {"key_id": latest.key_id, "base64": latest.public_key, "pem": None}
    return {
        "key": key,
        "count": Checkpoint.objects.count(),
        "offset": page.offset,
        "latest": found.as_line(latest) if latest else None,
        "checkpoints": [found.as_line(c) for c in rows],
        "log": "/record/checkpoints.jsonl",
    }
