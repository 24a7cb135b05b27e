"""The April 2026 ICB successions, from the real tables in data/ods-2026: nothing is lost,
every move is audited, and each year is reported by the ICBs of its day."""

import csv
from datetime import date
from pathlib import Path

import pytest

from openics.allocation.models import AllocationLine, PublishedAllocation
from openics.core.audit import Actor
from openics.core.imports import ImportRejected
from openics.core.models import AuditEntry
from openics.kernel.money import Money
from openics.organisations.models import (
    Organisation,
    OwnershipClass,
    Relationship,
    RelationshipKind,
    Succession,
)
from openics.organisations.successions import import_successions
from openics.population.selectors import icb_directory
from openics.regimes.vocabulary import BodyKind
from tests.holdings_app.models import SampleContract

pytestmark = pytest.mark.django_db

ACTOR = Actor.process("test-successions")
DATA = Path(__file__).resolve().parents[2] / "data" / "ods-2026"
FILES = [
    "icb_2026_successions.csv",
    "icb_2026_list.csv",
    "icb_2026_split_areas.csv",
    "frimley_D4U1Y_split_to_2026_subicbs.csv",
]
BEFORE = date(2025, 4, 1)
REGIONS = {
    "Y56": "London",
    "Y58": "South West",
    "Y59": "South East",
    "Y60": "Midlands",
    "Y61": "East of England",
    "Y62": "North West",
    "Y63": "North East & Yorkshire",
}


def _rows(name):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _org(kind, code="", **fields):
    return Organisation.objects.create(
        kind=kind.value,
        code=code,
        name=fields.pop("name", f"{kind.value} {code}"),
        ownership=OwnershipClass.NHS,
        **fields,
    )


def _link(child, parent, kind=RelationshipKind.WITHIN):
    Relationship.objects.create(child=child, parent=parent, kind=kind, active_from=BEFORE)


@pytest.fixture
def registry():
    """The 42 ICBs of 2025/26 in their regions; practices in each split ICB's districts and
    two in every other predecessor; a contract and a published allocation of each."""
    regions = {
        name: _org(BodyKind.NHS_ENGLAND_REGION, code, name=f"NHS {name}")
        for code, name in REGIONS.items()
    }
    icbs = {}
    region_of = {r["ICB26CDH_ods_code"]: r["nhs_region"] for r in _rows("icb_2026_list.csv")}
    for r in _rows("icb_2026_successions.csv"):
        region_of.setdefault(r["predecessor_ods_code"], region_of[r["successor_ods_code"]])
    for code, region in region_of.items():
        if code in {"S1Y5D", "D7T5G", "T6Y0W", "S9B9J", "S0E4D", "Z9B2Z"}:
            continue
        icbs[code] = _org(BodyKind.ICB, code, active_from=date(2022, 7, 1))
        _link(
            icbs[code], regions[region.replace(" and ", " & ") if "Yorkshire" in region else region]
        )
    n = 0
    las = {}
    for area in _rows("icb_2026_split_areas.csv"):
        la = las.setdefault(
            area["area_ons_code"],
            Organisation.objects.create(
                kind="local_authority",
                ons_code=area["area_ons_code"],
                name=area["area_name"],
                ownership=OwnershipClass.LOCAL_AUTHORITY,
            ),
        )
        n += 1
        practice = _org(BodyKind.GP_PRACTICE, f"P{n:05d}")
        _link(practice, icbs[area["predecessor_ods_code"]])
        _link(practice, la, RelationshipKind.LOCATED_IN)
    for i, r in enumerate(_rows("icb_2026_successions.csv")):
        icb = icbs[r["predecessor_ods_code"]]
        if r["succession_type"] == "merger":
            for _ in range(2):
                n += 1
                _link(_org(BodyKind.GP_PRACTICE, f"P{n:05d}"), icb)
        provider = _org(BodyKind.NHS_TRUST, f"T{i:02d}")
        SampleContract.objects.create(
            commissioner=icb, provider=provider, annual_value=Money.from_pounds(1000)
        )
        PublishedAllocation.objects.get_or_create(
            icb=icb,
            financial_year="2024/25",
            line=AllocationLine.CORE,
            defaults=dict(
                baseline_k=1,
                target_k=1,
                recurrent_k=1,
                base_growth=0,
                convergence=0,
                distance_from_target=0,
            ),
        )
    return icbs


def _files():
    return [(name, (DATA / name).read_bytes()) for name in FILES]


def _practices_within(codes, on=None):
    links = Relationship.objects.current() if on is None else Relationship.objects.in_force_on(on)
    return links.filter(kind="within", parent__code__in=codes, child__kind="gp_practice").count()


