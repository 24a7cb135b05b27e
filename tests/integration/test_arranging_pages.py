"""The provider selection portal and read API: the register and its filters, a decision's
full record, open standstills, notices, the illustrative label, and 404s."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openics.arranging import services as arranging
from openics.arranging.models import SelectionDecision
from openics.contracts.models import Contract
from openics.kernel.money import Money
from openics.kernel.years import FinancialYear
from openics.regimes import all_regimes
from tests.arranging_world import AS, build_register
from tests.psr_world import decide

pytestmark = pytest.mark.django_db
LABEL = "Illustrative: synthetic demonstration data, not a real decision"


@pytest.fixture
def register():
    return build_register()


def listed(html: str) -> set[str]:
    """The references of the decisions the register's table links to."""
    return set(re.findall(r'href="/arranging/decisions/([^/"]+)/"', html))


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


# --- the register ---------------------------------------------------------------------------


def test_the_register_lists_every_decision_with_its_row(client, register):
    html = get(client, "/arranging/decisions/")
    assert listed(html) == {"DEC-1", "DEC-A", "DEC-S"}
    assert "3 decisions match" in html
    assert "Direct Award C" in html and "Most Suitable Provider" in html
    assert "£2,080,000.00" in html and "Walsall place" in html
    assert "Intention published; standstill open" in html
    assert "15 January 2025" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("process=direct_award_a", {"DEC-A"}),
        ("process=competitive", set()),
        ("min_value=2000000", {"DEC-1", "DEC-S"}),  # £2.08m and £6m; not £1m
        ("max_value=%C2%A33%2C000%2C000", {"DEC-1", "DEC-A"}),  # "£3,000,000"
        ("min_value=2000000&max_value=3000000", {"DEC-1"}),
        ("min_value=2080000.00&max_value=2080000.00", {"DEC-1"}),  # bounds are inclusive
        ("ownership=independent", {"DEC-S"}),
        ("ownership=nhs", {"DEC-1", "DEC-A"}),
        ("status=standstill", {"DEC-S"}),
        ("status=awarded", {"DEC-1", "DEC-A"}),
        ("status=awarded&process=direct_award_c", {"DEC-1"}),
    ],
)
def test_each_filter_narrows_the_register(client, register, query, expected):
    html = get(client, f"/arranging/decisions/?{query}")
    assert listed(html) == expected
    count = len(expected)
    assert f"{count} decision{'s' if count != 1 else ''} match" in html
    assert "the filters" in html


def test_the_place_filter_uses_the_place(client, register):
    walsall = get(client, f"/arranging/decisions/?place={register.walsall.pk}")
    assert listed(walsall) == {"DEC-S"}
    dudley = get(client, f"/arranging/decisions/?place={register.world.place.pk}")
    assert listed(dudley) == {"DEC-1", "DEC-A"}
    # only places with decisions are offered
    assert f'value="{register.walsall.pk}"' in walsall and "Dudley place" in walsall


def test_the_filters_stay_in_the_form(client, register):
    html = get(client, "/arranging/decisions/?ownership=nhs&min_value=2%2C000%2C000")
    assert re.search(r'<option value="nhs"\s+selected', html)
    assert 'value="2,000,000"' in html
    assert "Clear the filters" in html


def test_unreadable_filters_are_explained_not_ignored(client, register):
    html = get(client, "/arranging/decisions/?min_value=lots&process=bribery", status=400)
    assert "There is a problem with the filters" in html
    assert "&#39;lots&#39; is not an amount of money" in html
    assert "&#39;bribery&#39; is not one of the choices" in html
    bad = get(client, "/arranging/decisions/?min_value=5000000&max_value=1000000", status=400)
    assert "must not be less than the minimum" in bad


def test_the_register_reads_in_the_same_number_of_queries_however_long(client, register):
    with CaptureQueriesContext(connection) as three:
        client.get("/arranging/decisions/")
    for n in range(5):
        decide(register.world, reference=f"DEC-{n}X", decided_on=date(2025, 1, 16))
    with CaptureQueriesContext(connection) as eight:
        html = client.get("/arranging/decisions/").content.decode()
    assert "8 decisions match" in html
    assert len(eight) == len(three)


