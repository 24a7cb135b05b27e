"""The secretary runs a meeting in the workspace: the trusts' partner member, whose post is
at the trust an item affects, must step out; a vote cast for them is refused with the
rule's reason; the item passes on the quorum left; the minutes are published."""

from datetime import date

from openics.core.models import AuditEntry
from openics.core.roles import Role
from openics.governance.models import AgendaItem, Meeting, RecordEntry

BOARD = "/workspace/QXX/boards/qxx-board"


def _day(name, d: date):
    return {f"{name}-day": d.day, f"{name}-month": d.month, f"{name}-year": d.year}


def test_secretary_runs_a_meeting_with_a_recused_member(client, world, signed_in):
    user = signed_in(Role.BOARD_SECRETARY)
    day = date(2026, 3, 10)
    assert (
        client.post(f"{BOARD}/meetings/new/", {**_day("held_on", day), "public": "on"}).status_code
        == 302
    )
    meeting = Meeting.objects.get(board=world.board, held_on=day)
    base = f"/workspace/QXX/meetings/{meeting.reference}"
    present = [str(m.pk) for m in world.members.values()]
    assert client.post(f"{base}/attendance/", {"present": present}).status_code == 302
    answer = client.post(
        f"{base}/items/new/",
        {
            "number": "1",
            "title": "Extend the trust's contract",
            "kind": "decision",
            "organisations": "RTT",
        },
    )
    assert answer.status_code == 302, answer.content.decode()
    item = AgendaItem.objects.get(meeting=meeting, number="1")
    page = client.get(f"{base}/items/1/").content.decode()
    assert "Partner member: trusts Person" in page and "Quorate for this item" in page
    trusts = world.members["trusts"]
    votes = {f"vote-{m.pk}": "for" for k, m in world.members.items()}
    refused = client.post(f"{base}/items/1/", {**votes, "resolution": "Extended"})
    text = refused.content.decode()
    assert refused.status_code == 400 and "is recused from item 1 and cannot vote" in text
    assert "Extended" in text  # what was typed is kept
    del votes[f"vote-{trusts.pk}"]
    assert client.post(f"{base}/items/1/", {**votes, "resolution": "Extended"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "decided" and item.recusals.get().membership == trusts
    assert client.post(f"{base}/publish/").status_code == 302
    entry = RecordEntry.objects.get(kind="minutes")
    assert entry.body["items"][0]["outcome"] == "carried"
    # Every audit entry the workspace wrote names the person who signed in.
    written = AuditEntry.objects.filter(reason__contains="in the workspace")
    assert written.count() >= 5
    assert set(written.values_list("actor_user", flat=True)) == {user.pk}
    public = client.get(meeting.get_absolute_url()).content.decode()
    assert "Extended" in public
