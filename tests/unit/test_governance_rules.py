"""The governance rules as pure functions: no database."""

from dataclasses import replace
from datetime import date

import pytest

from openics.regimes.catalogue import RULES
from openics.regimes.model import RuleContext
from openics.regimes.registry import all_regimes, get_regime
from openics.regimes.rules.governance import (
    Affected,
    Board,
    Declarant,
    Due,
    Gift,
    Link,
    Member,
    Power,
    add_months,
    constitution_applies,
    declarations_due,
    power_window_ends,
    vote_outcome,
)

HCA = get_regime("hca-2022")
HSCA = get_regime("hsca-2012")
WP = get_regime("white-paper-2021")
ON = date(2026, 6, 1)
CCG_DAY = date(2020, 6, 1)
WP_DAY = date(2021, 6, 1)
# The 2021 board design dates from the ICS design framework of 16 June 2021.
WP_BOARD_DAY = date(2021, 6, 16)
# NHS England's 2022 model constitution was the test for ICB boards until 2025.
MODEL_DAY = date(2024, 6, 1)


def violations(rule, on=ON, regime=HCA, **facts):
    return [v.explanation for v in regime.evaluate(rule, on, **facts).violations]


# The minimum ICB board of ten under the 2022 Act and NHS England's model constitution.
ICB_MEMBERS = (
    Member("chair", "Ann", "chair"),
    Member("ceo", "Ben", "chief_executive"),
    Member("fd", "Cal", "finance_director"),
    Member("md", "Dee", "medical_director"),
    Member("nd", "Eve", "nursing_director"),
    Member("ne1", "Fay", "non_executive"),
    Member("ne2", "Gus", "non_executive"),
    Member("pt", "Hal", "partner_trusts"),
    Member("ppm", "Ivy", "partner_primary_medical"),
    Member("pla", "Jo", "partner_local_authority"),
)
EVERYONE = tuple(m.key for m in ICB_MEMBERS)


def icb_board(without=(), extra=(), **changes) -> Board:
    members = tuple(m for m in ICB_MEMBERS if m.key not in without) + tuple(extra)
    return Board("icb_board", "Black Country ICB board", members, **changes)


def governing_body(without=()) -> Board:
    members = (
        Member("chair", "Ann", "chair"),
        Member("ao", "Ben", "chief_executive"),
        Member("cfo", "Cal", "finance_director"),
        Member("lay1", "Dee", "lay_member"),
        Member("lay2", "Eve", "lay_member"),
        Member("rn", "Fay", "registered_nurse"),
        Member("doc", "Gus", "secondary_care_doctor"),
        Member("gp", "Hal", "gp_member"),
    )
    return Board(
        "ccg_governing_body",
        "Dudley CCG governing body",
        tuple(m for m in members if m.key not in without),
    )


# --- composition ---------------------------------------------------------------------------


def test_the_full_icb_board_of_ten_is_allowed():
    result = HCA.evaluate("governance.composition", MODEL_DAY, board=icb_board())
    assert result.allowed
    assert result.notes == ()


def test_an_icb_board_needs_two_non_executives():
    [why] = violations("governance.composition", MODEL_DAY, board=icb_board(without=("ne2",)))
    assert "at least two non-executive members" in why
    assert "but has 1 (Fay)" in why
    assert "NHS England model ICB constitution (2022) [S]" in why


def test_an_icb_board_needs_a_partner_member_from_the_trusts_and_three_partners():
    why = violations("governance.composition", MODEL_DAY, board=icb_board(without=("pt",)))
    assert len(why) == 2
    trusts, three = why
    assert "a partner member nominated by the NHS trusts and foundation trusts" in trusts
    assert "but has 0 (none)" in trusts and "Sch 1B para 8(2)(a)" in trusts
    assert "at least three partner members" in three
    assert "but has 2 (Ivy, Jo)" in three


def test_an_empty_icb_board_falls_short_of_every_requirement():
    why = violations("governance.composition", MODEL_DAY, board=icb_board(without=EVERYONE))
    assert len(why) == 11
    assert any("at least three ordinary members" in w for w in why)
    # Board membership is Sch 1B para 3 (para 2 is the name and area).
    assert any("Sch 1B para 3(1)(a)" in w for w in why)
    assert not any("para 2" in w for w in why)