# --- the illustrative label -----------------------------------------------------------------


def test_illustrative_decisions_are_labelled_wherever_they_show(client, register):
    assert LABEL in get(client, "/arranging/decisions/")
    assert LABEL in get(client, "/arranging/decisions/DEC-S/")
    assert LABEL in get(client, "/arranging/notices/DEC-S-INT1/")
    assert LABEL in get(client, "/arranging/standstill/?on=2026-04-10")
    # and pages that show only real decisions carry no label
    assert LABEL not in get(client, "/arranging/decisions/?process=direct_award_c")
    assert LABEL not in get(client, "/arranging/decisions/DEC-1/")
    assert LABEL not in get(client, "/arranging/notices/DEC-A-AWD/")


def test_an_illustrative_service_alone_labels_its_decision(client, register):
    SelectionDecision.objects.filter(reference="DEC-S").update(illustrative=False)  # set-up
    assert LABEL in get(client, "/arranging/decisions/DEC-S/")
    assert LABEL in get(client, "/arranging/decisions/?ownership=independent")


def test_an_illustrative_modification_labels_its_decision(client, register):
    assert LABEL not in get(client, "/arranging/decisions/DEC-A/")
    arranging.modify_contract(
        Contract.objects.get(reference="CON-DIA"),
        reference="MOD-DEMO",
        decided_on=date(2025, 6, 1),
        grounds="authority_decision",
        description="A made-up change",
        value_change=Money.parse("10000"),
        illustrative=True,
        **AS,
    )
    assert LABEL in get(client, "/arranging/decisions/DEC-A/")
    assert LABEL in get(client, "/arranging/decisions/?process=direct_award_a")


# --- one decision ---------------------------------------------------------------------------


def test_the_decision_page_shows_the_whole_record(client, register):
    html = get(client, "/arranging/decisions/DEC-1/")
    for text in (
        "Contract awarded",  # status
        "Health and Care Act 2022",  # regime
        "Direct Award C",
        "NHS Black Country ICB",
        "The Dudley Group NHS Foundation Trust</a> (NHS)",
        "85141000-9",  # CPV
        "15 January 2025",  # decided
        "20 January 2025",  # intention
        "21 January 2025",  # standstill begins
        "31 January 2025",  # standstill ends
        "10 February 2025",  # awarded
        "12 March 2025",  # award notice due
        "Published on 20 February 2025, on time",
        "£520,000.00",
        "The incumbent is meeting the contract",
        "ICB Executive Committee",
        "Social value",  # a key criterion
        "How social_value was weighed.",
        "Dr A Smith",
        "Stood aside from the decision",
        "More home visits in the winter",  # the modification
        "£2,080,000.00",  # before
        "£2,480,000.00",  # after
        'href="/arranging/notices/DEC-1-INT1/"',
        'href="/arranging/notices/DEC-1-AWD/"',
    ):
        assert text in html, text


def test_the_decision_is_checked_under_every_regime(client, register):
    html = get(client, "/arranging/decisions/DEC-1/")
    section = html[html.index("Checked under every regime") :]
    # every regime with selection rules but the 2022 Act: the 2012 Act, the proposals,
    # the critics' alternative, the Bills and the commitment
    asked = [r for r in all_regimes() if "procurement.process" in r.rules]
    assert section.count("Not in force on 15 January 2025") == len(asked) - 1 == 7
    assert "Taken under this regime" in section
    assert "Direct Award C is not a way of arranging services under" in section
    assert "SI 2013/500" in section and "https://www.legislation.gov.uk/uksi/2013/500" in section
    assert re.search(r'nhsuk-tag--green"\s*>\s*Allowed\s*<', section)
    # not allowed under the 2012 Act and the five changes that keep it, the 2021
    # proposals, and the Reinstatement Bill, which has no contracting at all
    assert len(re.findall(r'nhsuk-tag--red"\s*>\s*Not allowed\s*<', section)) == 4


