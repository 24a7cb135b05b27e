"""Every notice already published goes onto the record of decisions, in the order published,
so the record's hash chain and its checkpoints cover notices as the service now does (each
with an audit copy, as a service writes)."""

import json
from datetime import UTC, datetime

from django.db import migrations

KINDS = {
    "intention": "Notice of intention to award a contract",
    "award": "Contract award notice",
    "urgent_award": "Urgent award notice",
    "modification": "Contract modification notice",
    "urgent_modification": "Urgent modification notice",
    "abandonment": "Notice of abandonment",
}


def notices_on_the_record(apps, schema_editor):
    from openics.governance.record import GENESIS, digest

    Notice = apps.get_model("commissioning", "Notice")
    RecordEntry = apps.get_model("governance", "RecordEntry")
    AuditEntry = apps.get_model("core", "AuditEntry")
    last = RecordEntry.objects.order_by("-sequence").first()
    sequence, previous = (last.sequence, last.hash) if last else (0, GENESIS)
    moment = datetime.now(UTC).replace(microsecond=0)
    on_record = {
        e.body.get("reference") for e in RecordEntry.objects.filter(kind="notice").only("body")
    }
    for notice in Notice.objects.select_related("decision").order_by("published_on", "reference"):
        if notice.reference in on_record:
            continue
        sequence += 1
        body = {
            "reference": notice.reference,
            "notice": notice.kind,
            "title": KINDS.get(notice.kind, notice.kind),
            "published_on": notice.published_on.isoformat(),
            "due_by": notice.due_by.isoformat() if notice.due_by else None,
            "platform": notice.platform,
            "regime": notice.regime_id,
            "decision": notice.decision.reference if notice.decision_id else None,
            "content": notice.content,
        }
        entry = RecordEntry(
            sequence=sequence,
            entered_at=moment,
            kind="notice",
            body=json.loads(json.dumps(body, default=str)),
            previous_hash=previous,
        )
        entry.hash = digest(entry)
        entry.save(force_insert=True)
        AuditEntry.objects.create(
            actor_system="migration:commissioning-0008",
            action="governance.record_notice",
            reason="notices published before the record held them",
            object_type="governance.recordentry",
            object_id=str(sequence),
            before=None,
            after={
                "sequence": sequence,
                "entered_at": moment.isoformat(),
                "kind": "notice",
                "board_id": None,
                "item_id": None,
                "corrects_id": None,
                "body": entry.body,
                "previous_hash": previous,
                "hash": entry.hash,
            },
        )
        previous = entry.hash


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0007_decision_record_2025"),
        ("governance", "0007_record_refuses_change"),
        ("core", "0005_checkpoints"),
    ]

    operations = [migrations.RunPython(notices_on_the_record, migrations.RunPython.noop)]
