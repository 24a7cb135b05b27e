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


# --- the Data Search and Export (DSE) layout, sub-ICB locations, dormant practices --------


def _dse_line(
    code: str,
    name: str,
    icb: str = "QUA",
    *,
    status: str = "ACTIVE",
    roles: str = "RO76",
    closed: str = "",
    commissioner: str = "D2P2L",
) -> str:
    """One line of the DSE epraccur as ODS publishes it (27 quoted columns, no header)."""
    cells = [""] * 27
    cells[0:4] = [code, name, "Y60", icb]
    cells[4], cells[7], cells[9] = "1 HIGH ST", "DUDLEY", "DY1 2HQ"
    cells[10:15] = ["20000401", closed, status, "B", commissioner]
    cells[21], cells[23], cells[25] = "1", commissioner, roles
    return ",".join(f'"{c}"' for c in cells)


def _eccg_line(code: str, name: str, icb: str = "QUA", roles: str = "RO319", closed="") -> str:
    """One line of the legacy eccg: role codes in column 14, no status."""
    cells = [""] * 27
    cells[0:4] = [code, name, "Y60", icb]
    cells[4], cells[7], cells[9] = "1 HIGH ST", "DUDLEY", "DY1 2HQ"
    cells[10:14] = ["20130401", closed, "", roles]
    cells[21] = "1"
    return ",".join(f'"{c}"' for c in cells)


def _import(lines: list[str], name: str):
    data = "\n".join(lines).encode()
    return import_ods_file(data, source_name=name, actor=ACTOR, reason="test")


def test_a_dse_practice_file_imports_counting_active_dormant_and_closed_practices(icbs):
    report = _import(
        [
            _dse_line("M00001", "PRACTICE ONE"),
            _dse_line("M00002", "PRACTICE TWO", roles="RO76|RO268"),
            _dse_line("M00003", "PRACTICE THREE", status="DORMANT"),
            _dse_line("M00004", "PRACTICE FOUR", status="INACTIVE", closed="20250331"),
            _dse_line("Y00001", "A COMMUNITY CLINIC", roles="RO247"),
            _dse_line("Y00002", "AN UNNAMED COST CENTRE", roles=""),
        ],
        "some-file.csv",
    )
    assert report.layout == "ods-dse-epraccur"
    assert report.summary().startswith(
        "6 rows read (ods-dse-epraccur): 2 active GP practices, 1 dormant, 1 closed; "
    )
    assert any("2 rows of other kinds" in note for note in report.notes)
    dormant = Organisation.objects.get(code="M00003")
    assert (dormant.status, dormant.dormant, dormant.active_to) == ("dormant", True, None)
    # dormant: kept in the registry with its links, but not counted as an active practice
    assert Relationship.objects.current().filter(child=dormant, parent__code="QUA").exists()
    in_service = Organisation.objects.of_kind("gp_practice").in_service()
    assert set(in_service.values_list("code", flat=True)) >= {"M00001", "M00002"}
    assert not in_service.filter(code__in=["M00003", "M00004"]).exists()
    assert Organisation.objects.get(code="M00004").status == "closed"
    assert not Organisation.objects.filter(code__in=["Y00001", "Y00002"]).exists()


def test_the_icb_page_lists_dormant_practices_apart_from_its_practices(icbs, client):
    _import(
        [
            _dse_line("M00001", "PRACTICE ONE"),
            _dse_line("M00003", "PRACTICE THREE", status="DORMANT"),
        ],
        "some-file.csv",
    )
    import re

    page = client.get("/organisations/icb/QUA/").content.decode()
    table = re.search(r">Practices \((\d+)\)</h2>(.*?)</table>", page, re.S)
    assert table and "PRACTICE ONE" in table[2] and "PRACTICE THREE" not in table[2]
    assert int(table[1]) == table[2].count('<tr class="nhsuk-table__row">') - 1  # less the head
    dormant = re.search(r"Dormant practices \(1\)</h2>(.*?)</ul>", page, re.S)
    assert dormant and "PRACTICE THREE" in dormant[1] and "PRACTICE ONE" not in dormant[1]


def test_a_practice_that_wakes_from_dormancy_is_active_again(icbs):
    _import([_dse_line("M00003", "PRACTICE THREE", status="DORMANT")], "a.csv")
    again = _import([_dse_line("M00003", "PRACTICE THREE")], "b.csv")
    assert again.changed == 1
    assert Organisation.objects.get(code="M00003").status == "active"


@pytest.mark.parametrize(
    "line, value",
    [
        pytest.param(_dse_line("M00009", "X", status="CLOSED"), "'CLOSED'", id="status word"),
        pytest.param(_dse_line("M00009", "X", roles="RO76|RO999"), "RO999", id="role code"),
        pytest.param(_dse_line("M00009", "X", roles="RO76|GP"), "GP", id="malformed role"),
        pytest.param(_dse_line("M0009", "X"), "'M0009'", id="malformed code"),
        pytest.param(_dse_line("M00009", "X", status="A"), "'A'", id="a legacy status"),
    ],
)
def test_a_value_outside_the_dse_vocabulary_is_refused_with_its_line_and_value(icbs, line, value):
    with pytest.raises(ImportRejected) as caught:
        _import([_dse_line("M10001", "PRACTICE TEN THOUSAND"), line], "epraccur.csv")
    [error] = caught.value.errors
    assert error.line == 2 and value in error.reason
    assert not Organisation.objects.filter(code="M10001").exists()


