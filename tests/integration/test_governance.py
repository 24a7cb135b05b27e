"""Boards, interests, meetings and the record of decisions, through the audited services."""

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from openics.cli import main
from openics.contracts.models import Contract
from openics.core.audit import Refused
from openics.core.models import AuditEntry
from openics.governance import facts, record
from openics.governance import services as gov
from openics.governance.models import (
    AgendaItem,
    Declaration,
    Membership,
    RecordEntry,
    Recusal,
    Vote,
)
from openics.kernel.money import Money
from tests.governance_world import WHO, build_governance_world
from tests.tamper import as_superuser

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_governance_world()


def _item(meeting, number="2", **fields):
    fields.setdefault("kind", "decision")
    return gov.add_item(meeting=meeting, number=number, title=f"Item {number}", **fields, **WHO)


def _everyone_but(world, *keys):
    return {m: "for" for k, m in world.members.items() if k not in keys}


def test_a_member_with_a_financial_interest_cannot_vote_and_the_minutes_show_the_recusal(world):
    gov.declare_interest(
        person=world.people["gp"],
        organisation=world.company,
        category="financial",
        nature="Shareholder",
        arose_on=date(2025, 1, 1),
        declared_on=date(2025, 1, 10),
        **WHO,
    )
    meeting = world.meeting()
    item = _item(meeting, organisations=[world.company])

    with pytest.raises(Refused) as refused:
        gov.decide_item(item=item, votes=_everyone_but(world), resolution="Award it", **WHO)
    [why] = refused.value.reasons
    assert "is recused from item 2 and cannot vote" in why
    assert "declared financial interest in Scan Co Ltd (Shareholder)" in why
    item.refresh_from_db()
    assert item.status == "open" and not Vote.objects.exists() and not Recusal.objects.exists()
    assert not RecordEntry.objects.exists()
    assert AuditEntry.objects.filter(action="governance.decide_item.refused").count() == 1

    gov.decide_item(item=item, votes=_everyone_but(world, "gp"), resolution="Award it", **WHO)
    [recusal] = Recusal.objects.all()
    assert recusal.membership == world.members["gp"]
    assert "which is named in the item" in recusal.reasons[0]
    assert Vote.objects.count() == 9 and AgendaItem.objects.get(pk=item.pk).outcome == "carried"
    minutes = CliRunner().invoke(main, ["boards", "minutes", meeting.reference])
    assert minutes.exit_code == 0, minutes.output
    assert "Stepped out: Partner member: primary medical services Person" in minutes.output
    assert "because" in minutes.output and "Shareholder" in minutes.output
    [entry] = RecordEntry.objects.all()
    assert entry.body["recused"][0]["member"].startswith("Partner member: primary medical")
    assert "Partner member: primary medical services Person" not in " ".join(entry.body["votes"])


def test_a_partner_member_who_runs_the_provider_is_conflicted_on_its_contracts(world):
    meeting = world.meeting()
    item = _item(meeting, organisations=[world.trust])
    position = gov.item_position(item)
    assert list(position["recused"]) == [str(world.members["trusts"].pk)]
    assert (
        "Chief executive of Testshire Hospitals NHS FT"
        in position["recused"][str(world.members["trusts"].pk)][0]
    )


