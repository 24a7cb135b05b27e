"""Boards on the portal: every board and its constitution, each board's members, the minutes
of each meeting with its recusals and votes, the register of interests (also as CSV),
powers used from above, and the hash-chained record of decisions. All public, read-only,
and always as things stand today."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from openics.governance import selectors
from openics.kernel import spreadsheets
from openics.portal.record import stamp

_HOME = {"href": "/", "text": "Home"}
_BOARDS = {"href": "/boards/", "text": "Boards"}


def _page(request, template: str, context: dict, crumbs: list[dict]):
    context = {"illustrative_text": selectors.ILLUSTRATIVE, "breadcrumbs": crumbs, **context}
    return render(request, f"boards/{template}", context)


def boards(request):
    today = timezone.localdate()
    rows = selectors.board_rows(today=today)
    return _page(
        request,
        "boards.jinja",
        {
            "rows": rows,
            "today": today,
            "any_illustrative": any(r.board.illustrative for r in rows),
        },
        [_HOME],
    )


def board(request, slug: str):
    found = selectors.board_record(slug, today=timezone.localdate())
    if found is None:
        raise Http404(f"no board has the key {slug}")
    return _page(request, "board.jinja", {"record": found, "b": found.board}, [_HOME, _BOARDS])


def meeting(request, reference: str):
    found = selectors.meeting_record(reference)
    if found is None:
        raise Http404(f"no meeting has the reference {reference}")
    board = found.board
    crumbs = [_HOME, _BOARDS, {"href": board.get_absolute_url(), "text": board.name}]
    return _page(request, "meeting.jinja", {"record": found, "m": found.meeting}, crumbs)


def interests(request):
    register = selectors.interests_register(today=timezone.localdate())
    return _page(
        request,
        "interests.jinja",
        {
            "register": register,
            "interest_columns": selectors.INTEREST_COLUMNS,
            "gift_columns": selectors.GIFT_COLUMNS,
        },
        [_HOME, _BOARDS],
    )


def _csv(name: str, columns, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = spreadsheets.writer(response)
    writer.writerow([column for column, _ in columns])
    writer.writerows(rows)
    return stamp(response)


def interests_csv(request):
    register = selectors.interests_register(today=timezone.localdate(), owed=False)
    return _csv("interests.csv", selectors.INTEREST_COLUMNS, selectors.interest_rows(register))


def gifts_csv(request):
    register = selectors.interests_register(today=timezone.localdate(), owed=False)
    return _csv("gifts.csv", selectors.GIFT_COLUMNS, selectors.gift_rows(register.gifts))


def record(request):
    from openics.core import checkpoints

    context = {"page": selectors.record_page(), "checkpoint": checkpoints.latest()}
    return _page(request, "record.jinja", context, [_HOME, _BOARDS])


def powers(request):
    today = timezone.localdate()
    found = selectors.interventions()
    return _page(
        request,
        "powers.jinja",
        {
            "interventions": found,
            "today": today,
            "any_illustrative": any(i.illustrative for i in found),
        },
        [_HOME, _BOARDS],
    )