def test_after_2025_the_statutory_minimum_and_the_boards_own_constitution_are_the_test():
    # North East London-style board: no medical or nursing director, agreed locally.
    board = icb_board(without=("md", "nd"))
    result = HCA.evaluate("governance.composition", ON, board=board)
    assert result.allowed
    assert any("own constitution" in n and "Superseded" in n for n in result.notes)
    own = ({"title": "a medical director", "roles": ["medical_director"], "at_least": 1},)
    [why] = violations(
        "governance.composition", ON, board=icb_board(without=("md",), requirements=own)
    )
    assert "needs a medical director but has 0" in why and "the board's constitution" in why
    assert violations("governance.composition", ON, board=icb_board(requirements=own)) == []
    # The statute still bites: six members short of its partner members.
    why = violations("governance.composition", ON, board=icb_board(without=("pt",)))
    assert len(why) == 1 and "Sch 1B para 8(2)(a)" in why[0]


@pytest.mark.parametrize("on", [ON, CCG_DAY])
def test_there_is_no_icb_board_under_the_2012_act(on):
    reason = constitution_applies(RuleContext(HSCA, on), "icb_board")
    assert reason is not None
    assert "integrated care board" in reason and "Health and Care Act 2022" in reason
    # No such board, so nothing to fall short of: the caller reports why.
    assert violations("governance.composition", on, HSCA, board=icb_board()) == []
    assert violations("governance.composition", on, HSCA, board=icb_board(without=EVERYONE)) == []


def test_there_is_an_icb_board_under_the_2022_act_but_no_ccg_governing_body():
    assert constitution_applies(RuleContext(HCA, ON), "icb_board") is None
    reason = constitution_applies(RuleContext(HCA, ON), "ccg_governing_body")
    assert reason is not None and "CCGs were abolished on 1 July 2022" in reason
    assert violations("governance.composition", board=governing_body(without=("lay2",))) == []


def test_an_unknown_kind_of_board():
    reason = constitution_applies(RuleContext(HCA, ON), "cabinet")
    assert reason == "'cabinet' is not a kind of board OpenICS knows"


def test_a_ccg_governing_body_needs_two_lay_members():
    assert violations("governance.composition", CCG_DAY, HSCA, board=governing_body()) == []
    [why] = violations(
        "governance.composition", CCG_DAY, HSCA, board=governing_body(without=("lay2",))
    )
    assert "Dudley CCG governing body needs at least two lay members but has 1 (Dee)" in why
    assert "SI 2012/1631 reg 11 [U]" in why


def test_a_ccg_governing_body_needs_a_nurse_and_a_secondary_care_doctor():
    why = violations(
        "governance.composition", CCG_DAY, HSCA, board=governing_body(without=("rn", "doc"))
    )
    assert len(why) == 2
    assert "a registered nurse" in why[0] and "a secondary care specialist doctor" in why[1]


def test_the_2021_design_has_nine_requirements():
    day = WP_BOARD_DAY
    result = WP.evaluate("governance.composition", day, board=icb_board())
    assert result.allowed
    assert any("was not in force" in note for note in result.notes)
    empty = violations("governance.composition", day, WP, board=icb_board(without=EVERYONE))
    assert len(empty) == 9
    assert all("ICS design framework (2021) [S]" in w for w in empty)


def test_the_2021_board_design_dates_from_june_not_february():
    empty = icb_board(without=EVERYONE)
    assert violations("governance.composition", date(2021, 6, 15), WP, board=empty) == []
    assert len(violations("governance.composition", date(2021, 6, 16), WP, board=empty)) == 9


def test_the_2021_design_had_no_three_partner_minimum():
    day = WP_BOARD_DAY
    [why] = violations("governance.composition", day, WP, board=icb_board(without=("pt",)))
    assert "a partner member from the NHS trusts" in why
    [why] = violations("governance.composition", day, WP, board=icb_board(without=("ne1",)))
    assert "at least two non-executive members" in why and "(Gus)" in why