def test_a_framework_is_checked_under_every_regime(client, register):
    # The 2012 and 2021 rules have no framework provisions; the check still runs under each.
    decide(
        register.world,
        reference="DEC-F",
        title="Diagnostics framework",
        services=[register.world.diagnostics],
        process="competitive",
        contract_kind="framework",
        framework_term_months=48,
        existing_contract=None,
        situation={},
        decided_on=date(2026, 5, 11),
        proposed_start=date(2026, 8, 1),
        proposed_end=date(2030, 7, 31),
    )
    html = get(client, "/arranging/decisions/DEC-F/")
    section = html[html.index("Checked under every regime") :]
    assert "Could not be checked" not in section
    assert re.search(r'nhsuk-tag--green"\s*>\s*Allowed\s*<', section)  # under the 2022 Act
    verdicts = client.get("/api/arranging/decisions/DEC-F").json()["checked_under_every_regime"]
    allowed = {v["regime_id"]: v["allowed"] for v in verdicts}
    assert allowed == {
        "hsca-2012": True,
        "white-paper-2021": False,
        "hca-2022": True,
        # the five changes keep the 2012 rules; the others keep the 2022 Act's
        "five-changes-2018": True,
        "critics-2021": True,
        "hancock-2019": True,
        "health-bill-2026": True,
        # no contracting at all under the Reinstatement Bill
        "nhs-reinstatement-bill": False,
    }


def test_a_late_award_notice_is_marked_late_on_the_decision(client, register):
    html = get(client, "/arranging/decisions/DEC-A/")
    assert "Published late" in html and "19 February 2025" in html
    assert "The key criteria were not assessed" in html


def test_an_open_standstill_shows_when_the_contract_may_follow(client, register):
    html = get(client, "/arranging/decisions/DEC-S/")
    assert "16 April 2026" in html and "17 April 2026" in html
    assert "Scan Co Ltd</a> (Independent for-profit)" in html
    assert "No contract has been entered into" in html


# --- standstill -----------------------------------------------------------------------------


def test_standstills_open_on_a_day(client, register):
    html = get(client, "/arranging/standstill/?on=2026-04-10")
    assert "1 standstill period open on 10 April 2026" in html
    assert 'href="/arranging/decisions/DEC-S/"' in html
    assert "16 April 2026" in html  # representations by
    assert "17 April 2026" in html  # earliest award
    before = get(client, "/arranging/standstill/?on=2026-04-01")  # the standstill begins on 2nd
    assert "0 standstill periods open on 1 April 2026" in before
    assert "DEC-S" not in before


def test_standstills_default_to_today(client, register):
    with time_machine.travel(date(2026, 4, 3), tick=False):
        html = get(client, "/arranging/standstill/")
    assert "open on 3 April 2026 (today)" in html and "DEC-S" in html


def test_a_bad_day_is_explained(client, register):
    html = get(client, "/arranging/standstill/?on=next-tuesday", status=400)
    assert "&#39;next-tuesday&#39; is not a day" in html


# --- notices --------------------------------------------------------------------------------


def test_a_notice_shows_its_content_in_order(client, register):
    notice = register.renewal.notices.get(reference="DEC-1-AWD")
    html = get(client, "/arranging/notices/DEC-1-AWD/")
    positions = [html.index(f">{label}</dt>".replace("'", "&#39;")) for label, _ in notice.content]
    assert positions == sorted(positions)
    assert "UK e-notification service (Find a Tender)" in html
    assert "Published late" not in html
    assert 'href="/arranging/decisions/DEC-1/"' in html


def test_a_late_notice_says_so(client, register):
    html = get(client, "/arranging/notices/DEC-A-AWD/")
    assert "Published late" in html
    assert "Due by 19 February 2025; published on 1 March 2025." in html


@pytest.mark.parametrize(
    "url",
    [
        "/arranging/decisions/NOPE/",
        "/arranging/notices/NOPE/",
        "/api/arranging/decisions/NOPE",
    ],
)
def test_unknown_references_are_not_found(client, register, url):
    assert client.get(url).status_code == 404


def test_the_section_is_in_the_navigation(client, register):
    html = get(client, "/arranging/decisions/")
    assert 'href="/arranging/"' in html
    assert client.get("/arranging/").url == "/arranging/decisions/"


# --- the read API ---------------------------------------------------------------------------