def test_recusal_reaches_the_parent_the_subcontractor_and_the_collaborative(world):
    prime = _contract(world, "C1", world.company, None)
    _contract(world, "C1-S", world.subcontractor, prime)
    for key, org in [
        ("ned1", world.parent),
        ("ned2", world.subcontractor),
        ("md", world.collaborative),
    ]:
        gov.declare_interest(
            person=world.people[key],
            organisation=org,
            category="non_financial_professional",
            nature="Adviser",
            arose_on=date(2024, 1, 1),
            declared_on=date(2024, 1, 2),
            **WHO,
        )
    meeting = world.meeting()
    whys = {a.name: a.why for a in facts.affected_by(_item(meeting, organisations=[world.company]))}
    assert whys == {
        "Scan Co Ltd": "named in the item",
        "Scan Holdings plc": "the parent company of Scan Co Ltd",
        "Helping Hands": "a subcontractor to Scan Co Ltd",
    }
    position = gov.item_position(AgendaItem.objects.get(number="2"))
    recused = {world.members[k].pk for k in ("ned1", "ned2")}
    assert {Membership.objects.get(pk=k).pk for k in position["recused"]} == recused
    trust_item = _item(meeting, number="3", organisations=[world.trust])
    whys = {a.name: a.why for a in facts.affected_by(trust_item)}
    expected = "a collaborative Testshire Hospitals NHS FT belongs to"
    assert whys["Testshire Collaborative"] == expected
    assert str(world.members["md"].pk) in gov.item_position(trust_item)["recused"]


def _contract(world, reference, provider, prime):
    return Contract.objects.create(
        reference=reference,
        title=reference,
        commissioner=world.icb,
        provider=provider,
        prime=prime,
        sector="community",
        start=date(2025, 4, 1),
        end=date(2028, 3, 31),
        annual_value=Money.parse("100000"),
        lifetime_value=Money.parse("300000"),
        original_lifetime_value=Money.parse("300000"),
        payment_mechanism="block",
    )


def test_an_interest_declared_after_the_meeting_does_not_recuse_at_it(world):
    gov.declare_interest(
        person=world.people["fd"],
        organisation=world.company,
        category="financial",
        nature="Consultancy",
        arose_on=date(2026, 1, 1),
        declared_on=date(2026, 4, 1),
        **WHO,
    )
    item = _item(world.meeting(), organisations=[world.company])
    assert gov.item_position(item)["recused"] == {}


def test_without_a_quorum_after_recusals_the_decision_cannot_be_taken(world):
    for key in ("ned1", "ned2"):
        gov.declare_interest(
            person=world.people[key],
            organisation=world.company,
            category="indirect",
            nature="Spouse employed there",
            related_person="spouse",
            arose_on=date(2024, 1, 1),
            declared_on=date(2024, 1, 2),
            **WHO,
        )
    meeting = world.meeting(absent=("fd", "nd", "la"))
    item = _item(meeting, organisations=[world.company])
    with pytest.raises(Refused) as refused:
        gov.decide_item(
            item=item,
            votes=_everyone_but(world, "ned1", "ned2", "fd", "nd", "la"),
            resolution="Award it",
            **WHO,
        )
    text = " ".join(refused.value.reasons)
    assert "only 5 of 10 voting members can take part" in text and "so 6" in text
    assert "the quorum needs a non-executive member taking part" in text
    assert not Vote.objects.exists() and not RecordEntry.objects.exists()

    gov.record_not_taken(item=item, **WHO)
    item.refresh_from_db()
    assert item.status == "not_taken" and "so 6" in item.outcome_reasons[0]
    assert Recusal.objects.filter(item=item).count() == 2
    assert RecordEntry.objects.get().kind == "not_taken"
    quorate = _item(meeting, number="3", organisations=[world.trust])
    with pytest.raises(Refused, match="can be decided"):
        gov.record_not_taken(item=quorate, **WHO)


def test_bad_input_is_refused_and_nothing_is_stored(world):
    before = Declaration.objects.count()
    with pytest.raises(Refused, match="'ZZZ99' is not in the registry"):
        gov.declare_interest(
            person=world.people["ceo"],
            organisation="ZZZ99",
            category="financial",
            nature="Director",
            arose_on=date(2026, 1, 1),
            declared_on=date(2026, 1, 2),
            **WHO,
        )
    assert Declaration.objects.count() == before
    seat = world.members["ned1"].seat
    newcomer = gov.register_person(slug="new", name="New Person", **WHO)
    with pytest.raises(Refused, match="overlaps"):
        gov.appoint(
            seat=seat, person=newcomer, starts=date(2027, 1, 1), term_ends=date(2029, 12, 31), **WHO
        )
    assert seat.memberships.count() == 1
    meeting = world.meeting()
    item = _item(meeting, organisations=[world.company])
    with pytest.raises(Refused, match="'yes' is not a vote"):
        gov.decide_item(
            item=item,
            votes={**_everyone_but(world), world.members["ned1"]: "yes"},
            resolution="x",
            **WHO,
        )
    assert AuditEntry.objects.filter(action__endswith=".refused").count() == 3


