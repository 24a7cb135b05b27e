"""`openics demo --no-serve` loads the real national data; twice is the same as once.

The demonstration is a record as it stood on one day: its boards' annual checks, its
declarations and its standstills all fall due by the calendar. The tests here run on a
frozen clock on that day, so they give the same answer whenever they are run.
"""

import csv
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from click.testing import CliRunner
from django.contrib.auth import get_user_model

from openics.allocation.selectors import approved_place_budgets, reproduce_published
from openics.cli import main
from openics.core.models import AuditEntry
from openics.demo import DEMO_PEOPLE
from openics.kernel.money import Money
from openics.organisations import selectors
from openics.organisations.models import Organisation
from openics.population import selectors as population_selectors
from openics.regimes.vocabulary import BodyKind

pytestmark = pytest.mark.django_db(transaction=True)

# The day the demonstration describes (its last meeting and decisions are in the autumn).
DEMO_DAY = datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def _on_the_demonstration_day():
    with time_machine.travel(DEMO_DAY, tick=True):
        yield


PRACTICE_FILE = Path(__file__).resolve().parents[2] / "data/nhse-place-based-tool/2025_2026.csv"


def _file_totals() -> dict[str, Decimal]:
    """Registered population per ICB, read straight from the published file."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    with PRACTICE_FILE.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            totals[row["ICB"]] += Decimal(row["Population"])
    return totals


def _dudley_from_file():
    """Dudley's practices of the Black Country ICB, and the whole ICB, summed from the CSV."""
    reg = wp = icb_reg = icb_wp = Decimal(0)
    with PRACTICE_FILE.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["ICB"] != "QUA":
                continue
            icb_reg += Decimal(row["Population"])
            icb_wp += Decimal(row["Final WP"])
            if row["LAD"] == "E08000027":
                reg += Decimal(row["Population"])
                wp += Decimal(row["Final WP"])
    return reg, wp, icb_reg, icb_wp


