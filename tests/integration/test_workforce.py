"""People: staff by organisation and group from NHS Digital's file, and staff transfers.

The expectation is computed here from the published workbook with openpyxl directly (not
through the reader), so the import is checked against the file, not against itself.
"""

import io
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from openics.cli import main
from openics.core.audit import Actor
from openics.core.imports import ImportRejected
from openics.core.models import AuditEntry, ImportRun
from openics.organisations import lifecycle
from openics.organisations.lifecycle import LifecycleError, transfer_staff
from openics.organisations.models import StaffFigure, StaffTransfer
from openics.organisations.workforce import import_workforce
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

FILE = (
    Path(__file__).resolve().parents[2]
    / "data/nhsd-workforce"
    / "hchs-staff-by-staff-group-nationality-and-organisation-september-2017-and-june-2018_ah2324.xlsx"  # noqa: E501
)
DEMO_TRUSTS = {
    "RNA": "foundation_trust",
    "RXK": "nhs_trust",
    "RBK": "nhs_trust",
    "RL4": "nhs_trust",
    "TAJ": "foundation_trust",
}
ACTOR = Actor.process("test-suite")
MONTH_ENDS = {"2017-SEP": date(2017, 9, 30), "2018-JUN": date(2018, 6, 30)}


def _file_sums(codes) -> dict[tuple, Decimal]:
    """Staff by (code, day, group): the Data sheet's FTE added up over nationality."""
    book = openpyxl.load_workbook(FILE, read_only=True, data_only=True)
    sheet = book["Data"]
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))
    at = {name: header.index(name) for name in header}
    sums: dict[tuple, Decimal] = defaultdict(Decimal)
    for row in rows:
        code = row[at["Organisation code"]]
        if code in codes:
            key = (code, MONTH_ENDS[row[at["Month"]]], row[at["Staff group"]])
            sums[key] += Decimal(str(row[at["FTE"]]))
    book.close()
    return sums


def _workbook(
    rows,
    header=("Month", "Organisation code", "Organisation name", "Staff group", "Nationality", "FTE"),
) -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["A note"])
    sheet = book.create_sheet("Data")
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(data, name="workforce.xlsx"):
    return import_workforce(data, source_name=name, actor=ACTOR, reason="test import")


@pytest.fixture
def demo_trusts():
    return {
        code: OrganisationFactory(code=code, kind=kind, name=f"Trust {code}")
        for code, kind in DEMO_TRUSTS.items()
    }


def test_each_demo_trust_has_the_files_staff_by_group_summed_over_nationality(demo_trusts):
    expected = _file_sums(set(DEMO_TRUSTS))
    report = _import(FILE.read_bytes(), FILE.name)

    held = {
        (f.organisation.code, f.as_at, f.staff_group): f.fte
        for f in StaffFigure.objects.select_related("organisation")
    }
    assert set(held) == set(expected)
    for key, total in expected.items():
        assert held[key] == total.quantize(Decimal("0.00001")), key
    for code in DEMO_TRUSTS:  # every demo trust, on both days
        assert {d for c, d, _ in held if c == code} == set(MONTH_ENDS.values()), code
    assert report.created == len(expected)
    assert "433 organisations of the file are not in the registry" in report.notes[0]
    assert ImportRun.objects.filter(kind="workforce").count() == 1

    # a second import of the same file changes nothing
    again = _import(FILE.read_bytes(), FILE.name)
    assert again.created == again.changed == 0 and again.unchanged == len(expected)


def test_a_bad_line_refuses_the_file_with_its_line_and_value(demo_trusts):
    data = _workbook(
        [
            ("2018-JUN", "RNA", "Dudley", "HCHS doctors", "British", 10),
            ("2018-JUN", "RNA", "Dudley", "Porters", "British", 3),  # line 3
            ("2018-13", "RNA", "Dudley", "Midwives", "British", 2),  # line 4
            ("2018-JUN", "RNA", "Dudley", "Midwives", "Irish", -1),  # line 5
        ]
    )
    with pytest.raises(ImportRejected) as refused:
        _import(data)
    report = refused.value.report()
    assert "row 3: staff group 'Porters' is not one NHS Digital publishes" in report
    assert "row 4: month '2018-13' is not written YYYY-MON" in report
    assert "row 5: FTE is negative (-1)" in report
    assert not StaffFigure.objects.exists()  # nothing written, not even the good line


def test_an_unknown_layout_or_a_file_with_nothing_for_the_registry_is_refused(demo_trusts):
    wrong = _workbook([("2018-JUN", "RNA", "x", "y")], header=("Month", "Trust", "Name", "Group"))
    with pytest.raises(ImportRejected, match="not NHS Digital's workforce statistics"):
        _import(wrong)
    empty = _workbook([])
    with pytest.raises(ImportRejected, match="has no staff figures"):
        _import(empty)
    elsewhere = _workbook([("2018-JUN", "RZZ", "Elsewhere", "HCHS doctors", "British", 4)])
    with pytest.raises(ImportRejected, match="none of its 1 organisations is in the registry"):
        _import(elsewhere)
    with pytest.raises(ImportRejected, match="not an Excel workbook"):
        _import(b"Month,Organisation code\n")
    repeated = _workbook(
        [
            ("2018-JUN", "RNA", "Dudley", "HCHS doctors", "British", 4),
            ("2018-JUN", "RNA", "Dudley", "HCHS doctors", "British", 4),
        ]
    )
    with pytest.raises(ImportRejected) as refused:
        _import(repeated)
    assert "row 3: repeats row 2" in refused.value.report()
    assert not StaffFigure.objects.exists()