def test_a_new_term_may_follow_in_the_same_seat_once_the_last_one_ends(world):
    gov.end_membership(
        membership=world.members["ned1"], left_on=date(2026, 6, 30), why="Resigned", **WHO
    )
    newcomer = gov.register_person(slug="new", name="New Person", **WHO)
    gov.appoint(
        seat=world.members["ned1"].seat,
        person=newcomer,
        starts=date(2026, 7, 1),
        term_ends=date(2029, 6, 30),
        **WHO,
    )
    assert Membership.objects.on(date(2026, 7, 1)).filter(person=newcomer).exists()


def test_the_independence_bar_refuses_a_director_of_a_private_healthcare_company(world):
    candidate = gov.register_person(slug="cand", name="Candidate", **WHO)
    gov.record_post(
        person=candidate,
        organisation=world.company,
        title="Director",
        starts=date(2020, 1, 1),
        **WHO,
    )
    seat = gov.add_seat(
        board=world.board, title="Non-executive member 3", role="non_executive", **WHO
    )
    with pytest.raises(Refused, match="Sch 1B para 4"):
        gov.appoint(
            seat=seat,
            person=candidate,
            starts=date(2026, 1, 1),
            term_ends=date(2028, 12, 31),
            **WHO,
        )
    assert not seat.memberships.exists()


def test_a_call_in_exists_only_from_31_january_2024_and_takes_the_item_away(world):
    from tests.factories import OrganisationFactory

    dhsc = OrganisationFactory(kind="dhsc", code="DHSC", name="DHSC")
    meeting = world.meeting()
    item = _item(meeting, kind="reconfiguration", organisations=[world.trust])
    with pytest.raises(Refused, match="31 January 2024"):
        gov.record_intervention(
            reference="early",
            kind="reconfiguration_call_in",
            made_on=date(2024, 1, 30),
            made_by=dhsc,
            addressed_to=world.icb,
            subject="too early",
            item=item,
            **WHO,
        )
    call_in = gov.record_intervention(
        reference="ci",
        kind="reconfiguration_call_in",
        made_on=date(2026, 2, 1),
        made_by=dhsc,
        addressed_to=world.icb,
        subject="Stroke services",
        item=item,
        **WHO,
    )
    # Six months beginning with the day it was made: 1 February to 31 July inclusive.
    assert call_in.window_ends == date(2026, 7, 31)
    with pytest.raises(Refused, match="taken this out of the board's hands until 2026-07-31"):
        gov.decide_item(item=item, votes=_everyone_but(world, "trusts"), resolution="Go", **WHO)
    gov.record_not_taken(item=item, **WHO)
    assert [e.kind for e in RecordEntry.objects.all()] == ["intervention", "not_taken"]


