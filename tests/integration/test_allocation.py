"""Published allocations reproduced; place budgets run, explained and approved."""

import io

import openpyxl
import pytest
from click.testing import CliRunner

from openics.allocation.models import PlaceAllocationRun, RunStatus
from openics.allocation.selectors import reproduce_published
from openics.allocation.services import (
    AllocationError,
    approve_run,
    import_published_allocations,
    run_place_allocation,
)
from openics.cli import main
from openics.core.audit import Actor
from openics.core.imports import ImportRejected
from openics.core.roles import Role
from openics.kernel.money import Money
from openics.organisations.models import Organisation
from openics.population.importers import import_practice_file
from tests.builders import many_practices, practice_file, practice_row

pytestmark = pytest.mark.django_db

ACTOR = Actor.process("test-allocation")
HEADINGS = [
    "R23",
    "Region",
    "ICB23",
    "System Name",
    "2022/23 Adjusted recurrent baseline (£k)",
    "2022/23 Fair Shares Target (£k)",
    "2022/23 Distance from target \n(%)",
    " ",
    "2023/24 Base growth (%)",
    "2023/24 Convergence (%)",
    "2023/24 Recurrent allocation \n(£k)",
]


def _workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "ICB Core Allocations 2023-24"
    sheet.append(["Allocations (ICB core services)"])
    sheet.append([])
    sheet.append(HEADINGS)
    sheet.append([])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


QUA_ROW = [
    "Y60",
    "Midlands",
    "QUA",
    "NHS Black Country ICB",
    2100000.5,
    2052000.25,
    (2100000.5 - 2052000.25) / 2052000.25,
    None,
    0.0517,
    -0.0071,
    None,
]


@pytest.fixture
def registry():
    rows = many_practices(4) + [practice_row("M99999", lad="E08000028", patients="3000")]
    import_practice_file(
        practice_file(rows), source_name="2025_2026.csv", actor=ACTOR, reason="test"
    )


def _qua_row(recurrent):
    row = list(QUA_ROW)
    row[10] = recurrent
    return row


def test_a_published_workbook_is_loaded_and_reproduced(registry):
    # 2,100,000.5 × 1.0517 × 0.9929 = 2,192,889.68 → £2,192,890k
    import_published_allocations(
        _workbook([_qua_row(2192890)]), source_name="alloc.xlsx", actor=ACTOR, reason="test"
    )
    [row] = reproduce_published()
    assert row.matches
    assert row.recurrent_k == 2192890


def test_a_figure_that_does_not_follow_from_its_inputs_is_shown_as_differing(registry):
    import_published_allocations(
        _workbook([_qua_row(2192999)]), source_name="alloc.xlsx", actor=ACTOR, reason="test"
    )
    [row] = reproduce_published()
    assert not row.matches
    result = CliRunner().invoke(main, ["allocation", "verify"])
    assert result.exit_code == 1
    assert "MISMATCH QUA" in result.output


def test_an_unknown_icb_in_the_workbook_is_refused_with_its_row(registry):
    bad = list(_qua_row(2192890))
    bad[2] = "QZZ"
    with pytest.raises(ImportRejected) as caught:
        import_published_allocations(
            _workbook([_qua_row(2192890), bad]),
            source_name="alloc.xlsx",
            actor=ACTOR,
            reason="test",
        )
    assert caught.value.errors[0].line == 6
    assert not reproduce_published()


def test_place_budgets_add_up_and_leave_no_practice_out(registry):
    run = run_place_allocation(
        icb=Organisation.objects.get(code="QUA"),
        financial_year="2025/26",
        budget=Money.parse("£7,000,000.01"),
        actor=ACTOR,
        reason="test",
    )
    assert sum(r["budget_pence"] for r in run.results) == Money.parse("£7,000,000.01").pence
    # no places yet: every practice is in the "no place" row, so nothing is lost
    assert [(r["name"], r["practices"]) for r in run.results] == [("Practices in no place", 5)]
    assert run.status == RunStatus.DRAFT and len(run.inputs_sha256) == 64


def test_approval_makes_a_run_the_delegation_and_supersedes_the_last(registry, make_user):
    icb = Organisation.objects.get(code="QUA")
    first = run_place_allocation(
        icb=icb, financial_year="2025/26", budget=Money(100_00), actor=ACTOR, reason="test"
    )
    approve_run(run=first, actor=ACTOR, reason="board approved")
    second = run_place_allocation(
        icb=icb, financial_year="2025/26", budget=Money(200_00), actor=ACTOR, reason="test"
    )
    secretary = make_user(Role.BOARD_SECRETARY, organisation_code="QUA")
    officer = make_user(Role.FINANCE, organisation_code="QUA")
    with pytest.raises(AllocationError, match="may not approve"):
        approve_run(run=second, actor=Actor.person(officer), reason="try")
    approve_run(run=second, actor=Actor.person(secretary), reason="board approved")
    first.refresh_from_db()
    assert first.status == RunStatus.SUPERSEDED
    assert PlaceAllocationRun.objects.get(status=RunStatus.APPROVED) == second
    with pytest.raises(AllocationError, match="only a draft"):
        approve_run(run=second, actor=ACTOR, reason="again")


def test_a_budget_of_nothing_is_refused(registry):
    with pytest.raises(AllocationError):
        run_place_allocation(
            icb=Organisation.objects.get(code="QUA"),
            financial_year="2025/26",
            budget=Money(0),
            actor=ACTOR,
            reason="test",
        )
    assert not PlaceAllocationRun.objects.exists()


