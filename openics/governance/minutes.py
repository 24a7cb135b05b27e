"""Publishing a meeting's minutes: one entry on the hash-chained record that says who came
and what became of every item, once every item has been decided, minuted as not taken or
was for noting. The decisions themselves are already on the record, each entered as it
was taken; this entry closes the meeting and points at them."""

from __future__ import annotations

from openics.core.audit import Refused, service
from openics.governance import record
from openics.governance.models import ItemKind, ItemStatus, Meeting, RecordEntry
from openics.governance.selectors import item_sort_key


def published(meeting: Meeting) -> RecordEntry | None:
    """The record entry that published this meeting's minutes, if it has been."""
    return (
        RecordEntry.objects.filter(kind="minutes", board=meeting.board)
        .filter(body__meeting=meeting.reference)
        .first()
    )


@service("governance.publish_minutes")
def publish_minutes(*, meeting: Meeting, audit) -> RecordEntry:
    if published(meeting) is not None:
        raise Refused(f"the minutes of {meeting} are already published")
    attendance = list(meeting.attendance.select_related("membership__person"))
    if not attendance:
        raise Refused("record who attended the meeting before publishing its minutes")
    items = sorted(meeting.items.all(), key=lambda i: item_sort_key(i.number))
    open_items = [i for i in items if i.status == ItemStatus.OPEN and i.kind != ItemKind.NOTING]
    if open_items:
        raise Refused(
            [
                f"item {i.number} ({i.title}) is not yet decided or minuted as not taken"
                for i in open_items
            ],
            asked={"meeting": meeting.reference},
        )
    decided = {
        e.item_id: e.sequence
        for e in RecordEntry.objects.filter(
            item__meeting=meeting, kind__in=("decision", "not_taken")
        )
    }
    body = {
        "meeting": meeting.reference,
        "held_on": meeting.held_on.isoformat(),
        "board": meeting.board.name,
        "title": meeting.title,
        "present": sorted(a.membership.person.name for a in attendance if a.present),
        "apologies": sorted(a.membership.person.name for a in attendance if not a.present),
        "items": [
            {
                "item": i.number,
                "title": i.title,
                "status": i.status if i.kind != ItemKind.NOTING else "noted",
                "outcome": i.outcome or None,
                "resolution": i.resolution or None,
                "record_entry": decided.get(i.pk),
            }
            for i in items
        ],
    }
    return record.append(audit=audit, kind="minutes", body=body, board=meeting.board)