def test_the_api_lists_and_filters_decisions(client, register):
    every = client.get("/api/arranging/decisions").json()
    assert every["count"] == 3
    assert {d["reference"] for d in every["items"]} == {"DEC-1", "DEC-A", "DEC-S"}
    independent = client.get("/api/arranging/decisions?ownership=independent").json()
    assert [d["reference"] for d in independent["items"]] == ["DEC-S"]
    only = independent["items"][0]
    assert only["lifetime_value"] == "6000000.00" and only["illustrative"] is True
    assert only["process_title"] == "Most Suitable Provider process"
    valued = client.get("/api/arranging/decisions?min_value=2000000&max_value=3000000").json()
    assert [d["reference"] for d in valued["items"]] == ["DEC-1"]
    place = client.get(f"/api/arranging/decisions?place={register.walsall.pk}").json()
    assert [d["reference"] for d in place["items"]] == ["DEC-S"]
    page = client.get("/api/arranging/decisions?limit=1&offset=1").json()
    assert page["count"] == 3 and len(page["items"]) == 1
    assert client.get("/api/arranging/decisions?min_value=lots").status_code == 400
    assert client.get("/api/arranging/decisions?status=won").status_code == 400


def test_the_api_gives_one_decision_in_full(client, register):
    d = client.get("/api/arranging/decisions/DEC-1").json()
    assert d["lifetime_value"] == "2080000.00" and d["annual_value"] == "520000.00"
    assert d["illustrative"] is False
    assert [a["criterion"] for a in d["assessments"]][0] == "quality_innovation"
    assert len(d["assessments"]) == 5
    assert [n["reference"] for n in d["notices"]] == ["DEC-1-INT1", "DEC-1-AWD"]
    assert d["notices"][0]["content"][0] == [
        "Notice",
        "Intention to award a contract by the Direct Award C",
    ]
    contract = d["contract"]
    assert contract["original_lifetime_value"] == "2080000.00"
    assert contract["lifetime_value"] == "2480000.00"
    [change] = contract["modifications"]
    assert (change["lifetime_before"], change["lifetime_after"]) == ("2080000.00", "2480000.00")
    assert Decimal(change["value_change"]) == Decimal("400000")
    verdicts = {v["regime_id"]: v for v in d["checked_under_every_regime"]}
    assert verdicts["hca-2022"]["allowed"] and verdicts["hca-2022"]["in_force"]
    assert not verdicts["hsca-2012"]["allowed"]
    assert "SI 2013/500" in verdicts["hsca-2012"]["violations"][0]["citation"]
    late = client.get("/api/arranging/decisions/DEC-A").json()
    assert late["award_notice_late"] is True and late["notices"][0]["late"] is True
    demo = client.get("/api/arranging/decisions/DEC-S").json()
    assert demo["illustrative"] is True and demo["services"][0]["illustrative"] is True
    assert demo["contract"] is None


def test_the_annual_summary_counts_the_years_awards_and_downloads_as_csv(client, register):
    from openics.arranging.models import SelectionDecision

    awarded = SelectionDecision.objects.filter(awarded_on__isnull=False)
    assert awarded.exists()
    year = FinancialYear.containing(awarded.order_by("awarded_on").first().awarded_on)
    page = client.get(f"/arranging/annual-summary/?year={year.slug}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "SI 2023/1348 reg 25" in html
    response = client.get(f"/arranging/annual-summary.csv?year={year.slug}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "authority",
        "authority_code",
        "financial_year",
        "item",
        "value",
        "illustrative",
    ]
    awards = {r[3]: int(r[4]) for r in rows[1:] if r[3].startswith("contracts awarded by ")}
    in_year = awarded.filter(awarded_on__gte=year.first_day, awarded_on__lte=year.last_day)
    assert sum(awards.values()) == in_year.exclude(process="urgent_award").count()
    assert client.get("/arranging/annual-summary/?year=2025-27").status_code == 400
    assert client.get("/arranging/annual-summary.csv?year=nope").status_code == 400


def test_a_decision_without_regard_to_the_strategy_is_flagged_on_its_page(client, register):
    from openics.arranging.models import SelectionDecision

    decision = SelectionDecision.objects.filter(regard={}).order_by("reference").first()
    html = client.get(f"/arranging/decisions/{decision.reference}/").content.decode()
    assert 'id="regard-flags"' in html and "integrated care strategy" in html
