"""Capital: the plan against its limit, and PFI schemes from HM Treasury's layout whose
unitary charges the books pay from the trust to its private partner."""

from datetime import date

import pytest
from click.testing import CliRunner

from openics.capital.models import CapitalScheme, PfiScheme, UnitaryCharge
from openics.capital.services import (
    CapitalError,
    import_pfi,
    plan_scheme,
    post_unitary_charges,
    set_limit,
)
from openics.cli import main
from openics.core.checks import run_checks
from openics.core.imports import ImportRejected
from openics.kernel.money import Money
from openics.ledger import selectors as book_selectors
from openics.ledger import services as books
from openics.ledger.models import Transaction
from openics.organisations.models import Organisation, Relationship
from tests.ledger_world import ACTOR, START, build_world, contract, fund_place, pounds

pytestmark = pytest.mark.django_db
AS = {"actor": ACTOR, "reason": "test"}
HEADER = (
    "HMT ID,Project name,Department,Procuring authority,Sector,Status,Date of financial close,"
    "Operational period of contract (years),Capital value (£m),SPV name,Equity holder 1 name,"
    "Equity holder 1 share (%),Unitary charge payment 2024-25 (£m),"
    "Unitary charge payment 2025-26 (£m),Unitary charge payment 2026-27 (£m)"
)
DUDLEY = (
    "101,Dudley hospital,Department of Health and Social Care,"
    "The Dudley Group NHS Foundation Trust,Health,Operational,31/03/2003,35,138.5,"
    "Hospital Partnership Ltd,Infrastructure Investors plc,100,0.25,0.30,0.35"
)
SCHOOL = (
    "102,A school,Department for Education,A council,Education,Operational,01/09/2006,25,20,"
    "Schools Ltd,,,0.1,0.1,0.1"
)


def _csv(*rows) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


@pytest.fixture
def world():
    world = build_world()
    budget = fund_place(world, "£5,000,000.00")
    deal = contract(world, reference="C-1", place=world.dudley)
    books.commit(contract=deal, source=budget, amount=pounds("£2,000,000.00"), on=START, **AS)
    books.pay(contract=deal, amount=pounds("£1,000,000.00"), on=START, invoice_number="A", **AS)
    return world


def test_a_good_file_posts_unitary_charges_the_money_trace_shows_from_trust_to_partner(world):
    report = import_pfi(_csv(DUDLEY, SCHOOL), source_name="pfi.csv", post_years=["2025/26"], **AS)
    assert report.created == 1
    assert "1 projects of other departments than health were left out" in report.notes
    scheme = PfiScheme.objects.get()
    partner = scheme.partner
    assert (scheme.provider, partner.kind, partner.ownership) == (
        world.trust,
        "independent_provider",
        "independent",
    )
    owner = Organisation.objects.get(name="Infrastructure Investors plc")
    assert partner.parent_links.get(kind="owned_by").parent == owner
    assert scheme.capital_value == Money.parse("£138,500,000")
    assert scheme.end == date(2038, 3, 30)
    assert [c.amount for c in scheme.charges.all()] == [
        Money.parse("£250,000"),
        Money.parse("£300,000"),
        Money.parse("£350,000"),
    ]
    paid = UnitaryCharge.objects.get(financial_year="2025/26").payment
    assert paid.effective_date == date(2026, 3, 31) and paid.contract == scheme.contract
    assert UnitaryCharge.objects.filter(payment__isnull=False).count() == 1

    traced = book_selectors.follow(book_selectors.resolve_start("provider:RNA"), "2025-26")
    reached = {org.name: amount for org, amount, _ in traced.by_organisation()}
    assert reached["Hospital Partnership Ltd"] == Money.parse("£300,000")
    out = CliRunner().invoke(
        main, ["money", "trace", "--from", "provider:RNA", "--year", "2025-26"]
    )
    assert out.exit_code == 0 and "Hospital Partnership Ltd" in out.output, out.output

    # a later year is paid when asked, once; a re-import is unchanged
    post_unitary_charges(scheme=scheme, years=["2026/27"], **AS)
    with pytest.raises(CapitalError, match="no unitary charge in 2030/31"):
        post_unitary_charges(scheme=scheme, years=["2030/31"], **AS)
    again = import_pfi(_csv(DUDLEY), source_name="pfi.csv", **AS)
    assert again.unchanged == 1 and PfiScheme.objects.count() == 1


def test_a_file_with_a_bad_row_is_refused_with_the_line_and_reason_and_writes_nothing(world):
    bad_status = DUDLEY.replace("101,", "103,").replace("Operational", "Imaginary")
    unknown_trust = DUDLEY.replace("101,", "104,").replace("The Dudley Group", "The Nowhere")
    out_of_term = DUDLEY.replace("101,", "105,").replace("31/03/2003,35", "31/03/2003,20")
    transactions = Transaction.objects.count()
    with pytest.raises(ImportRejected) as refused:
        import_pfi(
            _csv(DUDLEY, bad_status, unknown_trust, out_of_term),
            source_name="pfi.csv",
            post_years=["2025/26"],
            **AS,
        )
    report = refused.value.report()
    assert "line 3: status 'Imaginary' is not one of" in report
    assert "line 4: procuring authority 'The Nowhere NHS Foundation Trust': no NHS trust" in report
    assert (
        "line 5: unitary charges in 2024/25, 2025/26, 2026/27 fall outside the contract" in report
    )
    # nothing written, not even the good line 2 or its payment
    assert not PfiScheme.objects.exists() and Transaction.objects.count() == transactions
    assert not Organisation.objects.filter(name="Hospital Partnership Ltd").exists()

    with pytest.raises(ImportRejected, match="lacks capital value £m, spv name"):
        import_pfi(
            b"HMT ID,Project name,Department,Procuring authority,Sector,Status,"
            b"Date of financial close,Contract years,Unitary charge payment 2025-26 (\xc2\xa3m)\n",
            source_name="x.csv",
            **AS,
        )
    with pytest.raises(ImportRejected, match="no health PFI projects"):
        import_pfi(_csv(SCHOOL), source_name="s.csv", **AS)


