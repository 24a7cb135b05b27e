"""The boards portal and read API: every board and its constitution, a board's members, the
minutes of a meeting with its recusals and votes, the register of interests and its CSV
files, powers from above, the hash-chained record, and 404s."""

import csv
import html as entities
import io
import re
from dataclasses import dataclass, field
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openics.arranging import services as arranging
from openics.core.audit import Actor
from openics.governance import compliance, selectors
from openics.governance import services as gov
from openics.governance.models import AgendaItem, Board, Meeting, Membership, Person
from openics.kernel.money import Money
from tests.factories import OrganisationFactory
from tests.governance_world import own_constitution
from tests.psr_world import PsrWorld, build_psr_world, decide
from tests.tamper import as_superuser

pytestmark = pytest.mark.django_db

AS = {"actor": Actor.process("test-fixture"), "reason": "test set-up"}
TODAY = date(2026, 6, 1)
MEETING = "qua-board-2026-05-11"
MEMBERS = [  # key, name, seat, role
    ("chair", "Morgan Chair", "Chair", "chair"),
    ("ceo", "Sam Chief", "Chief executive", "chief_executive"),
    ("fd", "Priya Finance", "Director of finance", "finance_director"),
    ("md", "Omar Medic", "Medical director", "medical_director"),
    ("nd", "Grace Nurse", "Director of nursing", "nursing_director"),
    ("ned1", "Leo Audit", "Non-executive member (audit)", "non_executive"),
    ("ned2", "Iris Deputy", "Non-executive member (deputy chair)", "non_executive"),
    ("trusts", "Tariq Trusts", "Partner member: trusts", "partner_trusts"),
    ("gp", "Ada Practice", "Partner member: primary medical services", "partner_primary_medical"),
    ("la", "Pat Council", "Partner member: local authorities", "partner_local_authority"),
]
GP_INTEREST = "Sessional GP at the trust's urgent treatment centre (paid)"


@dataclass
class BoardsWorld:
    psr: PsrWorld
    board: Board
    meeting: Meeting
    decided: AgendaItem  # item 2: the provider selection decision, Ada Practice recused
    called_in: AgendaItem  # item 3: taken out of the board's hands by a call-in
    people: dict[str, Person] = field(default_factory=dict)
    members: dict[str, Membership] = field(default_factory=dict)