def test_headcount_is_read_where_the_file_gives_it(demo_trusts):
    data = _workbook(
        [
            ("RNA", "2018-JUN", "Dudley", "Midwives", "British", 10),
            ("RNA", "2018-JUN", "Dudley", "Midwives", "Irish", 3),
        ],
        header=(
            "Organisation code",
            "Month",
            "Organisation name",
            "Staff group",
            "Nationality",
            "Headcount",
        ),
    )
    _import(data)
    figure = StaffFigure.objects.get()
    assert (figure.headcount, figure.fte, figure.source_lines) == (13, None, 2)


def _transfer(source, target, **changes):
    terms = dict(
        on=date(2025, 4, 1),
        staff=20,
        functions="Pathology",
        legal_basis="tupe",
        agenda_for_change=True,
        nhs_pension=True,
        actor=ACTOR,
        reason="test transfer",
    )
    return transfer_staff(source=source, target=target, **{**terms, **changes})


def test_a_transfer_records_its_terms_and_moves_a_known_staff_count(demo_trusts):
    source, target = demo_trusts["RBK"], demo_trusts["RL4"]
    source.staff_count = 100
    source.save()
    record = _transfer(source, target, legal_basis="cosop", other_terms="shifts kept")
    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.staff_count, target.staff_count) == (80, 20)
    assert record.get_legal_basis_display().startswith("COSOP")
    assert AuditEntry.objects.filter(action="organisations.transfer_staff").exists()

    # a transfer is a record about both bodies: a later merger leaves it where it is
    figure = StaffFigure.objects.create(
        organisation=source,
        as_at=date(2018, 6, 30),
        staff_group="Midwives",
        fte=Decimal("4.5"),
        source_name="f.xlsx",
    )
    lifecycle.merge(sources=[source], into=target, on=date(2026, 4, 1), actor=ACTOR, reason="t")
    record.refresh_from_db()
    figure.refresh_from_db()
    assert record.source_id == source.pk and figure.organisation_id == source.pk


def test_a_transfer_that_cannot_be_is_refused_and_writes_nothing(demo_trusts):
    rbk, rl4 = demo_trusts["RBK"], demo_trusts["RL4"]
    with pytest.raises(LifecycleError) as refused:
        _transfer(rbk, rbk, staff=0, legal_basis="handshake", functions=" ")
    reasons = " | ".join(refused.value.reasons)
    for words in (
        "from a body to itself",
        "at least one member",
        "'handshake' is not",
        "which functions",
    ):
        assert words in reasons
    assert not StaffTransfer.objects.exists()
    assert AuditEntry.objects.filter(action="organisations.transfer_staff.refused").exists()
    rl4.active_from = date(2026, 1, 1)
    rl4.save()
    with pytest.raises(LifecycleError, match="not established until 2026-01-01"):
        _transfer(rbk, rl4)


def test_cli_api_and_portal_show_staff_and_transfers(demo_trusts, client):
    _import(
        _workbook(
            [
                ("2017-SEP", "RNA", "Dudley", "HCHS doctors", "British", 10.5),
                ("2017-SEP", "RNA", "Dudley", "HCHS doctors", "Indian", 2.25),
                ("2018-JUN", "RNA", "Dudley", "HCHS doctors", "British", 11),
            ]
        )
    )
    result = CliRunner().invoke(main, ["workforce", "show", "--org", "RNA"])
    assert result.exit_code == 0, result.output
    assert "HCHS doctors" in result.output and "12.8" in result.output  # 10.5 + 2.25
    result = CliRunner().invoke(
        main,
        [
            "workforce",
            "transfer",
            "--from",
            "RNA",
            "--to",
            "RL4",
            "--on",
            "2025-04-01",
            "--staff",
            "7",
            "--functions",
            "Audiology",
            "--basis",
            "tupe",
            "--no-nhs-pension",
            "--reason",
            "test",
        ],
    )
    assert result.exit_code == 0, result.output
    bad = CliRunner().invoke(
        main,
        [
            "workforce",
            "transfer",
            "--from",
            "RNA",
            "--to",
            "RNA",
            "--on",
            "2025-04-01",
            "--staff",
            "7",
            "--functions",
            "Audiology",
            "--basis",
            "tupe",
            "--reason",
            "test",
        ],
    )
    assert bad.exit_code == 1 and "from a body to itself" in bad.output

    body = client.get("/api/workforce/staff/RNA").json()
    assert {
        "as_at": "2017-09-30",
        "staff_group": "HCHS doctors",
        "fte": "12.75000",
        "headcount": None,
    } in body["figures"]
    assert body["provenance"].startswith("real")
    assert client.get("/api/workforce/staff/NOPE").status_code == 404
    transfers = client.get("/api/workforce/transfers").json()
    assert transfers[0]["staff"] == 7 and transfers[0]["nhs_pension"] is False

    home = client.get("/").content.decode()
    assert 'href="/people/"' in home
    page = client.get("/people/").content.decode()
    assert "Audiology" in page and "Agenda for Change: yes; NHS pension: no" in page
    assert 'href="/people/RNA/"' in page and 'data-provenance="real"' in page
    staff = client.get("/people/RNA/").content.decode()
    assert "12.8" in staff and "11.0" in staff and "workforce.xlsx" in staff
    assert client.get("/people/NOPE/").status_code == 404
    assert client.get("/people/?icb=NOPE").status_code == 404