def icp(*appointers: str) -> Board:
    members = tuple(
        Member(f"m{i}", f"Member {i}", "other", appointed_by=by) for i, by in enumerate(appointers)
    )
    return Board("icp", "Black Country ICP", members)


def test_an_icp_needs_members_appointed_by_the_icb_and_a_local_authority():
    assert violations("governance.composition", board=icp("icb", "local_authority")) == []
    [why] = violations("governance.composition", board=icp("icb", "icb"))
    assert "a member appointed by a responsible local authority" in why
    assert "but has 0 (none)" in why and "LGPIHA 2007 s116ZA" in why
    why = violations("governance.composition", board=icp("nhs_trust"))
    assert len(why) == 2
    assert "appointed by the integrated care board" in why[0]


def test_there_is_no_icp_under_the_2012_act():
    assert constitution_applies(RuleContext(HSCA, CCG_DAY), "icp") is not None
    assert violations("governance.composition", CCG_DAY, HSCA, board=icp()) == []


# --- fit and proper persons ----------------------------------------------------------------


def fppt(on, regime=HCA, kind="icb_board", **member):
    board = Board(kind, "Board", (Member("m", "Kim", "non_executive", **member),))
    return violations("governance.fit-and-proper", on, regime, board=board)


def test_a_member_appointed_without_an_assessment():
    [why] = fppt(date(2025, 6, 1), starts=date(2025, 1, 1))
    assert "Kim (non-executive member) was appointed on 2025-01-01" in why
    assert "without a fit and proper person assessment first" in why
    assert "NHS England FPPT framework (2023)" in why


def test_an_assessment_after_appointment_does_not_cure_it():
    [why] = fppt(date(2025, 6, 1), starts=date(2025, 1, 1), fppt=(date(2025, 1, 2),))
    assert "without a fit and proper person assessment first" in why


def test_an_assessment_lasts_a_year():
    member = dict(starts=date(2025, 1, 1), fppt=(date(2024, 12, 15),))
    assert fppt(date(2025, 6, 1), **member) == []
    assert fppt(date(2025, 12, 15), **member) == []
    [why] = fppt(date(2026, 1, 10), **member)
    assert "annual fit and proper person assessment was due by 2025-12-15" in why
    assert "last completed 2024-12-15" in why
    renewed = dict(starts=date(2025, 1, 1), fppt=(date(2024, 12, 15), date(2025, 12, 1)))
    assert fppt(date(2026, 1, 10), **renewed) == []


def test_an_assessment_made_after_the_day_checked_does_not_count():
    member = dict(starts=date(2020, 1, 1), fppt=(date(2024, 5, 1),))
    [why] = fppt(date(2024, 4, 2), **member)
    assert "has no fit and proper person assessment" in why
    assert fppt(date(2024, 5, 1), **member) == []


def test_existing_members_had_until_31_march_2024():
    assert fppt(date(2024, 2, 1), starts=date(2020, 1, 1)) == []
    [why] = fppt(date(2024, 4, 2), starts=date(2020, 1, 1))
    assert why.startswith("Kim (non-executive member) has no fit and proper person assessment")


def test_no_framework_before_30_september_2023_or_under_other_regimes():
    assert fppt(date(2023, 6, 1), starts=date(2023, 1, 1)) == []
    assert fppt(date(2023, 9, 29), starts=date(2023, 1, 1)) == []
    assert fppt(date(2020, 6, 1), HSCA, "ccg_governing_body", starts=date(2020, 1, 1)) == []
    assert fppt(date(2026, 6, 1), HSCA, starts=date(2025, 1, 1)) == []
    assert fppt(WP_DAY, WP, starts=date(2021, 1, 1)) == []


def test_the_framework_covers_the_icb_board_only():
    assert fppt(date(2025, 6, 1), kind="icp", starts=date(2025, 1, 1)) == []


# --- eligibility ---------------------------------------------------------------------------


def private(category="financial", **kw) -> Link:
    fields = dict(
        organisation="acme",
        organisation_name="Acme Health Ltd",
        category=category,
        nature="Shareholder" if category != "post" else "Director",
        independent_healthcare=True,
    )
    fields.update(kw)
    return Link(**fields)