def build_boards_world() -> BoardsWorld:
    """An ICB board of the ten its regime asks for, one member with a financial interest in
    the trust a decision selects, and a meeting that decides it and cannot take a second
    item because the Secretary of State has called it in."""
    psr = build_psr_world()  # NHS Black Country ICB, the Dudley trust (RNA), Scan Co Ltd
    selection = decide(psr)  # DEC-1 selects the trust
    other_trust = OrganisationFactory(kind="nhs_trust", code="RXX", name="Elsewhere NHS Trust")
    dhsc = OrganisationFactory(kind="dhsc", code="", name="Department of Health and Social Care")
    board = gov.establish_board(
        slug="qua-board",
        name="NHS Black Country ICB board",
        kind="icb_board",
        organisation=psr.icb,
        established_on=date(2022, 7, 1),
        purpose="The unitary board of the ICB.",
        requirements=own_constitution("NHS Black Country ICB constitution (test)"),
        **AS,
    )
    people, members = {}, {}
    for key, name, title, role in MEMBERS:
        person = people[key] = gov.register_person(
            slug=key, name=name, mental_health_expertise=role == "medical_director", **AS
        )
        for day in (date(2025, 3, 1), date(2026, 3, 1)):
            gov.record_fit_and_proper(
                person=person, completed_on=day, assessed_by="the chair", **AS
            )
        seat = gov.add_seat(board=board, title=title, role=role, **AS)
        members[key] = gov.appoint(
            seat=seat,
            person=person,
            starts=date(2025, 4, 1),
            term_ends=date(2028, 3, 31),
            appointed_by=psr.icb,
            nominated_by=other_trust if key == "trusts" else None,
            deputy_chair=key == "ned2",
            **AS,
        )
    gov.record_post(
        person=people["trusts"],
        organisation=other_trust,
        title="Chief executive",
        starts=date(2020, 1, 6),
        **AS,
    )
    gov.declare_interest(
        person=people["gp"],
        organisation=psr.trust,
        category="financial",
        nature=GP_INTEREST,
        arose_on=date(2024, 1, 1),
        declared_on=date(2024, 1, 10),
        **AS,
    )
    gov.declare_interest(  # declared 73 days after it arose: late
        person=people["ned1"],
        organisation=psr.company,
        category="non_financial_personal",
        nature="Member of the company's patient panel",
        arose_on=date(2025, 1, 1),
        declared_on=date(2025, 3, 15),
        **AS,
    )
    for key, person in people.items():
        gov.make_return(
            person=person, made_on=date(2026, 4, 1), nil=key not in ("gp", "ned1"), **AS
        )
    gov.record_gift(
        person=people["fd"],
        kind="hospitality",
        description="Dinner at a finance conference",
        value=Money.parse("45"),
        received_on=date(2026, 3, 12),
        source=psr.trust,
        declared_on=date(2026, 3, 16),
        **AS,
    )
    gov.record_gift(
        person=people["ceo"],
        kind="gift",
        description="Christmas hamper",
        value=Money.parse("35"),
        received_on=date(2025, 12, 19),
        source=psr.company,
        from_supplier=True,
        declared_on=date(2026, 1, 5),
        **AS,
    )

    meeting = gov.schedule_meeting(board=board, held_on=date(2026, 5, 11), **AS)
    gov.add_item(meeting=meeting, number="1", title="Apologies", kind="noting", **AS)
    decided = arranging.take_to_board(
        selection,
        meeting=meeting,
        number="2",
        title="Provider selection: community nursing (DEC-1)",
        paper_title="Paper 2: community nursing",
        **AS,
    )
    called_in = gov.add_item(
        meeting=meeting,
        number="3",
        title="Closing the minor injuries unit",
        kind="reconfiguration",
        organisations=[psr.trust],
        **AS,
    )
    gov.record_attendance(
        meeting=meeting, present=[m for k, m in members.items() if k != "la"], **AS
    )
    position = gov.item_position(decided)
    choices = {"ned1": "against", "nd": "abstain"}
    votes = {
        m: choices.get(key, "for")
        for key, m in members.items()
        if str(m.pk) in position["present"] and str(m.pk) not in position["recused"]
    }
    gov.decide_item(
        item=decided,
        votes=votes,
        resolution="The board approves the award of community nursing to the trust.",
        **AS,
    )
    gov.record_intervention(
        reference="call-in-test",
        kind="reconfiguration_call_in",
        made_on=date(2026, 5, 1),
        made_by=dhsc,
        addressed_to=psr.icb,
        item=called_in,
        subject="The Secretary of State calls in the closure of the minor injuries unit.",
        **AS,
    )
    gov.record_not_taken(item=called_in, **AS)
    return BoardsWorld(psr, board, meeting, decided, called_in, people, members)


def add_place_committees(world: BoardsWorld, count: int, start: int = 0) -> None:
    """More boards, each with two members, to show the list reads them in fixed queries."""
    for n in range(start, start + count):
        place = gov.establish_board(
            slug=f"place-{n}",
            name=f"Place committee {n}",
            kind="place_committee",
            organisation=world.psr.icb,
            parent=world.board,
            established_on=date(2023, 4, 1),
            **AS,
        )
        for role in ("chair", "other"):
            person = gov.register_person(slug=f"p{n}-{role}", name=f"Person {n} {role}", **AS)
            gov.record_post(
                person=person,
                organisation=world.psr.company,
                title="Adviser",
                starts=date(2024, 1, 1),
                **AS,
            )
            seat = gov.add_seat(board=place, title=role.title(), role=role, **AS)
            gov.appoint(
                seat=seat,
                person=person,
                starts=date(2023, 4, 1),
                term_ends=date(2027, 3, 31),
                appointed_by=world.psr.icb,
                **AS,
            )


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(date(2026, 6, 1), tick=False):
        yield TODAY