def test_demo_loads_42_icbs_in_7_regions_with_the_published_populations():
    result = CliRunner().invoke(main, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "Demonstration data loaded." in result.output

    groups = population_selectors.icb_directory("2025/26")
    assert len(groups) == 7
    loaded = {s.icb.code: s.registered for g in groups for s in g.icbs}
    assert len(loaded) == 42
    expected = _file_totals()
    assert set(loaded) == set(expected)
    for code, total in expected.items():
        # stored to a millionth of a person, exactly
        assert abs(loaded[code] - total) < Decimal("0.00001") * 6348, code

    # the demonstration ICS has a place for each of its four boroughs, Dudley among them
    icb = Organisation.objects.get(kind=BodyKind.ICB.value, code="QUA")
    places = {p.name for p in selectors.current_children(icb, BodyKind.PLACE)}
    assert "Dudley place" in places and len(places) == 4

    # NHS England's 168 published allocations are all reproduced from their inputs
    reproduced = reproduce_published()
    assert len(reproduced) == 168 and all(r.matches for r in reproduced)
    # and the Black Country's core budget is delegated to its places, to the penny
    run = approved_place_budgets(icb, "2025/26", "core")
    assert sum(r["budget_pence"] for r in run.results) == run.budget.pence
    assert run.budget == Money.parse("£2,257,910,000.00")  # published 2024/25 core allocation
    # the place figures equal the place-based tool's method worked straight from the file
    dudley = next(r for r in run.results if r["name"] == "Dudley place")
    registered, weighted, icb_registered, icb_weighted = _dudley_from_file()
    assert Decimal(dudley["registered"]) == registered
    assert Decimal(dudley["weighted"]) == weighted
    expected_index = (weighted / registered) / (icb_weighted / icb_registered)
    # populations are kept to a millionth of a person, so the index agrees to 1e-12
    assert abs(Decimal(dudley["need_index"]) - expected_index) < Decimal("1e-12")

    # the allocate tool gives the same need index by district, and national shares sum to 1
    from openics.allocation.tool import national_rows, place_rows

    by_district = {(r["place_code"], r["component"]): r for r in place_rows(icb, "2025/26", "lad")}
    dudley_index = by_district[("E08000027", "Final WP")]["need_index"]
    assert abs(dudley_index - expected_index) < Decimal("1e-12")
    core = [r for r in national_rows("2025/26") if r["line"] == "core"]
    assert len(core) == 42 and sum(r["target_share"] for r in core) == 1

    # the Black Country Provider Collaborative has members in two ICBs
    collaborative = Organisation.objects.get(kind="provider_collaborative")
    member_icbs = {
        selectors.current_parent(link.child, BodyKind.ICB).code
        for link in collaborative.child_links.current()
    }
    assert member_icbs == {"QUA", "QHL"}

    users = get_user_model().objects.filter(username__in=[u for u, _, _ in DEMO_PEOPLE])
    assert users.count() == len(DEMO_PEOPLE)
    assert users.get(username="demo-finance").has_perm("openics.post_ledger", "QUA")
    # one account per role, each with the password the run printed; the board member's is
    # the key of a member on the register, so the workspace knows whose interests they declare
    from openics.demo import demo_password
    from openics.governance.models import Person

    assert "/sign-in/" in result.output
    for username, _, _ in DEMO_PEOPLE:
        assert demo_password(username) in result.output
        assert users.get(username=username).check_password(demo_password(username))
    assert Person.objects.filter(slug="ada-example").exists()

    _the_demo_books_balance_and_reach_subcontractors(icb)
    _the_demo_decisions_export_as_valid_ocds()
    _the_demo_answers_q15_with_the_files_staff_and_illustrative_transfers()
    _the_demo_answers_q14_with_an_illustrative_plan_and_pfi_in_the_books()
    _the_demo_plans_are_illustrative_and_their_aims_cite_decisions()

    # a second run changes nothing
    entries = AuditEntry.objects.count()
    again = CliRunner().invoke(main, ["demo", "--no-serve"])
    assert again.exit_code == 0, again.output
    assert AuditEntry.objects.count() == entries

    _the_demo_boards_recuse_and_removing_a_non_executive_breaks_the_constitution()


def _the_demo_boards_recuse_and_removing_a_non_executive_breaks_the_constitution():
    from openics.governance.models import AgendaItem

    checked = CliRunner().invoke(main, ["check"])
    # the first failure: two members took part in awards to companies whose gifts they had
    # accepted (the chief executive's hamper, the finance director's dinner six days before)
    # and, on purpose too, a board decision that cites an aim but records no regard to the
    # integrated care strategy
    failing = [x for x in checked.output.splitlines() if x.startswith("[FAIL]")]
    assert checked.exit_code == 1 and len(failing) == 2, checked.output
    assert failing[0].startswith("[FAIL] Gifts before votes")
    assert failing[1].startswith("[FAIL] Regard to the strategy: QUA place budgets and board")
    assert "cites aim BC-ICS-2023.2 but does not record how" in failing[1]
    assert "Sam Specimen accepted gift (Christmas hamper)" in failing[0]
    assert "from Black Country Home Care Ltd" in failing[0]
    assert "Priya Sample accepted hospitality" in failing[0] and "6 days before" in failing[0]
    assert "every one of 10 board recusal(s)" in checked.output
    # 13 from the boards, and the 19 provider selection notices published before them
    assert "the hash chain of 32 entries is intact" in checked.output
    # the member who declared a financial interest in the out-of-hours provider stepped out
    minutes = CliRunner().invoke(main, ["boards", "minutes", "qua-board-2026-07-13"])
    assert "Stepped out: Dr Ada Example" in minutes.output
    assert "declared financial interest in THE ROYAL WOLVERHAMPTON NHS TRUST" in minutes.output
    voted = CliRunner().invoke(
        main,
        [
            "boards",
            "decide",
            "qua-board-2026-07-13",
            "2",
            "--vote",
            "ada-example=for",
            "--resolution",
            "again",
        ],
    )
    assert voted.exit_code == 1 and "already decided" in voted.output
    item = AgendaItem.objects.get(meeting__reference="qua-board-2026-07-13", number="2")
    assert "Dr Ada Example" not in {v.membership.person.name for v in item.votes.all()}
    # the item the recusals left without a quorum, and the one the Secretary of State took
    assert AgendaItem.objects.filter(status="not_taken").count() == 2

    removed = CliRunner().invoke(
        main,
        [
            "boards",
            "end-term",
            "qua-board",
            "--person",
            "leo-notreal",
            "--reason",
            "Removed by NHS England (acceptance check)",
        ],
    )
    assert removed.exit_code == 0, removed.output
    checked = CliRunner().invoke(main, ["check"])
    assert checked.exit_code == 1
    lines = checked.output.splitlines()
    [now] = [x for x in lines if "NHS Black Country ICB board under hca-2022" in x]
    assert now.startswith("[FAIL]") and "at least two non-executive members but has 1" in now
    [then] = [x for x in lines if "NHS Black Country ICB board under hsca-2012" in x]
    assert then.startswith("[ok]") and "no such body as an integrated care board" in then


def _the_demo_answers_q15_with_the_files_staff_and_illustrative_transfers():
    from django.test import Client

    from openics.organisations.models import StaffFigure, StaffTransfer
    from tests.integration.test_workforce import DEMO_TRUSTS, _file_sums

    expected = _file_sums(set(DEMO_TRUSTS))
    held = {
        (f.organisation.code, f.as_at, f.staff_group): f.fte
        for f in StaffFigure.objects.filter(organisation__code__in=DEMO_TRUSTS).select_related(
            "organisation"
        )
    }
    assert held == {k: v.quantize(Decimal("0.00001")) for k, v in expected.items()}
    transfers = list(StaffTransfer.objects.all())
    assert transfers and all(t.illustrative for t in transfers)
    client = Client()
    assert 'href="/people/"' in client.get("/").content.decode()  # one click from home
    page = client.get("/people/").content.decode()
    assert "Illustrative" in page and 'data-provenance="real"' in page
    assert 'href="/people/RNA/"' in page  # two clicks: staff by group over time
    assert "HCHS doctors" in client.get("/people/RNA/").content.decode()


def _the_demo_answers_q14_with_an_illustrative_plan_and_pfi_in_the_books():
    from django.test import Client

    from openics.capital.models import PfiScheme
    from openics.ledger import selectors as books

    client = Client()
    assert 'href="/money/"' in client.get("/").content.decode()
    assert 'href="/money/capital/"' in client.get("/money/").content.decode()  # two clicks
    page = client.get("/money/capital/").content.decode()
    assert "NHS Black Country ICB" in page and "<svg" in page
    assert 'data-provenance="illustrative"' in page and 'data-provenance="recorded"' not in page
    # the school of another department is left out; the trusts' two schemes are in
    schemes = list(PfiScheme.objects.all())
    assert len(schemes) == 2 and all(s.illustrative for s in schemes)
    dudley = next(s for s in schemes if s.provider.code == "RNA")
    traced = books.follow(books.resolve_start("provider:RNA"), "2025-26")
    reached = {org.pk: amount for org, amount, _ in traced.by_organisation()}
    assert reached[dudley.partner.pk] == dudley.charges.get(financial_year="2025/26").amount


def _the_demo_plans_are_illustrative_and_their_aims_cite_decisions():
    from django.test import Client

    page = Client().get("/plans/").content.decode()
    assert "Black Country integrated care strategy" in page and 'data-illustrative="true"' in page
    assert "Faster access to mental health support" in page and "Place budgets 2025/26" in page
    assert "Flagged" not in page  # every year's plans and reports were in time
    assert "Black Country capital resource use plan 2026/27" in page
    assert "NHS Black Country ICB annual report 2025/26" in page
    # the one decision recorded without regard: the board's elective plan cites an aim only
    [no_regard] = [line for line in page.splitlines() if "does not record how" in line]
    assert "shared elective recovery plan 2026/27" in no_regard and "Illustrative" in no_regard


def _the_demo_books_balance_and_reach_subcontractors(icb):
    from openics.allocation.models import PublishedAllocation
    from openics.ledger import selectors as books
    from openics.ledger.models import Transaction

    assert books.recompute_check() == []
    _bean_check_accepts_the_demo_journal()
    traced = books.follow(books.resolve_start("nhse"), "2025-26")
    published = PublishedAllocation.objects.filter(icb=icb, financial_year="2024/25")
    received = sum((Money.from_pounds(p.recurrent_k * 1000) for p in published), Money(0))
    assert traced.total == received  # both of QUA's published lines, to the penny
    assert sum((d.amount for d in traced.destinations), Money(0)) == traced.total
    assert traced.reached > Money(0) and set(traced.by_depth) == {0, 1, 2}
    assert {"NHS", "GP partnership", "Independent for-profit", "Voluntary and community"} <= set(
        traced.by_ownership
    )
    balance = books.icb_balance(icb, "2025-26")
    assert balance.breaks_even and balance.received == received
    # the attempt to pay home care from the public health grant left only its refusal
    refusal = AuditEntry.objects.get(action="ledger.pay.refused")
    assert "ring-fenced public health grant" in refusal.after["refused"][0]
    assert not Transaction.objects.filter(invoice_number="DEMO-REFUSED").exists()


def _the_demo_decisions_export_as_valid_ocds():
    import json
    import tempfile

    from openics.arranging.models import Process, SelectionDecision
    from tests.ocds_validation import check_release_package

    decisions = SelectionDecision.objects.all()
    assert decisions.count() >= 10 and not decisions.filter(illustrative=False).exists()
    assert set(Process.values) <= set(decisions.values_list("process", flat=True))
    # the Direct Award C with a 30% rise was refused and left only its refusal
    refusal = AuditEntry.objects.get(action="commissioning.record_decision.refused")
    assert "considerable change test" in refusal.after["refused"][0]
    assert not decisions.filter(reference="QUA-PSR-2026-004X").exists()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "ocds.json"
        result = CliRunner().invoke(main, ["export", "ocds", "--out", str(out)])
        assert result.exit_code == 0, result.output
        package = json.loads(out.read_text(encoding="utf-8"))
    assert check_release_package(package).errors == []
    tags = {tag for release in package["releases"] for tag in release["tag"]}
    assert {
        "award",
        "contract",
        "contractAmendment",
        "implementation",
        "tenderCancellation",
    } <= tags
    linked = [r for r in package["releases"] if r.get("relatedProcesses")]
    assert any(p["relationship"] == ["parent"] for r in linked for p in r["relatedProcesses"])


def _bean_check_accepts_the_demo_journal():
    import subprocess
    import sys
    import tempfile

    from openics.ledger.exports import write_beancount

    with tempfile.TemporaryDirectory() as folder:
        journal = Path(folder) / "demo.beancount"
        with journal.open("w", encoding="utf-8") as out:
            counts = write_beancount(out)
        assert counts["postings"] > 5000
        bean_check = Path(sys.executable).with_name("bean-check")
        checked = subprocess.run([str(bean_check), str(journal)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr[-2000:]
        assert checked.stdout.strip() == ""


def test_check_passes_on_a_migrated_database():
    result = CliRunner().invoke(main, ["migrate"])
    assert result.exit_code == 0
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert "[ok] Database" in result.output
    assert "[ok] Regimes: 9 regimes" in result.output