def test_a_charge_the_trust_cannot_pay_refuses_the_file(world):
    rich = DUDLEY.replace("0.30", "900")  # £900m: more than the trust has received
    with pytest.raises(ImportRejected) as refused:
        import_pfi(_csv(rich), source_name="pfi.csv", post_years=["2025/26"], **AS)
    assert "line 2: the unitary charge of 2025/26 could not be paid" in refused.value.report()
    assert not PfiScheme.objects.exists()


def _plan(world, reference, funding, costs, provider=None):
    return plan_scheme(
        reference=reference,
        icb=world.icb,
        provider=provider or world.trust,
        name=f"Scheme {reference}",
        purpose="Test",
        funding_source=funding,
        costs={y: Money.parse(a) for y, a in costs.items()},
        **AS,
    )


def test_the_plan_against_its_limit_and_the_check_that_flags_it_over(world, client):
    set_limit(
        icb=world.icb,
        financial_year="2025-26",
        amount=Money.parse("£10,000,000"),
        source="test",
        **AS,
    )
    _plan(world, "S1", "operational", {"2025/26": "£6,000,000"})
    _plan(world, "S2", "national_programme", {"2025/26": "£9,000,000"})  # outside the limit
    _plan(world, "S3", "lease", {"2025/26": "£3,000,000"}, provider=world.other_trust)
    checks = {r.name: r for r in run_checks(date(2026, 1, 1)) if r.name.startswith("Capital")}
    assert checks["Capital plan against its limit: QUA 2025/26"].ok
    _plan(world, "S4", "pfi", {"2025/26": "£1,500,000"})
    result = [
        r
        for r in run_checks(date(2026, 1, 1))
        if r.name == "Capital plan against its limit: QUA 2025/26"
    ][0]
    assert not result.ok and "£500,000.00 over" in result.detail

    with pytest.raises(CapitalError) as refused:
        _plan(world, "S1", "gift", {"2025-2x": "£1"})
    reasons = " | ".join(refused.value.reasons)
    assert "already a capital scheme S1" in reasons and "'gift' is not a funding source" in reasons
    assert CapitalScheme.objects.count() == 4

    plan = client.get("/api/capital/plan/QUA").json()
    assert plan[0]["limit"] == "10000000.00" and plan[0]["against_limit"] == "10500000.00"
    assert plan[0]["over_limit"] is True and plan[0]["national_programmes"] == "9000000.00"
    assert client.get("/api/capital/plan/NOPE").status_code == 404
    import_pfi(_csv(DUDLEY), source_name="pfi.csv", post_years=["2025/26"], **AS)
    pfi = client.get("/api/capital/pfi").json()
    assert pfi[0]["partner"] == "Hospital Partnership Ltd"
    assert [c["paid_in_the_books"] for c in pfi[0]["charges"]] == [False, True, False]

    # the page shows the PFI of the system's trusts (direct insert: set-up, as ODS would)
    Relationship.objects.create(
        child=world.trust, parent=world.icb, kind="within", active_from=START
    )
    assert 'href="/money/capital/"' in client.get("/money/").content.decode()  # Home → Money → here
    page = client.get("/money/capital/").content.decode()
    assert "Over by £500,000.00" in page and "<svg" in page
    assert "Hospital Partnership Ltd" in page and "£900,000.00" in page  # the scheme's charges
    assert 'data-provenance="recorded"' in page
    assert client.get("/money/capital/?icb=NOPE").status_code == 404

    out = CliRunner().invoke(main, ["capital", "show", "--icb", "QUA"])
    assert out.exit_code == 0 and "OVER THE LIMIT" in out.output and "£900,000.00" in out.output


def test_cli_imports_and_refuses(world, tmp_path):
    good = tmp_path / "pfi.csv"
    good.write_bytes(_csv(DUDLEY))
    out = CliRunner().invoke(main, ["capital", "import-pfi", str(good), "--post", "2025-26"])
    assert out.exit_code == 0, out.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(DUDLEY.replace("101,", "109,").replace("138.5", "lots")))
    out = CliRunner().invoke(main, ["capital", "import-pfi", str(bad)])
    assert out.exit_code == 1 and "line 2: capital value (£m) 'lots' is not a number" in out.output
    out = CliRunner().invoke(
        main,
        [
            "capital",
            "set-limit",
            "--icb",
            "QUA",
            "--year",
            "2026-27",
            "--amount",
            "£5,000,000",
            "--source",
            "test",
            "--reason",
            "t",
        ],
    )
    assert out.exit_code == 0, out.output
    out = CliRunner().invoke(
        main,
        [
            "capital",
            "add-scheme",
            "--icb",
            "QUA",
            "--provider",
            "RNA",
            "--reference",
            "X1",
            "--name",
            "Ward",
            "--purpose",
            "Beds",
            "--funding",
            "operational",
            "--cost",
            "2026-27=£6,000,000",
            "--reason",
            "t",
        ],
    )
    assert out.exit_code == 0, out.output
    out = CliRunner().invoke(main, ["check", "--on", "2026-06-01"])
    assert (
        "Capital plan against its limit: QUA 2026/27" in out.output
        and "£1,000,000.00 over" in out.output
    )