@pytest.fixture
def world():
    return build_boards_world()


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def section(html: str, start: str, end: str | None = None) -> str:
    """The part of a page from one marker to the next."""
    begin = html.index(start)
    return html[begin : html.index(end, begin) if end else None]


def text(html: str) -> str:
    """The words of some HTML, with tags dropped and spaces collapsed."""
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
    return entities.unescape(re.sub(r" ([,.;:])", r"\1", words))


# --- the minutes ----------------------------------------------------------------------------


def test_the_minutes_show_the_recusal_and_its_reason(client, world):
    html = get(client, f"/boards/meetings/{MEETING}/")
    item = text(section(html, 'id="item-2"', 'id="item-3"'))
    stepped_out = section(item, "Members who stepped out", "Resolution")
    assert "Ada Practice (Partner member: primary medical services) took no part" in stepped_out
    assert (
        f"declared financial interest in The Dudley Group NHS Foundation Trust ({GP_INTEREST})"
        in (stepped_out)
    )
    assert "which is the provider the decision selects" in stepped_out
    # and no one else stepped out
    assert stepped_out.count("took no part") == 1


def test_the_minutes_show_who_voted_how(client, world):
    html = get(client, f"/boards/meetings/{MEETING}/")
    item = section(html, 'id="item-2"', 'id="item-3"')
    assert "Carried: 6 for, 1 against, 1 abstained." in text(item)
    rows = re.findall(
        r'<tr class="nhsuk-table__row">\s*<td[^>]*>([^<]+)</td>\s*<td[^>]*>([^<]+)</td>'
        r"\s*<td[^>]*>([^<]+)</td>",
        section(item, "How each member voted"),
    )
    votes = {name: choice for name, _, choice in rows}
    assert votes == {
        "Morgan Chair": "For",
        "Sam Chief": "For",
        "Priya Finance": "For",
        "Omar Medic": "For",
        "Grace Nurse": "Abstained",
        "Leo Audit": "Against",
        "Iris Deputy": "For",
        "Tariq Trusts": "For",
    }  # Ada Practice stepped out; Pat Council was absent
    assert "The board approves the award of community nursing to the trust." in item
    assert 'href="/arranging/decisions/DEC-1/"' in item


def test_the_minutes_show_attendance_and_an_item_not_taken(client, world):
    html = get(client, f"/boards/meetings/{MEETING}/")
    assert "Present (9)" in html and "Absent (1)" in html
    assert "Pat Council" in section(html, 'id="absent"', "</ul>")
    called_in = text(section(html, 'id="item-3"', "the record of decisions"))
    assert "Could not be taken" in called_in
    assert (
        "Secretary of State call-in of a reconfiguration (call-in-test) is in effect: "
        "The Secretary of State calls in the closure of the minor injuries unit." in called_in
    )
    # Ada Practice's interest in the trust the item names is minuted for this item too
    assert "Ada Practice (Partner member: primary medical services) took no part" in called_in
    assert "which is named in the item" in called_in
    noting = text(section(html, 'id="item-1"', 'id="item-2"'))
    assert "For noting" in noting and "Not yet taken" not in noting


def test_the_minutes_are_labelled_only_when_illustrative(client, world):
    assert selectors.ILLUSTRATIVE not in get(client, f"/boards/meetings/{MEETING}/")
    Meeting.objects.filter(pk=world.meeting.pk).update(illustrative=True)  # set-up
    assert selectors.ILLUSTRATIVE in get(client, f"/boards/meetings/{MEETING}/")


