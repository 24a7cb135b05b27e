"""Importing ODS files: trusts, practices and PCNs, with unknown codes refused by line."""

import pytest

from openics.core.audit import Actor
from openics.core.imports import ImportRejected
from openics.organisations.models import Organisation, Relationship
from openics.organisations.ods_import import import_ods_file
from openics.population.importers import import_practice_file
from tests.builders import many_practices, practice_file

pytestmark = pytest.mark.django_db

ACTOR = Actor.process("test-import")


def _ods_line(code: str, name: str, icb: str, opened="20000401", closed="", setting="") -> str:
    cells = [
        code,
        name,
        "Y60",
        icb,
        "1 HIGH ST",
        "",
        "",
        "DUDLEY",
        "",
        "DY1 2HQ",
        opened,
        closed,
        "A",
        "B",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "0",
        "",
        "",
        "",
        setting,
        "",
    ]
    return ",".join(f'"{c}"' for c in cells)


@pytest.fixture
def icbs():
    import_practice_file(
        practice_file(many_practices(2)), source_name="2025_2026.csv", actor=ACTOR, reason="test"
    )


def test_trusts_are_created_within_their_icb_and_reimport_changes_nothing(icbs):
    data = "\n".join(
        [
            _ods_line("RNA", "THE DUDLEY GROUP NHS FOUNDATION TRUST", "QUA"),
            _ods_line("RXK", "SANDWELL AND WEST BIRMINGHAM HOSPITALS NHS TRUST", "QUA"),
            _ods_line("RYJ", "SOME NATIONAL TRUST", "Q99"),
        ]
    ).encode()
    report = import_ods_file(data, source_name="etr.csv", actor=ACTOR, reason="test")
    assert report.created == 3 + 2  # three trusts, two links to the ICB
    assert Organisation.objects.get(code="RNA").kind == "foundation_trust"
    assert Organisation.objects.get(code="RXK").kind == "nhs_trust"
    assert Relationship.objects.filter(child__code="RNA", parent__code="QUA").exists()
    assert not Relationship.objects.filter(child__code="RYJ").exists()
    again = import_ods_file(data, source_name="etr.csv", actor=ACTOR, reason="test")
    assert (again.created, again.changed, again.unchanged) == (0, 0, 3)


def test_an_unknown_icb_code_is_refused_with_its_line(icbs):
    data = "\n".join(
        [
            _ods_line("RNA", "THE DUDLEY GROUP NHS FOUNDATION TRUST", "QUA"),
            _ods_line("RXK", "A TRUST IN NOWHERE", "QZZ"),
        ]
    ).encode()
    with pytest.raises(ImportRejected) as caught:
        import_ods_file(data, source_name="etr.csv", actor=ACTOR, reason="test")
    assert [(e.line, "QZZ" in e.reason) for e in caught.value.errors] == [(2, True)]
    assert not Organisation.objects.filter(code="RNA").exists()


def test_a_file_with_a_header_row_is_not_the_legacy_layout(icbs):
    data = b"Organisation Code,Name,Region\nRNA,X,Y60\n"
    with pytest.raises(ImportRejected, match="header row"):
        import_ods_file(data, source_name="etr.csv", actor=ACTOR, reason="test")


def test_a_bad_date_is_reported_by_line(icbs):
    data = "\n".join(
        [
            _ods_line("M00001", "PRACTICE ONE", "QUA", setting="4"),
            _ods_line("M00009", "PRACTICE NINE", "QUA", opened="2000-04-01", setting="4"),
        ]
    ).encode()
    with pytest.raises(ImportRejected) as caught:
        import_ods_file(data, source_name="epraccur.csv", actor=ACTOR, reason="test")
    assert caught.value.errors[0].line == 2
    assert "yyyymmdd" in caught.value.errors[0].reason