def eligible(*links, on=ON, regime=HCA, kind="icb_board", disqualifications=()):
    candidate = Member("c", "Lee", "non_executive", links=links)
    return violations(
        "governance.eligibility",
        on,
        regime,
        candidate=candidate,
        board_kind=kind,
        disqualifications=disqualifications,
    )


@pytest.mark.parametrize("category", ["financial", "post"])
def test_involvement_with_private_healthcare_bars_an_icb_board_member(category):
    [why] = eligible(private(category))
    assert why.startswith("Lee cannot be appointed")
    assert "Acme Health Ltd" in why
    assert "undermining the independence of the health service" in why
    assert "Sch 1B para 4" in why


def test_the_bar_describes_a_post_and_an_interest():
    [post] = eligible(private("post"))
    assert "their Director of Acme Health Ltd is involvement" in post
    [interest] = eligible(private("financial"))
    assert "declared financial interest in Acme Health Ltd (Shareholder)" in interest


@pytest.mark.parametrize(
    ("regime", "on"), [(WP, WP_DAY), (HSCA, CCG_DAY), (HSCA, ON)], ids=["2021", "2012", "2012-late"]
)
def test_no_private_healthcare_bar_before_the_2022_act(regime, on):
    assert eligible(private("financial"), private("post"), on=on, regime=regime) == []


def test_an_ended_link_does_not_bar():
    assert eligible(private(ends=date(2026, 5, 31))) == []
    # The last day of the link is still a day it is held.
    assert len(eligible(private(ends=ON))) == 1
    assert eligible(private(starts=date(2026, 6, 2))) == []


def test_only_posts_and_financial_interests_bar():
    assert eligible(private("non_financial_personal")) == []
    assert eligible(private("non_financial_professional")) == []
    assert eligible(private("indirect")) == []


def test_an_nhs_link_does_not_bar():
    assert eligible(private("post", independent_healthcare=False)) == []


def test_the_bar_applies_to_the_icb_board_only():
    assert eligible(private("financial"), kind="icp") == []


def test_a_member_of_parliament_is_disqualified():
    [why] = eligible(disqualifications=("mp",))
    assert why == "Lee is disqualified: they are a Member of Parliament"
    why = eligible(private(), disqualifications=("mp", "bankruptcy"))
    assert len(why) == 3
    assert "bankruptcy restrictions order" in why[1]


def test_an_unknown_ground_is_not_a_ground():
    [why] = eligible(disqualifications=("bad_hair",))
    assert why == "'bad_hair' is not a ground of disqualification under Health and Care Act 2022"


def test_the_2021_proposals_set_no_grounds_of_disqualification():
    [why] = eligible(on=WP_DAY, regime=WP, disqualifications=("mp",))
    assert "'mp' is not a ground of disqualification" in why
    [why] = eligible(on=CCG_DAY, regime=HSCA, disqualifications=("mp",))
    assert "Member of Parliament" in why


# --- conflicts -----------------------------------------------------------------------------


PROVIDER = Affected("p1", "Sandwell Care Ltd", "the provider")


def link(category="financial", organisation="p1", **kw) -> Link:
    return Link(organisation, "Sandwell Care Ltd", category, kw.pop("nature", "Shares"), **kw)


def conflicted(*links, affected=(PROVIDER,), on=ON, regime=HCA):
    member = Member("m", "Max", "partner_trusts", links=links)
    return violations("governance.conflicts", on, regime, member=member, affected=affected)


def test_a_financial_interest_in_the_provider_means_stepping_out():
    [why] = conflicted(link())
    assert why == (
        "Max: declared financial interest in Sandwell Care Ltd (Shares), which is the provider"
    )


def test_a_post_at_the_provider_means_stepping_out():
    [why] = conflicted(link("post", nature="Chief executive"))
    assert why == "Max: Chief executive of Sandwell Care Ltd, which is the provider"


@pytest.mark.parametrize(
    "category", ["financial", "non_financial_professional", "non_financial_personal", "indirect"]
)
def test_every_category_of_interest_means_stepping_out(category):
    [why] = conflicted(link(category))
    assert "which is the provider" in why