def test_the_hash_chain_names_the_first_entry_altered_behind_the_applications_back(world):
    meeting = world.meeting()
    for n in ("2", "3", "4"):
        gov.decide_item(
            item=_item(meeting, number=n),
            votes=_everyone_but(world),
            resolution=f"Resolution {n}",
            **WHO,
        )
    assert record.verify().intact and record.verify().entries == 3
    result = CliRunner().invoke(main, ["verify"])
    assert result.exit_code == 0 and "intact: 3 entries" in result.output

    first = RecordEntry.objects.get(sequence=1)
    with pytest.raises(PermissionError):
        first.save()
    with pytest.raises(PermissionError):
        RecordEntry.objects.filter(sequence=1).update(kind="x")
    gov.correct_record(entry=first, correction="The resolution also set a review date.", **WHO)
    assert RecordEntry.objects.get(sequence=4).corrects_id == 1 and record.verify().intact

    table = RecordEntry._meta.db_table
    with as_superuser() as cursor:
        cursor.execute(
            f"UPDATE {table} SET body = %s WHERE sequence = 2", ['{"outcome": "not carried"}']
        )
    check = record.verify()
    assert check.first_bad == 2 and "altered outside the application" in check.problem
    result = CliRunner().invoke(main, ["verify"])
    assert result.exit_code == 1 and "Entry 2 is the first" in result.output


def test_rewriting_an_entry_and_its_hash_is_caught_at_the_next_link(world):
    meeting = world.meeting()
    for n in ("2", "3"):
        gov.decide_item(
            item=_item(meeting, number=n),
            votes=_everyone_but(world),
            resolution=f"Resolution {n}",
            **WHO,
        )
    original = RecordEntry.objects.get(sequence=1)
    assert record.verify().intact
    forged = RecordEntry.objects.get(sequence=1)
    forged.body = {"outcome": "not carried"}
    forged_hash = record.digest(forged)
    table = RecordEntry._meta.db_table
    with as_superuser() as cursor:
        cursor.execute(
            f"UPDATE {table} SET body = %s, hash = %s WHERE sequence = 1",
            ['{"outcome": "not carried"}', forged_hash],
        )
    check = record.verify()
    assert check.first_bad == 1 and "hash recomputed" in check.problem
    assert record.verify().first_bad == 1  # the first problem in order is reported
    with as_superuser() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE sequence = 2")
        cursor.execute(
            f"UPDATE {table} SET body = %s, hash = %s WHERE sequence = 1",
            [json.dumps(original.body), original.hash],
        )
    check = record.verify()
    assert check.first_bad == 2 and "entry 2 is missing" in check.problem


