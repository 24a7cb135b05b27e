"""Boards for the demonstration system, NHS Black Country ICB, and a year of their meetings
(December 2025 to November 2026). Every person here is fictional: the surnames say so
(Example, Sample, Specimen, Placeholder…). The bodies are the demonstration's own.

The ICB board has exactly the minimum its regime asks for, including two non-executives,
so removing one shows a breach. Its meetings take the board's share of the year's
provider selection decisions; members are recused by the rules, never by hand, and one
item falls because the recusals leave the meeting without a quorum. Everything goes
through the audited services, including an appointment the independence bar refuses.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date
from pathlib import Path

from openics.arranging import services as arranging
from openics.arranging.models import SelectionDecision
from openics.core.audit import Refused
from openics.governance import services as gov
from openics.governance.models import Board, Membership
from openics.kernel.money import Money
from openics.organisations.models import Organisation

ILLUSTRATIVE = "(illustrative)"
VENUE = "Board room, Wolverhampton Science Park (illustrative)"

# (key, name, seat title, role, posts [(code or key, title, from)], deputy chair)
# Board members the chair approved for their knowledge and experience of mental-health
# services (Sch 1B para 8(6)): the medical director, a consultant psychiatrist (illustrative).
MENTAL_HEALTH_EXPERIENCE = {"omar-testcase"}

ICB_BOARD = [
    ("morgan-placeholder", "Morgan Placeholder", "Chair", "chair", [], False),
    ("sam-specimen", "Sam Specimen", "Chief executive", "chief_executive", [], False),
    ("priya-sample", "Priya Sample", "Director of finance", "finance_director", [], False),
    ("omar-testcase", "Dr Omar Testcase", "Medical director", "medical_director", [], False),
    ("grace-dummy", "Grace Dummy", "Director of nursing", "nursing_director", [], False),
    ("leo-notreal", "Leo Notreal", "Non-executive member (audit)", "non_executive", [], False),
    (
        "iris-fictional",
        "Iris Fictional",
        "Non-executive member (deputy chair)",
        "non_executive",
        [],
        True,
    ),
    (
        "tariq-invented",
        "Dr Tariq Invented",
        "Partner member: NHS trusts and foundation trusts",
        "partner_trusts",
        [("RNA", "Chief executive", date(2020, 1, 6))],
        False,
    ),
    (
        "nadia-madeup",
        "Nadia Madeup",
        "Partner member: mental health",
        "partner_trusts",
        [("TAJ", "Chief executive", date(2019, 9, 2))],
        False,
    ),
    (
        "ada-example",
        "Dr Ada Example",
        "Partner member: primary medical services",
        "partner_primary_medical",
        [],
        False,
    ),
    (
        "pat-imaginary",
        "Cllr Pat Imaginary",
        "Partner member: local authorities",
        "partner_local_authority",
        [("E08000027", "Cabinet member for adult social care", date(2021, 5, 10))],
        False,
    ),
]
ESTABLISHED = date(2022, 7, 1)
FIRST_TERM_ENDS = date(2027, 6, 30)
# The register of interests, and the boards besides the ICB's, with their members.
BOARDS = Path(__file__).parent / "data" / "boards.json"


# What the demonstration ICB's own constitution asks of its board beyond the Act (as NHS
# England's 2022 model did; from June 2025 each ICB's constitution is the test). Illustrative.
_OWN = "NHS Black Country ICB constitution (illustrative)"
QUA_CONSTITUTION = [
    {
        "title": "a director of finance",
        "roles": ["finance_director"],
        "at_least": 1,
        "source": _OWN,
    },
    {"title": "a medical director", "roles": ["medical_director"], "at_least": 1, "source": _OWN},
    {
        "title": "a director of nursing",
        "roles": ["nursing_director"],
        "at_least": 1,
        "source": _OWN,
    },
    {
        "title": "at least two non-executive members",
        "roles": ["non_executive"],
        "at_least": 2,
        "source": _OWN,
    },
]


def load(actor, reason: str) -> dict:
    """Loads the boards, people, declarations and meetings; does nothing the second time."""
    if Board.objects.filter(slug="qua-board").exists():
        return {"boards": Board.objects.filter(illustrative=True).count()}
    who = {"actor": actor, "reason": reason}
    icb = Organisation.objects.get(kind="icb", code="QUA")
    org = {
        o.code: o
        for o in Organisation.objects.filter(code__in=["RNA", "RL4", "RXK", "RBK", "TAJ", "X24"])
    }
    las = {
        o.ons_code: o
        for o in Organisation.objects.filter(
            kind="local_authority",
            ons_code__in=["E08000027", "E08000028", "E08000030", "E08000031"],
        )
    }
    named = {
        key: Organisation.objects.get(name=f"{name} {ILLUSTRATIVE}")
        for key, name in [
            ("imaging", "Black Country Imaging Ltd"),
            ("homecare", "Black Country Home Care Ltd"),
        ]
    }
    collaborative = Organisation.objects.get(
        kind="provider_collaborative", name="Black Country Provider Collaborative"
    )
    dhsc = Organisation.objects.get(kind="dhsc")
    parent = _parent_company(named["imaging"], who)
    bodies = {**org, **las, **named, "icb": icb, "parent": parent, "collaborative": collaborative}
    data = json.loads(BOARDS.read_text(encoding="utf-8"))

    people = {}

    def person(key, name):
        if key not in people:
            people[key] = gov.register_person(
                slug=key,
                name=name,
                mental_health_expertise=key in MENTAL_HEALTH_EXPERIENCE,
                illustrative=True,
                **who,
            )
        return people[key]

    # -- the ICB board ------------------------------------------------------------------
    board = gov.establish_board(
        slug="qua-board",
        name="NHS Black Country ICB board",
        kind="icb_board",
        organisation=icb,
        established_on=ESTABLISHED,
        illustrative=True,
        purpose="The unitary board of the integrated care board: its statutory decisions, "
        "its constitution and the arrangements it makes for its population.",
        requirements=QUA_CONSTITUTION,
        **who,
    )
    members: dict[str, Membership] = {}
    for key, name, title, role, posts, deputy in ICB_BOARD:
        p = person(key, name)
        for code, post_title, since in posts:
            gov.record_post(
                person=p, organisation=bodies[code], title=post_title, starts=since, **who
            )
        seat = gov.add_seat(board=board, title=title, role=role, **who)
        starts = ESTABLISHED if key != "leo-notreal" else date(2025, 4, 1)
        if key == "leo-notreal":
            first = person("ben-sample", "Ben Sample")
            _fppt(first, [date(2024, 3, 1)], who)
            early = gov.appoint(
                seat=seat,
                person=first,
                starts=ESTABLISHED,
                term_ends=FIRST_TERM_ENDS,
                appointed_by=icb,
                illustrative=True,
                **who,
            )
            gov.end_membership(
                membership=early,
                left_on=date(2025, 4, 1),
                why="Resigned to take up a post outside the NHS",
                **who,
            )
            _fppt(p, [date(2025, 3, 10), date(2026, 3, 5)], who)
        else:
            _fppt(p, [date(2024, 3, 1), date(2025, 3, 3), date(2026, 3, 2)], who)
        members[key] = gov.appoint(
            seat=seat,
            person=p,
            starts=starts,
            term_ends=FIRST_TERM_ENDS,
            appointed_by=icb,
            nominated_by=bodies[posts[0][0]] if posts else None,
            deputy_chair=deputy,
            illustrative=True,
            **who,
        )

    # The independence bar: a director of the imaging company's parent is not appointed.
    hopeful = person("rex-hypothetical", "Rex Hypothetical")
    gov.record_post(
        person=hopeful,
        organisation=parent,
        title="Non-executive director",
        starts=date(2021, 1, 4),
        **who,
    )
    spare = gov.add_seat(
        board=board, title="Non-executive member (vacancy)", role="non_executive", **who
    )
    with contextlib.suppress(Refused):  # stays on the audit record as governance.appoint.refused
        gov.appoint(
            seat=spare,
            person=hopeful,
            starts=date(2026, 10, 1),
            term_ends=date(2029, 9, 30),
            appointed_by=icb,
            illustrative=True,
            **who,
        )

    # -- the register of interests ---------------------------------------------------------
    for fields in data["declarations"]:
        gov.declare_interest(**_values(fields, people, bodies), illustrative=True, **who)
    for key, *_ in ICB_BOARD:
        made = date(2026, 5, 20) if key == "pat-imaginary" else date(2026, 4, 1)
        for day in (date(2025, 4, 1), made):
            has = people[key].declarations.filter(arose_on__lte=day).exists()
            gov.make_return(person=people[key], made_on=day, nil=not has, **who)

    for fields in data["gifts"]:
        gov.record_gift(**_values(fields, people, bodies), illustrative=True, **who)

    # -- the year's meetings ------------------------------------------------------------
    everyone = list(members)

    def meeting(day, absent=(), items=()):
        m = gov.schedule_meeting(board=board, held_on=day, location=VENUE, illustrative=True, **who)
        gov.add_item(
            meeting=m,
            number="1",
            title="Apologies and declarations of interest",
            kind="noting",
            **who,
        )
        gov.record_attendance(
            meeting=m, present=[members[k] for k in everyone if k not in absent], **who
        )
        made = []
        for number, spec in enumerate(items, start=2):
            made.append(_item(m, str(number), spec, members, who))
        return m, made

    def psr(ref):
        d = SelectionDecision.objects.get(reference=ref)
        return {
            "title": f"Provider selection: {d.title} ({ref})",
            "kind": "provider_selection",
            "decision": d,
            "resolution": f"The board approves the decision to award {d.title} to "
            f"{d.provider.name} under {d.get_process_display()}.",
        }

    elective = {
        "title": "Acute provider collaborative: shared elective recovery plan 2026/27",
        "kind": "decision",
        "organisations": [collaborative, org["RNA"], org["RXK"], org["RBK"], org["RL4"]],
        "resolution": "The board agrees the collaborative's shared elective recovery plan "
        "and the transfer of £4.2m of elective funding to it (illustrative).",
    }
    meeting(date(2025, 12, 8), items=[psr("QUA-PSR-2025-001")])
    meeting(date(2026, 1, 14), absent=["pat-imaginary"], items=[psr("QUA-PSR-2026-003")])
    meeting(date(2026, 3, 18), absent=["grace-dummy"], items=[psr("QUA-PSR-2026-004")])
    meeting(date(2026, 5, 11), items=[psr("QUA-PSR-2026-006")])
    summer = ["sam-specimen", "priya-sample", "leo-notreal"]
    meeting(date(2026, 7, 13), absent=summer, items=[psr("QUA-PSR-2026-008"), elective])
    meeting(date(2026, 8, 17), items=[psr("QUA-PSR-2026-009"), elective])
    meeting(date(2026, 9, 7), absent=["nadia-madeup"], items=[psr("QUA-PSR-2026-010")])
    autumn, _ = meeting(date(2026, 11, 16), items=[psr("QUA-PSR-2026-012")])

    # -- powers from above ------------------------------------------------------------------
    gov.record_intervention(
        reference="sos-direction-2026-03",
        kind="sos_direction",
        made_on=date(2026, 3, 2),
        made_by=dhsc,
        addressed_to=org["X24"],
        illustrative=True,
        subject="Direction to NHS England to require every ICB to cut its running costs "
        "by half over two years (illustrative).",
        **who,
    )
    stroke = gov.add_item(
        meeting=autumn,
        number="3",
        kind="reconfiguration",
        title="Consolidating inpatient stroke rehabilitation on one site (illustrative)",
        paper_title="Stroke rehabilitation: options appraisal and consultation outcome",
        organisations=[org["RNA"], org["RL4"]],
        **who,
    )
    gov.record_intervention(
        reference="call-in-2026-10-stroke",
        kind="reconfiguration_call_in",
        made_on=date(2026, 10, 30),
        made_by=dhsc,
        addressed_to=icb,
        item=stroke,
        illustrative=True,
        subject="The Secretary of State calls in the proposal to consolidate inpatient stroke "
        "rehabilitation, after a request from Dudley Council (illustrative).",
        **who,
    )
    gov.record_not_taken(item=stroke, **who)

    _other_boards(data["other_boards"], bodies, people, person, who)
    return {"boards": Board.objects.filter(illustrative=True).count()}


def _values(fields: dict, people: dict, bodies: dict) -> dict:
    """The data's values as the services take them: people, bodies, days and money."""
    values = {}
    for key, value in fields.items():
        if key == "person":
            value = people[value]
        elif key in ("organisation", "source"):
            value = bodies[value]
        elif key.endswith("_on") or key == "active_from":
            value = date.fromisoformat(value)
        elif key in ("value", "pooled_budget"):
            value = Money.parse(value)
        values[key] = value
    return values


