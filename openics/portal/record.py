"""The public record's checkpoints on the portal: every signed checkpoint of the hash chains
(the record of decisions, the books), the key that signs them, and the log to download."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.shortcuts import render

from openics.core import chains, checkpoints

_HOME = {"href": "/", "text": "Home"}
SHOWN = 50


def checkpoint_page() -> dict:
    """The latest checkpoints, the key, and whether the latest matches the chains now."""
    from openics.core.models import Checkpoint

    latest = list(Checkpoint.objects.order_by("-sequence")[:SHOWN])
    now = chains.heads()
    key = checkpoints.public_key()
    if key is None and latest:
        key = {"key_id": latest[0].key_id, "base64": latest[0].public_key, "pem": None}
    current = bool(latest) and all(
        latest[0].heads.get(name, {}).get("head") == head["head"] for name, head in now.items()
    )
    return {
        "checkpoints": latest,
        "count": Checkpoint.objects.count(),
        "heads": now,
        "titles": {c.name: c.title for c in chains.chains()},
        "key": key,
        "current": current,
    }


def checkpoint_list(request):
    return render(
        request,
        "record/checkpoints.jinja",
        {"page": checkpoint_page(), "breadcrumbs": [_HOME, {"href": "/boards/", "text": "Boards"}]},
    )


def checkpoint_log(request):
    """Every checkpoint as one JSON object a line, oldest first (streamed)."""
    response = StreamingHttpResponse(
        checkpoints.log_lines(), content_type="application/jsonl; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="openics-checkpoints.jsonl"'
    return response


def stamp(response):
    """Names, on an open-data download, the checkpoint the data stood at: the
    `OpenICS-Checkpoint` header (its number, time, key and each chain's head) and a link to
    the log. A CSV file has no place for it inside."""
    response["OpenICS-Checkpoint"] = checkpoints.reference_text()
    response["Link"] = '</record/checkpoints.jsonl>; rel="describedby"'
    return response