# --- a board --------------------------------------------------------------------------------


def test_the_board_page_shows_its_members_and_no_breach(client, world):
    html = get(client, "/boards/qua-board/")
    assert 'id="falls-short"' not in html
    members = text(section(html, 'id="members"', 'id="past"'))
    for name in ("Morgan Chair", "Iris Deputy Deputy chair", "Tariq Trusts", "Ada Practice"):
        assert name in members
    assert "Chief executive, Elsewhere NHS Trust" in members  # a post held elsewhere
    assert "Elsewhere NHS Trust" in members  # nominated by
    # with the kind and ownership of the bodies they come from and were nominated by
    assert "Elsewhere NHS Trust (NHS trust; NHS)" in members
    assert "NHS Black Country ICB (integrated care board; NHS)" in members  # appointed by
    assert "1 April 2025 to 31 March 2028" in members
    assert "1 March 2026" in members  # the last fit and proper person test
    assert "Vacant" not in members
    regimes = text(section(html, 'id="regimes"', 'id="meetings"'))
    current = section(regimes, "Health and Care Act 2022", "Health and Social Care Act 2012")
    assert "Holds" in current and "In force" in current
    meetings = section(html, 'id="meetings"', 'id="powers"')
    assert f'href="/boards/meetings/{MEETING}/"' in meetings
    assert re.search(r">\s*3\s*</td>\s*<td[^>]*>\s*1\s*</td>\s*<td[^>]*>\s*1\b", meetings)
    assert "call-in-test" in section(html, 'id="powers"')


def test_a_board_without_two_non_executives_is_flagged_at_the_top(client, world):
    gov.end_membership(
        membership=world.members["ned1"],
        left_on=date(2026, 5, 31),
        why="Resigned to chair a charity",
        **AS,
    )
    html = get(client, "/boards/qua-board/")
    flag = text(section(html, 'id="falls-short"', 'id="members"'))
    assert html.index('id="falls-short"') < html.index("<h2")  # before anything else
    assert "falls short of its constitution under Health and Care Act 2022" in flag
    assert "needs at least two non-executive members but has 1 (Iris Deputy)" in flag
    members = text(section(html, 'id="members"', 'id="past"'))
    assert "Non-executive member (audit) Non-executive member Vacant" in members
    past = text(section(html, 'id="past"', 'id="regimes"'))
    assert "Leo Audit Non-executive member (audit) 1 April 2025 30 May 2026" in past
    assert "Left on 31 May 2026, before the term ended: Resigned to chair a charity" in past
    regimes = text(section(html, 'id="regimes"', 'id="meetings"'))
    old_law = section(regimes, "Health and Social Care Act 2012", "Integration and innovation")
    assert "Not applicable" in old_law
    assert "there is no such body as an integrated care board" in old_law
    # and the list of boards says so too
    listed = text(get(client, "/boards/"))
    assert "NHS Black Country ICB board ICB board NHS Black Country ICB 9 Falls short" in listed


def test_a_joint_committee_shows_its_bodies_and_pooled_budget(client, world):
    partner = OrganisationFactory(kind="icb", code="QHL", name="NHS Birmingham and Solihull ICB")
    gov.establish_board(
        slug="joint",
        name="Specialised services joint committee",
        kind="joint_committee",
        organisation=world.psr.icb,
        bodies=[partner],
        pooled_budget=Money.parse("1650000000.01"),
        established_on=date(2025, 4, 1),
        **AS,
    )
    html = get(client, "/boards/joint/")
    assert "£1,650,000,000.01" in html
    bodies = section(html, "Member bodies", "Pooled budget")
    assert "NHS Birmingham and Solihull ICB" in bodies and "NHS Black Country ICB" in bodies
    assert "Vacant" not in html and "The board has no seats." in html
    detail = client.get("/api/governance/boards/joint").json()
    assert detail["pooled_budget"] == "1650000000.01"
    assert {b["code"] for b in detail["bodies"]} == {"QHL", "QUA"}