def test_an_ended_link_or_a_link_elsewhere_is_no_conflict():
    assert conflicted(link(ends=date(2026, 5, 31))) == []
    assert conflicted(link(starts=date(2026, 6, 2))) == []
    assert conflicted(link(organisation="p2")) == []
    assert conflicted(link(), affected=()) == []


def test_each_link_to_an_affected_organisation_is_a_reason():
    parent = Affected("h1", "Sandwell Holdings", "the parent of Sandwell Care Ltd")
    links = (
        link(),
        Link("h1", "Sandwell Holdings", "post", "Director"),
        link(organisation="p9"),
    )
    why = conflicted(*links, affected=(PROVIDER, parent))
    assert len(why) == 2
    assert why[1] == "Max: Director of Sandwell Holdings, which is the parent of Sandwell Care Ltd"


def test_conflicts_under_the_2012_act():
    [why] = conflicted(link("indirect"), on=CCG_DAY, regime=HSCA)
    assert "declared indirect interest" in why


# --- quorum --------------------------------------------------------------------------------


def quorum(board=None, present=EVERYONE, recused=(), on=ON, regime=HCA):
    board = board or icb_board()
    return violations(
        "governance.quorum", on, regime, board=board, present=present, recused=recused
    )


def test_a_full_board_is_quorate():
    assert quorum() == []


def test_six_of_ten_with_the_right_members_is_quorate():
    assert quorum(present=("chair", "ceo", "ne1", "pt", "fd", "md")) == []


def test_five_of_ten_is_not_more_than_half():
    [why] = quorum(present=("chair", "ceo", "ne1", "pt", "fd"))
    assert why.startswith("only 5 of 10 voting members can take part;")
    assert "more than 1/2 of them, so 6" in why
    assert "NHS England model ICB constitution, quorum (not read) [U]" in why


def test_members_who_step_out_do_not_count():
    [why] = quorum(recused=("fd", "md", "nd", "ne2", "ppm"))
    assert why.startswith(
        "only 5 of 10 voting members can take part once Cal, Dee, Eve, Gus, Ivy step out;"
    )
    assert "so 6" in why
    assert quorum(recused=("fd", "md", "nd", "ne2")) == []


def test_a_member_recused_but_absent_is_not_named():
    [why] = quorum(present=("chair", "ceo", "ne1", "pt", "fd"), recused=("md",))
    assert "step out" not in why


def test_the_deputy_chair_can_stand_in_for_the_chair():
    deputy = replace(ICB_MEMBERS[5], key="ne1", deputy_chair=True)
    board = icb_board(without=("ne1",), extra=(deputy,))
    absent_chair = tuple(k for k in EVERYONE if k != "chair")
    assert quorum(board, present=absent_chair) == []
    [why] = quorum(present=absent_chair)
    assert why.startswith("the quorum needs the chair or the deputy chair taking part")
    [why] = quorum(board, present=absent_chair, recused=("ne1",))
    assert "the chair or the deputy chair taking part once Fay steps out" in why


def test_without_a_non_executive_the_meeting_cannot_decide():
    [why] = quorum(recused=("ne1", "ne2"))
    assert why.startswith("the quorum needs a non-executive member taking part")
    assert "once Fay, Gus step out" in why


def test_every_requirement_of_the_model_is_reported():
    why = quorum(present=("fd", "md", "nd", "ne1", "ne2", "pt"), recused=("ne1", "ne2", "pt"))
    assert len(why) == 4
    assert why[0].startswith("only 3 of 10")
    assert "the chair or the deputy chair" in why[1]
    assert "a non-executive member" in why[2]
    assert "a partner member" in why[3]


def test_non_voting_members_do_not_count():
    adviser = Member("adv", "Zed", "other", voting=False)
    board = icb_board(extra=(adviser,))
    [why] = quorum(board, present=("chair", "ceo", "ne1", "pt", "fd", "adv"))
    assert why.startswith("only 5 of 10 voting members")


def test_a_board_with_its_own_quorum():
    own = {"more_than": "2/3", "source": "ICB standing orders 3.4", "requires": []}
    board = icb_board(quorum=own)
    six = ("chair", "ceo", "ne1", "pt", "fd", "md")
    assert quorum(present=six) == []
    [why] = quorum(board, present=six)
    assert "only 6 of 10" in why and "more than 2/3 of them, so 7" in why
    assert why.endswith("(ICB standing orders 3.4)")
    # The board's own rule replaces the model's requirements too.
    assert quorum(board, present=("fd", "md", "nd", "ne1", "ppm", "pla", "pt")) == []


