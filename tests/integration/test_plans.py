"""Plans and strategy: documents with their aims, decisions citing an aim with what was
paid for it, the joint forward plan's deadline flagged by `openics check`, and decisions
that record no regard to the strategy."""

from datetime import date

import pytest
from click.testing import CliRunner

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