@pytest.mark.parametrize(
    "url",
    [
        "/boards/nope/",
        "/boards/meetings/nope/",
        "/api/governance/boards/nope",
        "/api/governance/meetings/nope",
    ],
)
def test_unknown_boards_and_meetings_are_not_found(client, world, url):
    assert client.get(url).status_code == 404


def test_the_pages_are_always_as_of_today(client, world):
    # ?on= is not read anywhere: the pages show things as they stand today
    assert get(client, "/boards/qua-board/?on=2024-01-01") == get(client, "/boards/qua-board/")
    assert get(client, "/boards/?on=2012-01-01") == get(client, "/boards/")


# --- every board ----------------------------------------------------------------------------


def test_the_list_of_boards(client, world):
    html = get(client, "/boards/")
    assert "1 board" in html
    assert 'href="/boards/qua-board/"' in html
    assert "NHS Black Country ICB board ICB board NHS Black Country ICB 10 Holds" in text(html)
    for link in ("/boards/interests/", "/boards/record/", "/boards/powers/"):
        assert f'href="{link}"' in html
    assert 'href="/boards/"' in get(client, "/")  # the section is open on the home page


def test_the_list_reads_in_the_same_number_of_queries_however_many_boards(client, world):
    add_place_committees(world, 1)
    with CaptureQueriesContext(connection) as two:
        assert "2 boards" in get(client, "/boards/")
    add_place_committees(world, 3, start=1)
    with CaptureQueriesContext(connection) as five:
        html = get(client, "/boards/")
    assert "5 boards" in html and "Place committee 3" in html
    assert len(five) == len(two)


def test_the_list_agrees_with_the_checks_of_each_board(world):
    add_place_committees(world, 2)
    gov.end_membership(
        membership=world.members["ned2"], left_on=date(2026, 5, 1), why="Moved away", **AS
    )
    rows = selectors.board_rows(today=TODAY)
    assert len(rows) == 3
    for row in rows:
        assert row.check == selectors.in_force(compliance.constitution(row.board, TODAY))
    assert rows[0].falls_short and not rows[1].falls_short


# --- the register of interests --------------------------------------------------------------


def test_the_register_shows_interests_posts_returns_and_gifts(client, world):
    html = get(client, "/boards/interests/")
    ada = text(section(html, 'id="person-gp"', "</section>"))
    assert "Financial The Dudley Group NHS Foundation Trust" in ada
    assert GP_INTEREST in ada and "1 January 2024" in ada and "10 January 2024" in ada
    assert "Declared late" not in ada
    assert "1 April 2026: a full declaration" in ada
    assert f'href="{world.psr.trust.get_absolute_url()}"' in html
    leo = text(section(html, 'id="person-ned1"', "</section>"))
    assert "15 March 2025 Declared late" in leo
    tariq = text(section(html, 'id="person-trusts"', "</section>"))
    assert "Chief executive, Elsewhere NHS Trust, from 6 January 2020" in tariq
    assert "Annual declaration (or nil return), by 1 April 2027" in tariq
    gifts = text(section(html, 'id="gifts"', 'id="columns"'))
    assert "Hospitality: Dinner at a finance conference" in gifts and "£45.00" in gifts
    assert "Christmas hamper" in gifts and "Breach" in gifts
    assert "over the £6 allowed for promotional items" in gifts
    # current members come before anyone else, and everyone here is a member
    assert "Current members (10)" in html and 'id="others"' not in html