@pytest.mark.parametrize(
    ("size", "present", "needed"), [(9, 4, 5), (9, 5, None), (10, 5, 6), (3, 1, 2), (4, 2, 3)]
)
def test_more_than_half(size, present, needed):
    members = tuple(Member(f"m{i}", f"M{i}", "other") for i in range(size))
    board = Board("icb_board", "Board", members, quorum={"more_than": "1/2", "source": "SO"})
    why = quorum(board, present=tuple(m.key for m in members[:present]))
    if needed is None:
        assert why == []
    else:
        [text] = why
        assert f"only {present} of {size}" in text and f"so {needed} (SO)" in text


def test_a_ccg_governing_body_needs_only_its_chair_or_deputy_beyond_half():
    present = ("ao", "cfo", "lay1", "lay2", "rn")
    [why] = quorum(governing_body(), present=present, on=CCG_DAY, regime=HSCA)
    assert why.startswith("the quorum needs the chair or the deputy chair")
    assert "CCG constitution (not read) [U]" in why
    assert quorum(governing_body(), present=(*present, "chair"), on=CCG_DAY, regime=HSCA) == []


def test_votes():
    assert vote_outcome({"a": "for", "b": "against", "c": "abstain"}) == "not carried"
    assert vote_outcome({"a": "for", "b": "for", "c": "against"}) == "carried"
    assert vote_outcome({"a": "for", "b": "abstain", "c": "abstain"}) == "carried"
    assert vote_outcome({}) == "not carried"


# --- gifts and hospitality -----------------------------------------------------------------


GIFT_DAY = date(2025, 1, 1)


def gift(kind="gift", pence=1000, on=GIFT_DAY, regime=HCA, **kw):
    return violations("governance.gifts", on, regime, gift=Gift(kind, pence, on, **kw))


def test_a_supplier_gift_over_six_pounds_is_declined():
    [why] = gift(pence=700, from_supplier=True)
    assert "from a supplier or contractor worth £7 is over the £6" in why
    assert "decline it" in why
    assert gift(pence=600, from_supplier=True) == []
    assert gift(pence=700, from_supplier=True, accepted=False) == []
    [why] = gift(pence=650, from_supplier=True)
    assert "worth £6.50" in why


def test_cash_is_never_accepted():
    [why] = gift(pence=100, cash_or_voucher=True)
    assert why.startswith("cash and vouchers are never accepted")
    [why] = gift(pence=100, cash_or_voucher=True, from_supplier=True, declared=True)
    assert "cash and vouchers" in why
    assert gift(pence=100, cash_or_voucher=True, accepted=False) == []


def test_hospitality_of_25_pounds_or_more_is_declared():
    # NHS England: under £25 need not be declared; £25 to £75 must be.
    [why] = gift("hospitality", 5000)
    assert why.startswith("hospitality worth £25 or more must be declared")
    assert gift("hospitality", 5000, declared=True) == []
    assert gift("hospitality", 2499) == []
    assert len(gift("hospitality", 2500)) == 1
    assert gift("hospitality", 5000, accepted=False) == []


def test_hospitality_over_75_pounds_is_refused_without_senior_approval():
    [why] = gift("hospitality", 9000, declared=True)
    assert "hospitality worth £90 is over £75: refuse it" in why
    assert "unless a senior officer approves in advance" in why
    assert gift("hospitality", 9000, declared=True, senior_approval=True) == []
    assert len(gift("hospitality", 9000)) == 2
    assert gift("hospitality", 7500, declared=True) == []


def test_gifts_from_one_source_over_50_pounds_in_a_year_are_declared():
    [why] = gift(pence=4000, same_source_12_months_pence=2000)
    assert "a gift worth £40 (£60 from this source in 12 months) is over £50" in why
    assert "must be declared" in why
    assert gift(pence=4000, same_source_12_months_pence=2000, declared=True) == []
    assert gift(pence=4000, same_source_12_months_pence=1000) == []
    assert len(gift(pence=5001)) == 1