def test_a_dse_file_with_no_gp_practices_is_refused_and_writes_nothing(icbs):
    before = Organisation.objects.count()
    with pytest.raises(ImportRejected, match="hold no GP practices") as caught:
        _import([_dse_line("Y00001", "A CLINIC", roles="RO247")], "epraccur.csv")
    assert "nothing was written" in str(caught.value)
    assert Organisation.objects.count() == before


def test_an_unknown_layout_or_a_file_of_another_kind_is_refused_and_writes_nothing(icbs):
    before = Organisation.objects.count()
    with pytest.raises(ImportRejected, match="not an ODS layout OpenICS knows"):
        _import(['"RNA","A TRUST","Y60","QUA","X"'], "etr.csv")
    with pytest.raises(ImportRejected, match="header row"):
        _import([MAP_HEADER, _map_line("M00001", "U11111")], "epraccur.csv")
    assert Organisation.objects.count() == before


def test_sub_icb_locations_from_eccg_are_within_their_icb_and_practices_link_to_them(icbs):
    report = _import(
        [
            _eccg_line("00C", "NHS DARLINGTON CCG", roles="", closed="20200331"),
            _eccg_line("D2P2L", "NHS BLACK COUNTRY ICB - D2P2L"),
            _eccg_line("A4R1E", "SOMEWHERE - SUB-ICB REPORTING ENTITY", roles="RO327"),
        ],
        "eccg.csv",
    )
    assert report.summary().startswith("3 rows read (ods-legacy-eccg): 1 sub-ICB locations; ")
    sub_icb = Organisation.objects.get(code="D2P2L")
    assert (sub_icb.kind, str(sub_icb.active_from)) == ("sub_icb_location", "2022-07-01")
    assert Relationship.objects.current().filter(child=sub_icb, parent__code="QUA").exists()
    assert not Organisation.objects.filter(code__in=["00C", "A4R1E"]).exists()
    # a practice commissioned by D2P2L is within it as well as within its ICB
    _import([_dse_line("M00001", "PRACTICE ONE")], "epraccur.csv")
    parents = Relationship.objects.current().filter(child__code="M00001", kind="within")
    assert set(parents.values_list("parent__code", flat=True)) == {"QUA", "D2P2L"}
    # and a later practice map, about ICBs only, leaves the sub-ICB link alone
    from openics.organisations.ods_import import import_practice_map

    data = "\n".join([MAP_HEADER, _map_line("M00001", "U11111")]).encode()
    import_practice_map(data, source_name="map.csv", actor=ACTOR, reason="test")
    assert parents.filter(parent__code="D2P2L").exists()


def test_an_eccg_file_with_an_unknown_role_is_refused_with_its_line(icbs):
    with pytest.raises(ImportRejected) as caught:
        _import([_eccg_line("D2P2L", "X"), _eccg_line("15E", "Y", roles="RO999")], "eccg.csv")
    assert [(e.line, "RO999" in e.reason) for e in caught.value.errors] == [(2, True)]


def _partner_line(practice: str, pcn: str, joined="20190701", left="") -> str:
    cells = [practice, f"PRACTICE {practice}", "D2P2L", "NHS BLACK COUNTRY ICB - D2P2L"]
    cells += [pcn, f"PCN {pcn}", "D2P2L", "NHS BLACK COUNTRY ICB - D2P2L", joined, left, "TRUE"]
    return ",".join(f'"{c}"' for c in cells)


def test_pcn_membership_from_the_dse_csv(icbs):
    report = _import(
        [_partner_line("M00001", "U12345"), _partner_line("M00002", "U12345", left="20230331")],
        "members.csv",
    )
    assert report.layout == "ods-dse-epcncorepartnerdetails"
    assert report.summary().startswith(
        "2 rows read (ods-dse-epcncorepartnerdetails): 1 PCNs, 1 current memberships; "
    )
    member = Relationship.objects.current().get(child__code="M00001", kind="member")
    assert (member.parent.code, member.parent.name) == ("U12345", "PCN U12345")
    with pytest.raises(ImportRejected) as caught:
        _import([_partner_line("M00001", "U12345"), _partner_line("M00002", "X1")], "m.csv")
    assert [(e.line, "'X1'" in e.reason) for e in caught.value.errors] == [(2, True)]


def test_the_real_dse_sample_imports_with_its_active_practice_count(icbs):
    """62 lines copied byte for byte from ODS's DSE epraccur of 2 March 2026 (data/SOURCES.md)."""
    import csv
    from pathlib import Path

    from openics.organisations.models import OwnershipClass

    data = (Path(__file__).parents[2] / "data/ods-2026/epraccur_dse_sample.csv").read_bytes()
    rows = list(csv.reader(data.decode().splitlines()))
    for code in {r[3] for r in rows if r[3]} - {"QUA"}:
        Organisation.objects.create(kind="icb", code=code, name=code, ownership=OwnershipClass.NHS)
    report = import_ods_file(data, source_name="epraccur.csv", actor=ACTOR, reason="test")
    assert report.summary().startswith(
        "62 rows read (ods-dse-epraccur): 42 active GP practices, 7 dormant, 9 closed; "
    )
    assert Organisation.objects.of_kind("gp_practice").filter(dormant=True).count() == 7


def test_a_dormant_practice_says_so_on_its_page_and_in_search(icbs, client):
    _import([_dse_line("M00003", "PRACTICE THREE", status="DORMANT")], "epraccur.csv")
    page = client.get("/organisations/gp_practice/M00003/").content.decode()
    assert "Dormant: ODS lists it as neither active nor closed" in page
    found = client.get("/organisations/search/?q=M00003").content.decode()
    assert "(dormant)" in found