def test_the_interests_csv(client, world):
    response = client.get("/boards/interests.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="interests.csv"' in response["Content-Disposition"]
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    assert reader.fieldnames == [name for name, _ in selectors.INTEREST_COLUMNS]
    rows = {row["person_key"]: row for row in reader}
    assert set(rows) == {"gp", "ned1"}
    assert rows["gp"] == {
        "person": "Ada Practice",
        "person_key": "gp",
        "current_member": "true",
        "category": "financial",
        "category_label": "financial",
        "organisation": "The Dudley Group NHS Foundation Trust",
        "organisation_code": "RNA",
        "nature": GP_INTEREST,
        "related_person": "",
        "arose_on": "2024-01-01",
        "declared_on": "2024-01-10",
        "ends_on": "",
        "declared_late": "false",
        "illustrative": "false",
    }
    assert rows["ned1"]["declared_late"] == "true"
    # the page documents every column
    page = get(client, "/boards/interests/")
    for name, _ in (*selectors.INTEREST_COLUMNS, *selectors.GIFT_COLUMNS):
        assert f"<code>{name}</code>" in page


def test_the_gifts_csv(client, world):
    response = client.get("/boards/gifts.csv")
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    assert reader.fieldnames == [name for name, _ in selectors.GIFT_COLUMNS]
    rows = list(reader)
    assert [r["received_on"] for r in rows] == ["2025-12-19", "2026-03-12"]
    hamper, dinner = rows
    assert (dinner["value_pounds"], dinner["accepted"], dinner["breaches"]) == (
        "45.00",
        "true",
        "",
    )
    assert dinner["giver"] == "The Dudley Group NHS Foundation Trust"
    assert dinner["giver_code"] == "RNA" and dinner["declared_on"] == "2026-03-16"
    assert hamper["value_pounds"] == "35.00" and hamper["from_supplier"] == "true"
    assert "over the £6 allowed for promotional items" in hamper["breaches"]


# --- powers and the record ------------------------------------------------------------------


def test_powers_from_above(client, world):
    html = get(client, "/boards/powers/")
    power = text(section(html, 'id="call-in-test"', "</section>"))
    assert "Secretary of State call-in of a reconfiguration" in power
    assert "NHS Act 2006 Schedule 10A" in power and "1 May 2026" in power
    assert "Department of Health and Social Care" in power
    assert "31 October 2026" in power  # six months beginning with 1 May
    assert "In effect" in power
    assert f'href="/boards/meetings/{MEETING}/#item-3"' in html


def test_the_record_shows_each_entry_and_that_the_chain_is_intact(client, world):
    html = get(client, "/boards/record/")
    assert "The chain is intact: 3 entries." in html
    first = section(html, 'id="entry-1"', 'id="entry-2"')
    words = text(first)
    assert "1. Decision" in words and "NHS Black Country ICB board" in words
    assert "Ada Practice (partner member (primary medical services)): Ada Practice:" in words
    assert "Leo Audit (non-executive member): against" in words
    assert "carried" in words
    entry = world.decided.record.get()
    assert f"<code>{entry.hash[:12]}…</code>" in first and entry.hash in first  # and in full
    assert "0" * 64 in first
    assert "Power used from above" in html and "Item not taken" in html


def test_a_correction_points_at_what_it_corrects(client, world):
    gov.correct_record(
        entry=world.decided.record.get(), correction="The resolution named the wrong trust", **AS
    )
    html = get(client, "/boards/record/")
    assert "The chain is intact: 4 entries." in html
    assert "Corrected" in section(html, 'id="entry-1"', 'id="entry-2"')
    assert 'href="#entry-4"' in html
    assert "4. Correction to entry 1" in text(html)


def test_an_entry_altered_behind_the_applications_back_breaks_the_chain(client, world):
    with as_superuser() as cursor:  # tampering, as someone with the database might
        cursor.execute(
            "UPDATE governance_recordentry SET body = %s WHERE sequence = 2", ['{"x": 1}']
        )
    html = get(client, "/boards/record/")
    assert "The chain is intact" not in html
    assert "The chain is broken at entry 2" in html
    assert "entry 2 (intervention) was altered outside the application" in html
    api = client.get("/api/governance/record").json()
    assert api["chain"]["intact"] is False and api["chain"]["first_bad"] == 2


# --- the read API ---------------------------------------------------------------------------


def test_the_api_gives_the_minutes_with_the_recusal(client, world):
    minutes = client.get(f"/api/governance/meetings/{MEETING}").json()
    assert minutes["board"] == "qua-board" and minutes["held_on"] == "2026-05-11"
    assert [a["person_key"] for a in minutes["absent"]] == ["la"]
    item = {i["number"]: i for i in minutes["items"]}["2"]
    assert item["selection_decision"] == "DEC-1" and item["outcome"] == "carried"
    [recusal] = item["recusals"]
    assert recusal["person"] == "Ada Practice"
    assert "Ada Practice: declared financial interest in" in recusal["reasons"][0]
    assert GP_INTEREST in recusal["reasons"][0]
    votes = {v["person_key"]: v["choice"] for v in item["votes"]}
    assert votes["ned1"] == "against" and votes["nd"] == "abstain" and "gp" not in votes
    assert item["tally"] == {"for": 6, "against": 1, "abstain": 1}
    called_in = {i["number"]: i for i in minutes["items"]}["3"]
    assert called_in["status"] == "not_taken" and called_in["interventions"] == ["call-in-test"]


def test_the_api_gives_boards_with_their_constitution(client, world):
    [board] = client.get("/api/governance/boards").json()
    assert board["slug"] == "qua-board" and board["current_members"] == 10
    assert board["constitution_holds"] is True and board["regime_in_force"] == "hca-2022"
    detail = client.get("/api/governance/boards/qua-board").json()
    checked = {c["regime_id"]: c for c in detail["constitution"]}
    assert checked["hca-2022"]["holds"] and checked["hca-2022"]["in_force"]
    assert checked["hsca-2012"]["applies"] is False
    assert "no such body as an integrated care board" in checked["hsca-2012"]["note"]
    seats = {s["title"]: s["member"] for s in detail["seats"]}
    assert seats["Partner member: trusts"]["posts_held_elsewhere"][0]["title"] == (
        "Chief executive"
    )
    assert seats["Chair"]["last_fit_and_proper"] == "2026-03-01"
    assert [m["reference"] for m in detail["meetings"]] == [MEETING]


def test_the_api_gives_the_register_and_the_record(client, world):
    register = client.get("/api/governance/interests").json()
    assert {d["person_key"] for d in register["declarations"]} == {"gp", "ned1"}
    values = {g["description"]: g["value"] for g in register["gifts"]}
    assert values == {"Dinner at a finance conference": "45.00", "Christmas hamper": "35.00"}
    assert all(not d["overdue"] for d in register["due"])
    entries = client.get("/api/governance/record").json()
    assert entries["chain"] == {"intact": True, "entries": 3, "first_bad": None, "problem": ""}
    assert [e["kind"] for e in entries["entries"]] == ["decision", "intervention", "not_taken"]
    first = entries["entries"][0]
    assert first["previous_hash"] == "0" * 64
    assert first["body"]["recused"][0]["reasons"][0].startswith("Ada Practice: declared")
    assert entries["entries"][1]["previous_hash"] == first["hash"]
    page = client.get("/api/governance/record?offset=1&limit=1").json()
    assert page["count"] == 3 and [e["sequence"] for e in page["entries"]] == [2]


def test_an_interest_that_looks_like_a_formula_is_text_in_the_csv(client, world):
    from openics.governance.models import Declaration

    declaration = (
        Declaration.objects.filter(illustrative=False).first() or Declaration.objects.first()
    )
    Declaration.objects.filter(pk=declaration.pk).update(nature='=HYPERLINK("http://x","y")')
    response = client.get("/boards/interests.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://x","y")' in cells
    assert not any(cell.startswith("=") for cell in cells)
