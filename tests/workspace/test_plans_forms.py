"""Plans, capital and people in the workspace: an officer enters an aim and records how a
board decision had regard to the strategy, which clears the check's flag; finance adds a
capital scheme; an officer records a staff transfer. Every write goes through the context's
service as the person signed in, and a refusal comes back in the error summary."""

from datetime import date

from openics.capital.models import CapitalScheme
from openics.core.checks import run_checks
from openics.core.models import AuditEntry
from openics.core.roles import Role
from openics.governance import services as gov
from openics.governance.models import AgendaItem
from openics.kernel.money import Money
from openics.organisations.models import StaffTransfer
from openics.plans.models import Aim, AimCitation
from openics.plans.services import add_aim, record_document
from tests.governance_world import WHO

PLANS = "/workspace/QXX/plans"


def _strategy(world):
    return record_document(
        reference="QXX-ICS",
        kind="integrated_care_strategy",
        title="Testshire integrated care strategy",
        icb=world.icb,
        authors=[world.icb],
        prepared_on=date(2023, 1, 1),
        **WHO,
    )


def _regard_check(on):
    [found] = [r for r in run_checks(on) if r.name.startswith("Regard to the strategy: QXX")]
    return found


def test_an_officer_enters_an_aim_and_records_a_board_decisions_regard(client, world, signed_in):
    strategy = _strategy(world)
    user = signed_in(Role.OFFICER)
    empty = client.post(f"{PLANS}/QXX-ICS/aims/new/", {"aim": "Care at home"})
    text = empty.content.decode()
    assert empty.status_code == 400 and "There is a problem" in text
    assert 'href="#population"' in text and "Enter its target" in text
    assert not Aim.objects.exists()
    answer = client.post(
        f"{PLANS}/QXX-ICS/aims/new/",
        {
            "aim": "More care at home",
            "population": "People aged 65 and over",
            "measure": "Emergency admissions per 1,000",
            "target": "Down 10% by 2027/28",
        },
    )
    assert answer.status_code == 302 and answer.url == "/plans/?icb=QXX#aims"
    aim = Aim.objects.get(document=strategy)
    entry = AuditEntry.objects.get(action="plans.add_aim")
    assert entry.actor_user == user and "in the workspace" in entry.reason
    assert client.get(f"{PLANS}/NOPE/aims/new/").status_code == 404

    # A decision of the board, taken with nothing said of the strategy, is flagged.
    meeting = world.meeting(day=date(2026, 3, 10))
    item = gov.add_item(meeting=meeting, number="1", title="Estates plan", kind="decision", **WHO)
    AgendaItem.objects.filter(pk=item.pk).update(status="decided")  # set-up: a decided item
    flagged = _regard_check(date(2026, 4, 1))
    assert not flagged.ok and "'NHS Testshire ICB board, 2026-03-10, item 1" in flagged.detail
    assert "cites none of the strategy's aims" in flagged.detail
    assert "Estates plan" in client.get(f"{PLANS}/").content.decode()

    form = client.get(f"{PLANS}/regard/").content.decode()
    assert f'value="item:{item.pk}"' in form and f'value="{aim.pk}"' in form
    missing = client.post(f"{PLANS}/regard/", {"decision": f"item:{item.pk}", "aim": str(aim.pk)})
    assert "Say how the decision had regard to the strategy" in missing.content.decode()
    done = client.post(
        f"{PLANS}/regard/",
        {"decision": f"item:{item.pk}", "aim": str(aim.pk), "how_regard": "Weighed aim 1"},
    )
    assert done.status_code == 302
    assert AimCitation.objects.get(agenda_item=item).how_regard == "Weighed aim 1"
    assert _regard_check(date(2026, 4, 1)).ok
    # The same again is refused by the service, and the refusal is in the summary.
    again = client.post(
        f"{PLANS}/regard/",
        {"decision": f"item:{item.pk}", "aim": str(aim.pk), "how_regard": "Again"},
    ).content.decode()
    assert "There is a problem" in again and "already cites aim QXX-ICS.1" in again
    assert AimCitation.objects.count() == 1


def test_finance_adds_a_capital_scheme(client, world, signed_in):
    user = signed_in(Role.FINANCE)
    url = "/workspace/QXX/capital/schemes/new/"
    fields = {
        "reference": "QXX-CAP-1",
        "provider": "RTT",
        "name": "New theatres",
        "purpose": "Elective recovery",
        "funding_source": "operational",
        "costs": "2026/27 £1,200,000\n2027/28 £800,000",
    }
    bad = client.post(url, {**fields, "costs": "2026/27 £1,200,000\nsoon lots"}).content.decode()
    assert "Line 2 (&#39;soon lots&#39;) must be a year and an amount" in bad
    assert not CapitalScheme.objects.exists()
    answer = client.post(url, fields)
    assert answer.status_code == 302 and answer.url == "/money/capital/?icb=QXX"
    scheme = CapitalScheme.objects.get(reference="QXX-CAP-1")
    assert scheme.provider == world.trust
    assert {c.financial_year: c.amount for c in scheme.costs.all()} == {
        "2026/27": Money.parse("£1,200,000"),
        "2027/28": Money.parse("£800,000"),
    }
    assert AuditEntry.objects.filter(action="capital.plan_scheme", actor_user=user).exists()
    again = client.post(url, fields).content.decode()
    assert "There is a problem" in again and "there is already a capital scheme QXX-CAP-1" in again


def test_an_officer_records_a_staff_transfer(client, world, signed_in):
    user = signed_in(Role.OFFICER)
    url = "/workspace/QXX/people/transfers/new/"
    fields = {
        "source": "RTT",
        "target": "QXX",
        "on-day": "1",
        "on-month": "4",
        "on-year": "2026",
        "staff": "12",
        "functions": "Continuing healthcare assessments",
        "legal_basis": "cosop",
        "agenda_for_change": "on",
        "nhs_pension": "on",
    }
    same = client.post(url, {**fields, "target": "RTT"}).content.decode()
    assert "There is a problem" in same and "from a body to itself" in same
    assert not StaffTransfer.objects.exists()
    bad = client.post(url, {**fields, "staff": "0", "on-month": ""}).content.decode()
    assert "At least one member of staff" in bad and "must include a month" in bad
    answer = client.post(url, fields)
    assert answer.status_code == 302 and answer.url == "/people/#transfers"
    transfer = StaffTransfer.objects.get()
    assert (transfer.staff, transfer.legal_basis, transfer.on) == (12, "cosop", date(2026, 4, 1))
    assert transfer.agenda_for_change and transfer.nhs_pension and not transfer.illustrative
    assert AuditEntry.objects.filter(
        action="organisations.transfer_staff", actor_user=user
    ).exists()


def test_the_forms_are_linked_from_the_organisation_page_by_role(client, world, signed_in):
    add_aim(document=_strategy(world), aim="a", population="p", measure="m", target="t", **WHO)
    signed_in(Role.FINANCE)
    page = client.get("/workspace/QXX/").content.decode()
    assert "Add a scheme to the capital plan" in page and "Record a staff transfer" not in page
    signed_in(Role.OFFICER, username="officer-2")
    page = client.get("/workspace/QXX/").content.decode()
    assert "Record a staff transfer" in page and "Plans: enter their aims" in page
    assert "Add a scheme to the capital plan" not in page