def test_gifts_from_patients_are_declared_from_september_2024():
    [why] = gift(pence=3000, on=date(2024, 10, 1), from_patient=True)
    assert "must be declared" in why
    assert "September 2024" in why
    assert gift(pence=3000, on=date(2024, 6, 1), from_patient=True) == []
    assert gift(pence=3000, on=date(2024, 10, 1), from_patient=True, declared=True) == []
    assert gift(pence=3000, on=CCG_DAY, regime=HSCA, from_patient=True) == []


# --- declarations of interests --------------------------------------------------------------


def due(on, declarant, regime=HCA):
    return declarations_due(RuleContext(regime, on), declarant)


def test_a_declaration_is_due_28_days_after_appointment():
    person = Declarant("Nia", appointed_on=date(2025, 3, 1))
    assert due(date(2025, 3, 29), person) == [
        Due("declaration on appointment", date(2025, 3, 29), False)
    ]
    assert due(date(2025, 3, 30), person) == [
        Due("declaration on appointment", date(2025, 3, 29), True)
    ]
    assert violations("governance.declarations", date(2025, 3, 29), declarant=person) == []
    [why] = violations("governance.declarations", date(2025, 3, 30), declarant=person)
    assert why.startswith("Nia: declaration on appointment was due by 2025-03-29")
    assert "s14Z30(3)(b)" in why and "[S]" not in why


def test_after_a_return_the_next_is_due_in_twelve_months():
    person = Declarant("Nia", appointed_on=date(2024, 2, 1), returns=(date(2024, 2, 29),))
    assert due(date(2024, 6, 1), person) == [
        Due("annual declaration (or nil return)", date(2025, 2, 28), False)
    ]
    [item] = due(date(2025, 3, 1), person)
    assert item.overdue and item.due_by == date(2025, 2, 28)
    [why] = violations("governance.declarations", date(2025, 3, 1), declarant=person)
    assert "annual declaration (or nil return) was due by 2025-02-28" in why


def test_the_latest_return_counts():
    person = Declarant(
        "Nia", appointed_on=date(2023, 1, 1), returns=(date(2023, 1, 10), date(2024, 1, 5))
    )
    [item] = due(date(2024, 6, 1), person)
    assert item.due_by == date(2025, 1, 5) and not item.overdue


def test_a_return_made_after_the_day_checked_does_not_count():
    person = Declarant("Nia", appointed_on=date(2025, 3, 1), returns=(date(2025, 3, 20),))
    [item] = due(date(2025, 3, 10), person)
    assert item.what == "declaration on appointment"


def test_a_new_interest_is_declared_within_28_days():
    person = Declarant(
        "Nia",
        appointed_on=date(2024, 2, 1),
        returns=(date(2024, 2, 10),),
        interests=((date(2025, 1, 10), None),),
    )
    items = due(date(2025, 2, 7), person)
    assert len(items) == 2
    assert items[1] == Due(
        "declaration of an interest that arose on 2025-01-10", date(2025, 2, 7), False
    )
    [why] = violations("governance.declarations", date(2025, 2, 8), declarant=person)
    assert "interest that arose on 2025-01-10 was due by 2025-02-07" in why
    declared = replace(person, interests=((date(2025, 1, 10), date(2025, 1, 20)),))
    assert len(due(date(2025, 2, 8), declared)) == 1


def test_months_are_added_to_the_same_day_or_the_end_of_the_month():
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 6) == date(2024, 7, 31)
    assert add_months(date(2024, 12, 15), 12) == date(2025, 12, 15)


# --- powers from above ---------------------------------------------------------------------


def power(kind, made_on, regime=HCA):
    return violations("governance.powers", made_on, regime, power=Power(kind, made_on))


def test_the_call_in_power_starts_on_31_january_2024():
    [why] = power("reconfiguration_call_in", date(2024, 1, 30))
    assert "there is no power of this kind ('reconfiguration_call_in')" in why
    assert "on 2024-01-30" in why and "31 January 2024" in why
    assert "Local authority referral of a substantial variation" in why
    call_in = Power("reconfiguration_call_in", date(2024, 1, 31))
    assert power("reconfiguration_call_in", date(2024, 1, 31)) == []
    # Six months "beginning with" the direction: 31 January to 30 July 2024.
    assert power_window_ends(RuleContext(HCA, date(2024, 1, 31)), call_in) == date(2024, 7, 30)


