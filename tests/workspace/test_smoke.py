from datetime import date

from openics.core.models import AuditEntry
from openics.core.roles import Role
from openics.governance.models import Declaration


def _day(name, d: date):
    return {f"{name}-day": d.day, f"{name}-month": d.month, f"{name}-year": d.year}


def test_member_declares_an_interest_as_themselves(client, world, signed_in):
    user = signed_in(Role.BOARD_MEMBER, username="gp")
    page = client.get("/workspace/QXX/interests/declare/")
    assert page.status_code == 200, page.content
    response = client.post(
        "/workspace/QXX/interests/declare/",
        {
            "category": "financial",
            "organisation": "RTT",
            "nature": "Shareholding",
            **_day("arose_on", date(2026, 1, 5)),
        },
    )
    assert response.status_code == 302, response.content.decode()
    made = Declaration.objects.get(person__slug="gp", nature="Shareholding")
    entry = AuditEntry.objects.filter(action="governance.declare_interest").latest("occurred_at")
    assert entry.actor_user == user and entry.actor_system == ""
    assert str(made.pk) == entry.object_id


def test_pages_render(client, world, signed_in):
    signed_in(Role.BOARD_SECRETARY)
    assert client.get("/workspace/").url == "/workspace/QXX/"  # one organisation: straight there
    for url in [
        "/workspace/QXX/",
        "/workspace/QXX/boards/qxx-board/",
        "/workspace/QXX/boards/qxx-board/appoint/",
        "/workspace/QXX/boards/qxx-board/meetings/new/",
        "/workspace/QXX/interests/due/",
        "/workspace/QXX/interests/due.csv",
    ]:
        assert client.get(url).status_code == 200, url
