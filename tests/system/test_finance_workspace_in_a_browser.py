"""A finance officer in a real Chromium, with axe on every page: a payments file with two bad
rows is refused with both lines named and nothing written; the corrected file is checked,
applied with its progress shown while it waits for the worker, and the books page shows what
it paid; a payment of an invoice already paid is refused with its rule. The tasks go through
the database queue, and the test takes the worker's steps itself, as `openics worker` would."""

from datetime import date

import pytest
from playwright.sync_api import expect

from openics.cli.tasks import make_worker
from openics.core.models import RoleAssignment
from openics.core.roles import Role
from openics.ledger import selectors
from openics.ledger import services as books
from openics.ledger.models import Transaction
from tests.ledger_world import ACTOR, START, build_world, contract, fund_place, pounds

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password-1"
HEAD = "contract,invoice,date_paid,amount,element\n"
BAD = HEAD + "C-RNA-1,P1,2025-04-30,100.00,\nC-NONE,P2,2025-05-31,200.00,\nC-RNA-1,P3,soon,1,\n"
GOOD = HEAD + "C-RNA-1,P1,2025-04-30,100.00,\nC-RNA-1,P2,2025-05-31,200.00,\n"


@pytest.fixture
def world(django_user_model, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.VAR_DIR = tmp_path
    world = build_world()
    deal = contract(world, reference="C-RNA-1", start=START, end=date(2026, 3, 31))
    books.commit(
        contract=deal, source=fund_place(world, "£10,000.00"), amount=pounds("£5,000.00"),
        on=START, actor=ACTOR, reason="test",
    )  # fmt: skip
    user = django_user_model.objects.create_user(username="finance", password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=Role.FINANCE.value, organisation_code="QUA")
    return world


@pytest.fixture
def csp_errors(page):
    seen: list[str] = []
    page.on(
        "console",
        lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return seen


def _worker_step():
    """What the worker `openics serve` starts does when it next looks at the queue."""
    make_worker(batch=True).run()


def _upload(page, text: str, name: str):
    page.get_by_label("Payments (bulk payments CSV)").check()
    page.get_by_label("The file").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": text.encode()}
    )
    page.get_by_role("button", name="Check the file").click()


def test_a_finance_officer_uploads_fixes_and_applies_a_payments_file(
    page, world, axe_violations, csp_errors
):
    # Given a finance officer signed in to the ICB's workspace
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("finance")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("NHS Black Country ICB")
    page.get_by_role("link", name="Uploads: payments and registry files").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Upload a file").click()
    assert axe_violations(page) == []

    # When they upload a payments file with two bad rows, it waits for the worker, then
    # the page (asking for its progress every second) shows both lines, and nothing is written.
    _upload(page, BAD, "payments-may.csv")
    expect(page.locator("#upload-status")).to_have_text("Waiting to be checked")
    expect(page.locator("#upload-bar")).to_be_visible()
    assert axe_violations(page) == []
    before = Transaction.objects.count()
    _worker_step()
    rows = page.locator("#bad-rows")
    expect(rows).to_contain_text("no contract with the reference C-NONE", timeout=10_000)
    expect(rows.locator("tbody tr")).to_have_count(2)
    expect(rows.locator("tbody tr").nth(0).locator("td").first).to_have_text("3")
    expect(rows.locator("tbody tr").nth(1).locator("td").first).to_have_text("4")
    assert Transaction.objects.count() == before
    assert axe_violations(page) == []

    # When they upload the corrected file, they see what it would pay, and apply it
    page.get_by_role("link", name="Upload a corrected file").click()
    _upload(page, GOOD, "payments-may-fixed.csv")
    _worker_step()
    expect(page.locator("#preview")).to_contain_text("2 payments, £300.00 in all", timeout=10_000)
    assert Transaction.objects.count() == before
    assert axe_violations(page) == []
    page.get_by_role("button", name="Apply the file").click()
    expect(page.locator("#upload-status")).to_have_text("Confirmed: waiting to be applied")
    expect(page.locator("#upload-stage")).to_have_text("Waiting for the worker to start")
    _worker_step()
    expect(page.locator("#result")).to_contain_text("2 payments", timeout=10_000)
    assert Transaction.objects.count() == before + 2
    assert axe_violations(page) == []

    # Then the books page shows what was paid, from the same selector as the public page
    page.get_by_role("link", name="See the books").click()
    paid = selectors.icb_balance(world.icb, "2025/26").spent
    assert paid == pounds("£300.00")
    expect(page.locator("#paid")).to_have_text(paid.format())
    assert axe_violations(page) == []

    # And paying an invoice the file already paid is refused, with its rule and citation
    page.get_by_role("link", name="Pay an invoice").click()
    page.get_by_label("Contract").select_option("C-RNA-1")
    page.get_by_label("Invoice number").fill("P1")
    page.get_by_label("Amount").fill("100.00")
    group = page.get_by_role("group", name="When?")
    group.get_by_label("Day").fill("30")
    group.get_by_label("Month").fill("4")
    group.get_by_label("Year").fill("2025")
    page.get_by_label("Reason").fill("April")
    page.get_by_role("button", name="Pay an invoice").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("invoice P1 on contract C-RNA-1 has already been paid")
    expect(summary).to_contain_text("rule ledger.one-payment-per-invoice")
    expect(summary).to_contain_text("Managing Public Money")
    assert axe_violations(page) == []
    assert Transaction.objects.count() == before + 2
    assert csp_errors == []