def _item(meeting, number, spec, members, who):
    paper = f"Paper {number}: {spec['title']}"
    if spec.get("decision"):
        item = arranging.take_to_board(
            spec["decision"],
            meeting=meeting,
            number=number,
            title=spec["title"],
            paper_title=paper,
            organisations=spec.get("organisations", ()),
            **who,
        )
    else:
        item = gov.add_item(
            meeting=meeting,
            number=number,
            title=spec["title"],
            kind=spec["kind"],
            paper_title=paper,
            organisations=spec.get("organisations", ()),
            **who,
        )
    position = gov.item_position(item)
    if position["quorum"] or position["blocked"]:
        return gov.record_not_taken(item=item, **who)
    votes = {
        m: "for"
        for key, m in members.items()
        if str(m.pk) in position["present"] and str(m.pk) not in position["recused"]
    }
    return gov.decide_item(item=item, votes=votes, resolution=spec["resolution"], **who)


def _fppt(person, days, who):
    for day in days:
        gov.record_fit_and_proper(
            person=person,
            completed_on=day,
            assessed_by="ICB chair, with the senior non-executive",
            **who,
        )


def _parent_company(imaging: Organisation, who) -> Organisation:
    from openics.organisations.lifecycle import establish, join

    name = f"Midlands Diagnostics Group plc {ILLUSTRATIVE}"
    existing = Organisation.objects.filter(name=name).first()
    if existing:
        return existing
    parent = establish(
        kind="independent_provider",
        name=name,
        ownership="independent",
        legal_form="Public limited company",
        company_number="00000009",
        active_from=date(2015, 1, 1),
        **who,
    )
    join(child=imaging, parent=parent, kind="owned_by", on=date(2020, 4, 1), **who)
    return parent