def test_removing_a_non_executive_breaks_the_constitution_under_2022_only(world, capsys):
    result = CliRunner().invoke(main, ["check", "--on", "2026-06-01"])
    assert "[ok] Constitution: NHS Testshire ICB board under hca-2022" in result.output
    assert "no declaration is overdue" in result.output
    result = CliRunner().invoke(
        main,
        [
            "boards",
            "end-term",
            "qxx-board",
            "--person",
            "ned2",
            "--on",
            "2026-06-01",
            "--reason",
            "Removed by NHS England",
        ],
    )
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["check", "--on", "2026-06-01"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    [breach] = [x for x in lines if "NHS Testshire ICB board under hca-2022" in x]
    assert breach.startswith("[FAIL]") and "at least two non-executive members but has 1" in breach
    [old] = [x for x in lines if "NHS Testshire ICB board under hsca-2012" in x]
    assert old.startswith("[ok]") and "no such body as an integrated care board" in old


def test_gifts_are_recorded_with_what_the_thresholds_say(world):
    hamper = gov.record_gift(
        person=world.people["ceo"],
        kind="gift",
        description="Hamper",
        value=Money.parse("35"),
        received_on=date(2025, 12, 20),
        source=world.company,
        from_supplier=True,
        **WHO,
    )
    assert "over the £6 allowed" in hamper.breaches[0]
    pen = gov.record_gift(
        person=world.people["ceo"],
        kind="gift",
        description="Pen",
        value=Money.parse("4"),
        received_on=date(2025, 12, 21),
        source=world.company,
        from_supplier=True,
        **WHO,
    )
    assert pen.breaches == []
    dinner = gov.record_gift(
        person=world.people["fd"],
        kind="hospitality",
        description="Dinner",
        value=Money.parse("60"),
        received_on=date(2026, 2, 1),
        source_name="A consultancy",
        **WHO,
    )
    assert dinner.breaches == [
        "hospitality worth £25 or more must be declared "
        "(Managing conflicts of interest in the NHS (September 2024; "
        "hospitality figures carried over) [U])"
    ]


def test_a_vote_after_a_gift_from_the_provider_is_flagged_with_its_rule(world, client):
    from openics.governance.compliance import gifts_before_votes

    gov.record_gift(
        person=world.people["fd"],
        kind="hospitality",
        description="Dinner",
        value=Money.parse("45"),
        received_on=date(2025, 6, 1),
        source=world.company,
        from_supplier=True,
        **WHO,
    )
    gov.record_gift(  # from an organisation the item does not affect: no conflict
        person=world.people["ceo"],
        kind="gift",
        description="Pen",
        value=Money.parse("4"),
        received_on=date(2025, 6, 1),
        source=world.trust,
        **WHO,
    )
    meeting = world.meeting()
    item = _item(meeting, organisations=[world.company])
    assert gifts_before_votes(meeting.held_on) == []  # nobody has voted yet
    gov.decide_item(item=item, votes=_everyone_but(world), resolution="Award it", **WHO)

    [flag] = gifts_before_votes(meeting.held_on)
    days = (meeting.held_on - date(2025, 6, 1)).days
    assert flag.item == item and flag.person == world.people["fd"]
    assert f"worth £45 from Scan Co Ltd on 1 June 2025, {days} days before" in flag.explanation
    assert "Managing conflicts of interest" in flag.citation
    checked = CliRunner().invoke(main, ["check", "--on", meeting.held_on.isoformat()])
    [line] = [x for x in checked.output.splitlines() if "Gifts before votes" in x]
    assert line.startswith("[FAIL]") and f"{meeting.reference} item 2" in line
    # a year and more before the meeting is outside the rule's period
    from openics.governance.models import Gift

    Gift.objects.update(received_on=date(2020, 1, 1))
    assert gifts_before_votes(meeting.held_on) == []


def test_an_interest_declared_after_a_vote_flags_the_vote_of_the_deciding_body(world, client):
    from openics.governance.compliance import conflicted_votes

    meeting = world.meeting()
    item = _item(meeting, organisations=[world.company])
    gov.decide_item(item=item, votes=_everyone_but(world), resolution="Award it", **WHO)
    assert conflicted_votes(meeting.held_on) == []  # nobody was conflicted when they voted
    # when the finance director declares, after the meeting, an interest that arose before it
    gov.declare_interest(
        person=world.people["fd"],
        organisation=world.company,
        category="financial",
        nature="Shares in Scan Co Ltd",
        arose_on=date(2024, 1, 1),
        declared_on=meeting.held_on + timedelta(days=30),
        **WHO,
    )
    # then the vote is flagged against the board or committee whose meeting took the item
    [flag] = conflicted_votes(meeting.held_on + timedelta(days=30))
    assert flag.item == item and flag.person == world.people["fd"]
    assert flag.board == meeting.board.name and "Scan Co Ltd" in flag.explanation
    checked = CliRunner().invoke(
        main, ["check", "--on", (meeting.held_on + timedelta(days=30)).isoformat()]
    )
    [line] = [x for x in checked.output.splitlines() if "Conflicted votes" in x]
    assert line.startswith("[FAIL]") and "governance.conflicts" in line


def test_boards_show_names_who_appointed_each_member_with_its_kind_and_ownership(world):
    shown = CliRunner().invoke(main, ["boards", "show", "qxx-board", "--on", "2026-01-05"])
    assert shown.exit_code == 0, shown.output
    icb = world.icb
    ownership = icb.get_ownership_display() if icb.ownership else "ownership not known"
    assert f"appointed by NHS Testshire ICB ({icb.get_kind_display()}; {ownership})" in (
        shown.output
    )