def test_only_the_call_in_has_a_decision_window():
    ctx = RuleContext(HCA, ON)
    assert power_window_ends(ctx, Power("sos_direction", ON)) is None
    assert power_window_ends(ctx, Power("no_such_power", ON)) is None


def test_the_2012_act_had_only_a_failure_direction_power():
    [why] = power("sos_direction", CCG_DAY, HSCA)
    assert "mandate" in why and "s13Z2" in why
    assert "Health and Social Care Act 2012" in why
    assert power("sos_failure_direction", CCG_DAY, HSCA) == []
    assert power("la_referral", CCG_DAY, HSCA) == []


def test_local_authority_referrals_end_on_31_january_2024():
    [why] = power("la_referral", date(2024, 2, 1))
    assert "SI 2024/16" in why and "SI 2024/15" not in why
    assert "saves referrals made before" in why
    assert "Secretary of State call-in of a reconfiguration" in why
    assert power("la_referral", date(2023, 6, 1)) == []
    assert power("la_referral", date(2024, 1, 30)) == []


def test_an_unknown_power():
    [why] = power("royal_prerogative", ON)
    assert "('royal_prerogative')" in why and "The powers then were:" in why


def test_the_2021_proposals_replaced_referrals():
    [why] = power("la_referral", WP_DAY, WP)
    assert "replacing local authority referrals" in why
    assert power("reconfiguration_call_in", WP_DAY, WP) == []
    call_in = Power("reconfiguration_call_in", WP_DAY)
    assert power_window_ends(RuleContext(WP, WP_DAY), call_in) is None


# --- every rule has a source ---------------------------------------------------------------


GOVERNANCE_RULES = sorted(r for r in RULES if r.startswith("governance."))


def test_there_are_nine_governance_rules():
    assert GOVERNANCE_RULES == [
        "governance.composition",
        "governance.conflicts",
        "governance.declarations",
        "governance.eligibility",
        "governance.fit-and-proper",
        "governance.gift-before-vote",
        "governance.gifts",
        "governance.powers",
        "governance.quorum",
    ]


@pytest.mark.parametrize("regime", all_regimes(), ids=lambda r: r.id)
@pytest.mark.parametrize("rule_id", GOVERNANCE_RULES)
def test_every_governance_rule_has_a_citation(regime, rule_id):
    citation = regime.rule(rule_id).citation
    assert citation.source.strip()
    assert citation.url.startswith("https://")


def test_taking_part_after_a_gift_from_an_affected_organisation_is_flagged():
    from openics.regimes.rules.governance import Accepted

    member = Member(key="fd", name="F. Director", role="finance_director")
    dinner = Accepted("imaging", "Imaging Ltd", "hospitality", 4500, date(2026, 3, 12), "dinner")
    affected = (Affected("imaging", "Imaging Ltd", "the provider the decision selects"),)
    facts = {"member": member, "accepted": (dinner,), "affected": affected}
    [why] = violations("governance.gift-before-vote", on=date(2026, 3, 18), took_part=True, **facts)
    assert "worth £45 from Imaging Ltd on 12 March 2026, 6 days before" in why
    # not taking part, a gift after the meeting, one past the period, one from elsewhere
    assert not violations(
        "governance.gift-before-vote", on=date(2026, 3, 18), took_part=False, **facts
    )
    assert not violations(
        "governance.gift-before-vote", on=date(2026, 3, 11), took_part=True, **facts
    )
    assert not violations(
        "governance.gift-before-vote", on=date(2027, 3, 13), took_part=True, **facts
    )
    other = {**facts, "affected": (Affected("else", "Else Ltd", "the provider"),)}
    assert not violations(
        "governance.gift-before-vote", on=date(2026, 3, 18), took_part=True, **other
    )
    # exactly the period's last day still counts
    assert violations("governance.gift-before-vote", on=date(2027, 3, 12), took_part=True, **facts)