def _other_boards(boards, bodies, people, person, who):
    from openics.organisations.lifecycle import establish

    def seat_and_appoint(board, key, name, title, role, appointed_by, voting=True):
        seat = gov.add_seat(board=board, title=title, role=role, voting=voting, **who)
        if key not in people:  # a new face makes a nil return on appointment and each year
            for day in (board.established_on, date(2026, 4, 1)):
                gov.make_return(person=person(key, name), made_on=day, nil=True, **who)
        return gov.appoint(
            seat=seat,
            person=person(key, name),
            starts=board.established_on,
            term_ends=date(2027, 3, 31),
            appointed_by=appointed_by,
            illustrative=True,
            **who,
        )

    for spec in boards:
        fields = _values(spec["board"], people, bodies)
        if "body" in spec:  # a body of its own, established with the board
            fields["organisation"] = establish(**_values(spec["body"], people, bodies), **who)
        if "parent" in fields:
            fields["parent"] = Board.objects.get(slug=fields["parent"])
        if "bodies" in fields:
            fields["bodies"] = list(
                Organisation.objects.filter(kind="icb", code__in=fields["bodies"])
            )
        quorum = {"more_than": "1/2", "requires": [], "source": spec["terms"]}
        board = gov.establish_board(**fields, quorum=quorum, illustrative=True, **who)
        for key, name, title, role, appointed_by, *voting in spec["members"]:
            seat_and_appoint(board, key, name, title, role, bodies[appointed_by], *voting)
        prefix = spec.get("a_member_for_each_body")
        for i, body in enumerate(sorted(fields.get("bodies", ()), key=lambda o: o.code), start=1):
            seat_and_appoint(
                board,
                f"{prefix}-{i}",
                f"Member {i} Placeholder",
                f"Member for {body.name}",
                "other",
                body,
            )