def test_practices_from_epraccur_update_dates_and_close(icbs):
    data = "\n".join(
        [
            _ods_line("M00001", "PRACTICE M00001", "QUA", setting="4"),
            _ods_line("M00002", "PRACTICE M00002", "QUA", closed="20250331", setting="4"),
            _ods_line("Y99999", "A PRESCRIBING HUB", "QUA", setting="9"),  # not a GP practice
        ]
    ).encode()
    import_ods_file(data, source_name="epraccur.csv", actor=ACTOR, reason="test")
    closed = Organisation.objects.get(code="M00002")
    assert str(closed.active_to) == "2025-03-31"
    assert not Organisation.objects.filter(code="Y99999").exists()
    # a closed practice keeps no current links: they end on the day it closed
    assert not Relationship.objects.current().filter(child=closed).exists()
    assert set(Relationship.objects.filter(child=closed).values_list("active_to", flat=True)) == {
        closed.active_to
    }
    # and re-importing the practice file does not link it again
    import_practice_file(
        practice_file(many_practices(2)), source_name="2025_2026.csv", actor=ACTOR, reason="test"
    )
    assert not Relationship.objects.current().filter(child=closed).exists()


def test_pcns_from_the_workbook_link_their_member_practices(icbs):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    pcns = book.active
    pcns.title = "PCNDetails"
    pcns.append(
        [
            "PCN Code",
            "PCN Name",
            "Current Sub ICB Loc Code",
            "Sub ICB Location",
            "Open Date",
            "Close Date",
            "Address Line 1",
            "Postcode",
        ]
    )
    pcns.append(
        [
            "U12345",
            "DUDLEY CENTRAL PCN",
            "D2P2L",
            "NHS BLACK COUNTRY ICB",
            "20190701",
            "",
            "1 HIGH ST",
            "DY1 1AA",
        ]
    )
    partners = book.create_sheet("PCN Core Partner Details")
    partners.append(
        [
            "Partner\nOrganisation\nCode",
            "PCN Code",
            "Practice to PCN\nRelationship\nStart Date",
            "Practice to PCN\nRelationship\nEnd Date",
        ]
    )
    partners.append(["M00001", "U12345", "20190701", None])
    partners.append(["M00002", "U12345", "20190701", "20230331"])  # left in 2023
    out = io.BytesIO()
    book.save(out)
    report = import_ods_file(out.getvalue(), source_name="ePCN.xlsx", actor=ACTOR, reason="t")
    assert report.created == 2  # the PCN and one current membership
    assert (
        Relationship.objects.current().get(child__code="M00001", kind="member").parent.code
        == "U12345"
    )
    assert not Relationship.objects.filter(child__code="M00002", kind="member").exists()


MAP_HEADER = (
    "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,"
    "ONS_SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,ONS_ICB_CODE,ICB_CODE,"
    "ICB_NAME,ONS_COMM_REGION_CODE,COMM_REGION_CODE,COMM_REGION_NAME,SUPPLIER_NAME"
)


def _map_line(practice: str, pcn: str, icb: str = "QUA") -> str:
    return (
        f"GP_PRAC_PAT_LIST,01Jan2026,{practice},PRACTICE {practice},DY1 1AA,{pcn},PCN {pcn},"
        f"E38000258,D2P2L,NHS BLACK COUNTRY ICB - D2P2L,E54000062,{icb},NHS BLACK COUNTRY ICB,"
        "E40000008,Y60,MIDLANDS,EMIS"
    )


def test_the_practice_map_sets_pcn_membership_and_moves_practices_between_icbs(icbs):
    from openics.organisations.ods_import import import_practice_map

    data = "\n".join(
        [MAP_HEADER, _map_line("M00001", "U11111"), _map_line("M00002", "U22222")]
    ).encode()
    import_practice_map(data, source_name="map.csv", actor=ACTOR, reason="test")
    member = Relationship.objects.current().get(child__code="M00002", kind="member")
    assert member.parent.code == "U22222"
    # a newer map moves M00002 to another PCN: the old membership is ended, not deleted
    data = "\n".join(
        [MAP_HEADER, _map_line("M00001", "U11111"), _map_line("M00002", "U11111")]
    ).encode()
    import_practice_map(data, source_name="map2.csv", actor=ACTOR, reason="test")
    links = Relationship.objects.filter(child__code="M00002", kind="member")
    assert {(link.parent.code, link.active_to is None) for link in links} == {
        ("U22222", False),
        ("U11111", True),
    }
    bad = "\n".join([MAP_HEADER, _map_line("M00003", "U11111", icb="QZZ")]).encode()
    with pytest.raises(ImportRejected) as caught:
        import_practice_map(bad, source_name="map3.csv", actor=ACTOR, reason="test")
    assert caught.value.errors[0].line == 2