def test_pages_show_the_reproduction_and_the_place_budgets(client, registry):
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    import_published_allocations(
        _workbook([_qua_row(2192890)]), source_name="alloc.xlsx", actor=ACTOR, reason="test"
    )
    html = client.get("/money/").content.decode()
    assert "<strong>1 of 1</strong>" in html and "2,192,890" in html
    run_place_allocation(
        icb=Organisation.objects.get(code="QUA"),
        financial_year="2025/26",
        budget=Money.parse("£1,000.00"),
        actor=ACTOR,
        reason="test",
    )
    html = client.get("/money/QUA/").content.decode()
    assert "£1,000.00" in html and "Practices in no place" in html
    # charts are inline SVG whose title carries every figure, beside the tables
    assert '<svg role="img"' in html and "Need index by place" in html
    assert "Practices in no place 1.000" in html  # the only group, so average need
    assert "The components of one place" in html and "Final WP" in html
    assert client.get("/money/QZZ/").status_code == 404


def test_fair_shares_are_explained_on_a_page_and_from_the_cli(client, registry):
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    html = client.get("/money/fair-shares/QUA/?year=2025/26&total=%C2%A3700.00").content.decode()
    # one ICB holds all the weighted population here, so it is due the whole total
    assert "Target £700.00" in html and "100.000000%" in html
    bad = client.get("/money/fair-shares/?year=2025/26&total=lots").content.decode()
    assert "not an amount of money" in bad
    result = CliRunner().invoke(
        main, ["allocation", "explain", "--icb", "QUA", "--year", "2025/26", "--total", "£700.00"]
    )
    assert result.exit_code == 0, result.output
    assert "target = core weighted share 100.000000% × £700.00 = £700.00" in result.output
    assert "health inequalities" in result.output


def test_a_paced_run_starts_from_the_approved_split(registry):
    from datetime import date

    from openics.organisations.places import move_practice_to_place
    from openics.population.importers import import_lsoa_lookup
    from openics.population.places import create_default_places
    from tests.builders import lsoa_lookup

    icb = Organisation.objects.get(code="QUA")
    with pytest.raises(AllocationError, match="approved split"):
        run_place_allocation(
            icb=icb,
            financial_year="2025/26",
            budget=Money(100_000_00),
            max_step="0.01",
            actor=ACTOR,
            reason="test",
        )
    areas = [("E01000001", "QUA", "E08000027"), ("E01000002", "QUA", "E08000028")]
    import_lsoa_lookup(lsoa_lookup(areas), source_name="l.csv", actor=ACTOR, reason="t")
    dudley, sandwell = create_default_places(icb=icb, on=date(2025, 4, 1), actor=ACTOR, reason="t")
    first = run_place_allocation(
        icb=icb, financial_year="2025/26", budget=Money(100_000_00), actor=ACTOR, reason="test"
    )
    approve_run(run=first, actor=ACTOR, reason="approved")
    # a practice moves from Sandwell to Dudley: Dudley's target share jumps to 100%
    move_practice_to_place(
        practice=Organisation.objects.get(code="M99999"),
        place=dudley,
        on=date(2025, 5, 1),
        actor=ACTOR,
        reason="t",
    )
    from decimal import Decimal

    paced = run_place_allocation(
        icb=icb,
        financial_year="2025/26",
        budget=Money(100_000_00),
        max_step=Decimal("0.10"),
        actor=ACTOR,
        reason="test",
    )
    by_name = {r["name"]: r for r in paced.results}
    assert by_name["Dudley place"]["target_pence"] == 100_000_00
    # 4,000 of 7,000 weighted → 57.14% before; at most 10 points more now
    assert by_name["Dudley place"]["budget_pence"] == 67_142_86
    assert sum(r["budget_pence"] for r in paced.results) == 100_000_00
    assert "at most 0.10" in paced.parameters["pace"]


def test_totals_are_recorded_from_the_workbook_and_can_be_entered(client, registry):
    from openics.allocation.models import AllocationTotal
    from openics.allocation.services import set_total
    from openics.core.models import AuditEntry

    import_published_allocations(
        _workbook([_qua_row(2192890)]), source_name="alloc.xlsx", actor=ACTOR, reason="test"
    )
    england = AllocationTotal.objects.get(financial_year="2023/24", icb=None)
    assert england.amount == Money.parse("£2,192,890,000.00")
    set_total(
        financial_year="2025/26",
        line="core",
        amount=Money.parse("£5,000.00"),
        source="a modelling assumption",
        actor=ACTOR,
        reason="what if",
    )
    set_total(
        financial_year="2025/26",
        line="core",
        amount=Money.parse("£7,000.00"),
        source="a second assumption",
        actor=ACTOR,
        reason="what if, again",
    )
    changed = AuditEntry.objects.get(action="allocation.set_total", before__isnull=False)
    assert changed.before["amount"] == 500000 and changed.after["amount"] == 700000
    with pytest.raises(AllocationError, match="financial year"):
        set_total(
            financial_year="2025-27",
            line="core",
            amount=Money(1),
            source="x",
            actor=ACTOR,
            reason="x",
        )
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    assert "£7,000.00" in client.get("/money/").content.decode()
    # fair shares use England's total for the populations' year when one is recorded
    html = client.get("/money/fair-shares/?year=2025/26").content.decode()
    assert "£7,000.00" in html and "a second assumption" in html
    result = CliRunner().invoke(main, ["allocation", "totals"])
    assert "2023/24" in result.output and "2025/26" in result.output
