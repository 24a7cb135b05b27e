"""The whole-system judgement and its rules, over plain data: no database."""

from datetime import date

from openics.kernel.money import Money
from openics.regimes import all_regimes, get_regime
from openics.regimes import judgement as j
from openics.regimes.model import STATUSES
from openics.regimes.registry import parse_regime
from openics.regimes.rules.contracts import ContractHeld
from openics.regimes.rules.governance import Link, Member

ON = date(2026, 11, 30)


def _contract(ref, kind, holder, ownership, pence, **kw):
    held = ContractHeld(ref, kind, holder, ownership, Money(pence), **kw)
    return j.SystemContract(held, f"title {ref}", "Test ICB", "icb", annual=Money(pence))


SYSTEM = j.SystemFacts(
    code="QXX",
    name="Test ICB",
    on=ON,
    year="2025/26",
    bodies=(
        j.SystemBody("Test ICB", "icb", "nhs", "QXX", Money(100_000)),
        j.SystemBody("Test Partnership", "icp", "nhs"),
    ),
    boards=(
        j.SystemBoard(
            "Test ICB board",
            "icb_board",
            (
                Member(
                    "m1",
                    "A Member",
                    "non_executive",
                    links=(
                        Link("o1", "Scan Co Ltd", "indirect", "son works there", None, None, True),
                    ),
                ),
            ),
        ),
    ),
    contracts=(
        _contract("C-ICP", "icp", "Scan Co Ltd", "independent", 5_000),
        _contract("C-NHS", "standard", "Test Trust", "nhs", 7_000),
        _contract(
            "S-1",
            "subcontract",
            "Scan Co Ltd",
            "independent",
            300,
            subcontract=True,
            prime_kind="standard",
        ),
    ),
)


def _judged(regime_id):
    return j.judge(get_regime(regime_id), SYSTEM)


def test_nine_regimes_each_with_a_known_status():
    regimes = all_regimes()
    assert len(regimes) >= 9
    assert {r.status for r in regimes} <= set(STATUSES)
    assert {"bill", "commitment", "alternative", "proposal", "law"} <= {r.status for r in regimes}


def test_critics_bar_company_contracts_directly_and_by_subcontract_and_linked_members():
    judged = _judged("critics-2021")
    contracts = [f for f in judged.of(j.NOT_ALLOWED) if f.rule_id == "contracts.holder"]
    assert {f.subject.split()[0] for f in contracts} == {"C-ICP", "S-1"}
    # the ICP contract breaks both bars but its pounds count once: 5,000 + 300 pence
    assert judged.pounds() == Money(5_300)
    members = [f for f in judged.of(j.NOT_ALLOWED) if f.rule_id == "governance.eligibility"]
    assert len(members) == 1 and "A Member" in members[0].explanation


def test_the_law_bars_neither_and_the_2012_act_has_no_icb():
    assert _judged("hca-2022").count(j.NOT_ALLOWED) == 0
    gone = _judged("hsca-2012").of(j.WOULD_NOT_EXIST)
    assert any(f.subject == "Test ICB" and f.pounds == Money(100_000) for f in gone)
    assert any(
        "clinical commissioning group" in f.explanation for f in _judged("hsca-2012").of(j.MISSING)
    )


def test_under_the_reinstatement_bill_contracting_is_not_a_way_of_arranging_services():
    judged = _judged("nhs-reinstatement-bill")
    texts = [f.explanation for f in judged.of(j.NOT_ALLOWED) if f.rule_id == "contracts.holder"]
    assert len(texts) == 3 and all("not a way of securing them" in t for t in texts)
    assert judged.pounds() == Money(12_300)


def test_hancock_cannot_tell_whether_a_company_is_big_and_leaves_gp_partnerships_alone():
    judged = _judged("hancock-2019")
    assert judged.count(j.NOT_ALLOWED) == 0
    told = [f for f in judged.of(j.CANNOT_TELL) if f.rule_id == "contracts.holder"]
    assert [f.subject.split()[0] for f in told] == ["C-ICP"] and "big" in told[0].explanation
    gp = ContractHeld("G", "icp", "A Surgery", "gp_partnership")
    result = get_regime("hancock-2019").evaluate("contracts.holder", ON, contract=gp)
    assert result.allowed and not result.cannot_tell


def test_the_health_bill_marks_its_privatisation_clause_unread():
    judged = _judged("health-bill-2026")
    told = [f for f in judged.of(j.CANNOT_TELL) if f.rule_id == "contracts.holder"]
    assert len(told) == 2 and all("[U]" in f.explanation for f in told)
    assert judged.count(j.NOT_ALLOWED) == 0


def test_a_regime_without_a_rule_says_cannot_tell_not_allowed():
    bare = parse_regime(
        {
            "id": "bare",
            "title": "Bare",
            "status": "proposal",
            "legal_basis": "none",
            "summary": "none",
        }
    )
    judged = j.judge(bare, SYSTEM)
    assert judged.count(j.NOT_ALLOWED) == 0
    told = {f.rule_id for f in judged.of(j.CANNOT_TELL)}
    assert {"contracts.holder", "organisations.body-kind-exists"} <= told


def test_the_critics_want_everyone_resident_counted():
    facts = j.SystemFacts("QXX", "Test ICB", ON, "2025/26", registered=1_000, residents=900)
    missing = j.judge(get_regime("critics-2021"), facts).of(j.MISSING)
    assert any(f.rule_id == "population.responsible-for" for f in missing)
    law = j.judge(get_regime("hca-2022"), facts).of(j.MISSING)
    assert not [f for f in law if f.rule_id == "population.responsible-for"]


def test_csv_rows_follow_the_json():
    data = j.comparison_dict(SYSTEM, j.judge_all(all_regimes(), SYSTEM))
    rows = j.comparison_rows(data)
    assert rows[0] == j.CSV_HEADER
    assert len(rows) - 1 == sum(len(r["findings"]) for r in data["regimes"])
