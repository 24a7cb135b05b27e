"""Plans and strategy: documents with their aims, decisions citing an aim with what was
paid for it, the joint forward plan's deadline flagged by `openics check`, and decisions
that record no regard to the strategy."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from click.testing import CliRunner

from openics.allocation.models import PlaceAllocationRun
from openics.cli import main
from openics.core.checks import run_checks
from openics.kernel.money import Money
from openics.ledger import services as books
from openics.ledger.models import Account, Purpose
from openics.plans import selectors
from openics.plans.models import PlanDocument
from openics.plans.services import PlanError, add_aim, cite_aim, publish, record_document
from tests.arranging_world import AS, build_register
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
EVERYONE = ("icp", "health_and_wellbeing_boards", "nhs_england")


@books.service("test.budget")
def _budget(*, icb, audit):
    return books.account_for(icb, Purpose.BUDGET, sector="community", audit=audit)


@pytest.fixture
def register():
    register = build_register()
    OrganisationFactory(kind="nhs_england", code="X24", name="NHS England")
    return register


def _jfp(icb, year, **fields):
    return record_document(
        reference=f"JFP-{year}",
        kind="joint_forward_plan",
        title=f"Joint forward plan {year}",
        icb=icb,
        authors=[icb],
        financial_year=year,
        **{**AS, **fields},
    )


def test_an_aim_shows_what_was_decided_and_paid_for_it(register, client):
    icb = register.world.icb
    council = OrganisationFactory(
        kind="local_authority", code="", ons_code="E08000027", name="Dudley"
    )
    strategy = record_document(
        reference="ICS-1",
        kind="integrated_care_strategy",
        title="Our strategy",
        icb=icb,
        authors=[icb, council],
        prepared_on=date(2023, 1, 20),
        published_on=date(2023, 1, 31),
        given_to=EVERYONE,
        document_url="https://example.org/strategy",
        **AS,
    )
    aim = add_aim(
        document=strategy,
        aim="Care closer to home",
        population="Adults in Dudley",
        measure="Emergency admissions",
        target="Down 10%",
        **AS,
    )
    cite_aim(aim=aim, decision=register.renewal, how_regard="weighed against aim 1", **AS)
    contract = register.renewal.contract
    books.receive_allocation(
        icb=icb, amount=Money.parse("£500,000"), on=date(2025, 4, 1), description="a", **AS
    )
    allocation = Account.objects.get(organisation=icb, purpose=Purpose.ALLOCATION)
    budget = _budget(icb=icb, **AS)
    books.transfer_budget(
        source=allocation,
        target=budget,
        amount=Money.parse("£500,000"),
        on=date(2025, 4, 1),
        description="b",
        **AS,
    )
    books.commit(
        contract=contract, source=budget, amount=Money.parse("£300,000"), on=date(2025, 4, 1), **AS
    )
    books.pay(
        contract=contract,
        amount=Money.parse("£40,000"),
        on=date(2025, 5, 1),
        invoice_number="I-1",
        **AS,
    )
    books.pay(
        contract=contract,
        amount=Money.parse("£2,500"),
        on=date(2025, 6, 1),
        invoice_number="I-2",
        **AS,
    )

    [progress] = selectors.aims_of(icb)
    assert progress.decided == 1 and progress.spent == Money.parse("£42,500")
    with pytest.raises(PlanError, match="already cites aim ICS-1.1"):
        cite_aim(aim=aim, decision=register.renewal, how_regard="again", **AS)
    with pytest.raises(PlanError, match="cite exactly one"):
        cite_aim(aim=aim, how_regard="nothing", **AS)

    page = client.get("/plans/").content.decode()
    assert "Care closer to home" in page and "£42,500.00" in page and "DEC-1" in page
    assert 'href="/plans/"' in client.get("/").content.decode()  # one click from home
    body = client.get("/api/plans/QUA").json()
    assert body["aims"][0]["paid"] == "42500.00" and body["aims"][0]["decisions"] == ["DEC-1"]
    assert set(body["documents"][0]["authors"]) == {"QUA", "E08000027"}
    assert client.get("/api/plans/NOPE").status_code == 404
    assert client.get("/plans/?icb=NOPE").status_code == 404


def test_check_flags_a_joint_forward_plan_not_published_by_its_deadline(register):
    icb = register.world.icb
    _jfp(
        icb,
        "2025/26",
        prepared_on=date(2025, 3, 20),
        published_on=date(2025, 3, 28),
        given_to=EVERYONE,
    )
    late = _jfp(icb, "2026/27", prepared_on=date(2026, 6, 30))
    found = {r.name: r for r in run_checks(date(2026, 12, 1)) if r.name.startswith("Joint")}
    assert found["Joint forward plan: QUA 2025/26"].ok
    bad = found["Joint forward plan: QUA 2026/27"]
    assert not bad.ok and "was due by 2026-03-31 (prepared on 2026-06-30)" in bad.detail
    assert "has not been published" in bad.detail
    assert "was due by" in found["Joint forward plan: QUA 2023/24"].detail  # none on record
    assert found["Joint forward plan: QUA 2027/28"].ok  # not yet due
    publish(document=late, on=date(2026, 7, 1), given_to=EVERYONE, **AS)
    again = {r.name: r for r in run_checks(date(2026, 12, 1))}["Joint forward plan: QUA 2026/27"]
    assert "has not been published" not in again.detail and "was due by" in again.detail

    out = CliRunner().invoke(main, ["check", "--on", "2026-12-01"])
    assert out.exit_code == 1 and "Joint forward plan: QUA 2026/27" in out.output
    shown = CliRunner().invoke(main, ["plans", "show", "--icb", "QUA", "--on", "2026-12-01"])
    assert (
        shown.exit_code == 0
        and "joint forward plan 2026/27: the joint forward plan" in shown.output
    )


def test_a_decision_recording_no_regard_to_the_strategy_is_listed(register, client):
    renewal = register.renewal
    renewal.regard = {}  # direct change: set-up of a record that says nothing of regard
    renewal.save()
    listed = [d.reference for d, _ in selectors.decisions_without_regard(register.world.icb)]
    assert "DEC-1" in listed
    _jfp(register.world.icb, "2025/26", prepared_on=date(2025, 3, 20))
    page = client.get("/plans/").content.decode()
    assert "does not record how it had regard to the integrated care" in page
    checks = [r for r in run_checks(date(2026, 1, 1)) if "regard" in r.name.lower()]
    assert checks and not all(r.ok for r in checks)


def test_a_document_that_cannot_be_is_refused(register):
    icb = register.world.icb
    with pytest.raises(PlanError) as refused:
        record_document(
            reference="X",
            kind="joint_forward_plan",
            title="x",
            icb=icb,
            authors=[],
            financial_year="someday",
            prepared_on=date(2025, 3, 1),
            published_on=date(2025, 2, 1),
            given_to=("the press",),
            document_url="ftp://x",
            **AS,
        )
    reasons = " | ".join(refused.value.reasons)
    for words in (
        "at least one author",
        "financial year",
        "before it was prepared",
        "'the press'",
        "not a web address",
    ):
        assert words in reasons
    assert not PlanDocument.objects.exists()
    out = CliRunner().invoke(
        main,
        [
            "plans",
            "add",
            "--reference",
            "J1",
            "--kind",
            "joint_forward_plan",
            "--title",
            "JFP",
            "--icb",
            "QUA",
            "--author",
            "QUA",
            "--year",
            "2025-26",
            "--prepared-on",
            "2025-03-01",
            "--reason",
            "t",
        ],
    )
    assert out.exit_code == 0, out.output
    out = CliRunner().invoke(
        main,
        [
            "plans",
            "aim",
            "--document",
            "J1",
            "--aim",
            "A",
            "--population",
            "P",
            "--measure",
            "M",
            "--target",
            "",
            "--reason",
            "t",
        ],
    )
    assert out.exit_code == 1 and "an aim needs its target" in out.output


def _yearly(icb, kind, year, **fields):
    return record_document(
        reference=f"{kind}-{year}",
        kind=kind,
        title=f"{kind} {year}",
        icb=icb,
        authors=[icb],
        financial_year=year,
        **{**AS, **fields},
    )


def test_check_flags_a_capital_plan_and_an_annual_report_not_made_by_their_deadlines(
    register, client
):
    icb = register.world.icb
    _yearly(
        icb,
        "capital_resource_use_plan",
        "2025/26",
        prepared_on=date(2025, 4, 10),
        published_on=date(2025, 4, 11),
        given_to=EVERYONE,
    )
    _yearly(
        icb,
        "annual_report",
        "2024/25",
        prepared_on=date(2025, 6, 20),
        published_on=date(2025, 6, 27),
        given_to=("nhs_england",),
    )
    found = {r.name: r for r in run_checks(date(2026, 1, 5))}
    late = found["Capital resource use plan: QUA 2025/26"]
    assert not late.ok and "was due by 2025-03-31 (prepared on 2025-04-10)" in late.detail
    assert "NHS Act 2006 s14Z56" in late.detail
    assert "was due by" in found["Capital resource use plan: QUA 2024/25"].detail  # none held
    assert found["Capital resource use plan: QUA 2026/27"].ok  # not yet due
    assert found["Annual report: QUA 2024/25"].ok
    missing = found["Annual report: QUA 2023/24"]
    assert not missing.ok and "was due by 2024-06-30" in missing.detail
    assert "the date is NHS England's [U]" in missing.detail
    assert "Annual report: QUA 2025/26" not in found  # the year is not over

    shown = CliRunner().invoke(main, ["plans", "show", "--icb", "QUA", "--on", "2026-01-05"])
    assert "capital resource use plan 2025/26: the capital resource use plan" in shown.output
    assert "annual report 2024/25: in time" in shown.output
    with time_machine.travel(date(2026, 1, 5)):
        page = client.get("/plans/").content.decode()
        body = client.get("/api/plans/QUA").json()
    assert "Capital resource use plan" in page and "was due by 2024-06-30" in page
    yearly = {(d["kind"], d["year"]): d for d in body["yearly"]}
    assert yearly[("capital_resource_use_plan", "2025/26")]["document"] == (
        "capital_resource_use_plan-2025/26"
    )
    assert yearly[("annual_report", "2024/25")]["problems"] == []
    assert yearly[("annual_report", "2023/24")]["problems"]


def test_a_place_budget_citing_no_aim_is_flagged_until_one_is_cited(register, client):
    icb = register.world.icb
    strategy = record_document(
        reference="ICS-1",
        kind="integrated_care_strategy",
        title="Our strategy",
        icb=icb,
        authors=[icb],
        **AS,
    )
    add_aim(document=strategy, aim="Fair shares", population="All", measure="m", target="t", **AS)
    run = PlaceAllocationRun.objects.create(  # set-up: an approved run, as allocation makes one
        icb=icb,
        financial_year="2025/26",
        line="core",
        component="general",
        budget=Money.parse("£10,000,000"),
        inputs_sha256="0" * 64,
        run_by="test",
        status="approved",
        approved_by="test",
        approved_at=datetime(2025, 3, 20, 12, tzinfo=UTC),
    )
    [gap] = [g for g in selectors.regard_gaps(icb) if g.kind == "place_budget"]
    assert gap.reference == "core 2025/26" and "cites none of the strategy's aims" in gap.flags[0]
    [check] = [r for r in run_checks(date(2026, 1, 1)) if r.name.startswith("Regard to the")]
    assert not check.ok and "the place budget 'ICB core services 2025/26'" in check.detail
    [before] = [r for r in run_checks(date(2025, 3, 1)) if r.name.startswith("Regard to the")]
    assert before.ok  # not yet approved on the day asked about
    with time_machine.travel(date(2026, 1, 5)):
        listed = client.get("/api/plans/QUA").json()["without_regard"]
        assert "Place budgets: ICB core services 2025/26" in client.get("/plans/").content.decode()
    assert [g["kind"] for g in listed if g["kind"] == "place_budget"] == ["place_budget"]

    other = OrganisationFactory(kind="icb", code="QZZ", name="Another ICB")
    elsewhere = record_document(
        reference="ICS-2",
        kind="integrated_care_strategy",
        title="Theirs",
        icb=other,
        authors=[other],
        **AS,
    )
    theirs = add_aim(document=elsewhere, aim="x", population="p", measure="m", target="t", **AS)
    with pytest.raises(PlanError, match="is not a decision of Another ICB"):
        cite_aim(aim=theirs, place_budget=run, how_regard="x", **AS)

    args = ["plans", "cite", "--aim", "ICS-1.1", "--place-budget", "core:2025-26"]
    out = CliRunner().invoke(main, [*args, "--how", "shares follow need", "--reason", "t"])
    assert out.exit_code == 1 and "give --icb" in out.output
    out = CliRunner().invoke(
        main, [*args, "--icb", "QUA", "--how", "shares follow need", "--reason", "t"]
    )
    assert out.exit_code == 0, out.output
    assert not [g for g in selectors.regard_gaps(icb) if g.kind == "place_budget"]
    [after] = [
        r for r in run_checks(date(2026, 1, 1)) if r.name.startswith("Regard to the strategy: QUA")
    ]
    assert after.ok and "every one of 1 place budget(s)" in after.detail
    out = CliRunner().invoke(
        main,
        ["plans", "cite", "--aim", "ICS-9.9", "--decision", "DEC-1", "--how", "x", "--reason", "t"],
    )
    assert out.exit_code == 1 and "no aim 'ICS-9.9'" in out.output