def test_successions_lose_nothing_and_report_each_year_by_its_own_icbs(registry):
    rows = _rows("icb_2026_successions.csv")
    predecessors = {r["predecessor_ods_code"] for r in rows}
    successors = {r["successor_ods_code"] for r in rows}
    practices_before = _practices_within(predecessors)
    contracts_before = SampleContract.objects.count()
    audited_before = AuditEntry.objects.count()

    report = import_successions(_files(), actor=ACTOR, reason="the 2026 successions")

    assert report.closed == 12
    assert _practices_within(successors) == practices_before  # none lost, none doubled
    assert _practices_within(predecessors - {"QRL"}) == 0
    assert _practices_within(predecessors, on=date(2026, 3, 31)) == practices_before
    assert SampleContract.objects.count() == contracts_before
    assert not SampleContract.objects.filter(commissioner__code__in=predecessors - {"QRL"}).exists()
    # History stays true: 2024/25 allocations are still the predecessors'.
    assert PublishedAllocation.objects.filter(icb__code="QNQ").count() == 1
    assert AuditEntry.objects.count() > audited_before + practices_before
    qnq = Organisation.objects.get(kind="icb", code="QNQ")
    assert qnq.active_to == date(2026, 3, 31)
    assert sorted(s.successor.code for s in qnq.successions_out.all()) == ["QRL", "S0E4D", "S9B9J"]
    frimley_split = {s.successor.code: s.practices for s in qnq.successions_out.all()}
    assert frimley_split == {"S0E4D": 3, "S9B9J": 3, "QRL": 2}  # one per district
    qrl = Organisation.objects.get(kind="icb", code="QRL")
    assert qrl.active_to is None and qrl.ons_code == "E54000067"
    assert sum(len(g.icbs) for g in icb_directory("2025/26")) == 42
    assert sum(len(g.icbs) for g in icb_directory("2026/27")) == 36
    assert Organisation.objects.get(kind="icb", code="QUA").active_to is None

    again = import_successions(_files(), actor=ACTOR, reason="again")
    assert again.unchanged == len(rows) and Succession.objects.count() == len(rows)


def test_an_unknown_code_is_refused_with_its_line_and_nothing_is_written(registry):
    table = (DATA / FILES[0]).read_bytes().replace(b"QMJ,", b"QZZ,")
    with pytest.raises(ImportRejected) as refused:
        import_successions([(FILES[0], table), *_files()[1:]], actor=ACTOR, reason="x")
    assert "unknown ICB code QZZ" in refused.value.report()
    assert "line 16: unknown ICB code QZZ" in refused.value.report()
    assert not Succession.objects.exists()
    assert not Organisation.objects.filter(code="S1Y5D").exists()


def test_a_split_without_its_districts_is_refused(registry):
    files = [f for f in _files() if f[0] != "icb_2026_split_areas.csv"]
    with pytest.raises(ImportRejected) as refused:
        import_successions(files, actor=ACTOR, reason="x")
    assert "no table of split areas says which takes practice P00001" in refused.value.report()
    assert Organisation.objects.get(code="QNQ", kind="icb").active_to is None


def test_the_pages_name_successors_and_predecessors(registry, client):
    import_successions(_files(), actor=ACTOR, reason="the 2026 successions")
    frimley = client.get("/organisations/icb/QNQ/").content.decode()
    assert "Successors" in frimley
    for code in ("QRL", "S0E4D", "S9B9J"):
        assert f"/organisations/icb/{code}/" in frimley
    thames = client.get("/organisations/icb/S0E4D/").content.decode()
    assert "Predecessors" in thames
    assert "/organisations/icb/QNQ/" in thames and "/organisations/icb/QU9/" in thames
    assert "/money/QNQ/" in thames  # its allocations stay reachable
    # the API says the same as the pages
    api = client.get("/api/organisations/icb/QNQ").json()
    assert api["status"] == "closed"
    assert {s["code"] for s in api["succeeded_by"]} == {"QRL", "S0E4D", "S9B9J"}
    moved = Organisation.objects.get(kind="icb", code="QNQ").successions_out.all()
    assert sum(s["practices"] for s in api["succeeded_by"]) == sum(m.practices for m in moved) > 0
    new = client.get("/api/organisations/icb/S0E4D").json()
    assert {s["code"] for s in new["succeeded"]} == {"QNQ", "QU9"} and new["status"] == "active"


def test_a_trusts_file_of_june_2026_names_the_new_icbs_and_imports(registry):
    """Before the successions a trust of a new ICB is refused; after them it imports."""
    from openics.organisations.ods_import import import_ods_file

    row = [
        "RQX",
        "HOMERTON HEALTHCARE NHS FOUNDATION TRUST",
        "Y56",
        "Z9B2Z",
        "HOMERTON ROW",
        "",
        "",
        "LONDON",
        "",
        "E9 6SR",
        "20010401",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "0",
        "",
        "B",
        "",
        "",
        "",
    ]
    data = (",".join(f'"{cell}"' for cell in row) + "\n").encode()
    with pytest.raises(ImportRejected) as refused:
        import_ods_file(data, source_name="etr_2026-06.csv", actor=ACTOR, reason="too early")
    assert "Z9B2Z" in refused.value.report()
    import_successions(_files(), actor=ACTOR, reason="the 2026 successions")
    report = import_ods_file(data, source_name="etr_2026-06.csv", actor=ACTOR, reason="June")
    assert report.rows == 1 and report.created >= 1
    trust = Organisation.objects.get(code="RQX", kind__in=["nhs_trust", "foundation_trust"])
    assert trust.parent_links.current().get(kind="within").parent.code == "Z9B2Z"
