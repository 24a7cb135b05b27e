"""The books in the workspace (issue 17): a finance officer's everyday writes, each refusal
shown with its rule and citation, a dashboard whose figures are the public books' selectors',
and uploads checked (every bad row with its line, or a preview) before they are applied on
confirmation, all or nothing."""

from datetime import date

import pytest

from openics.allocation.models import PlaceAllocationRun, RunStatus
from openics.core.audit import Refused
from openics.core.imports import rehearse
from openics.core.models import AuditEntry, ImportRun, RoleAssignment, Upload, UploadStatus
from openics.core.roles import Role
from openics.kernel.money import Money
from openics.ledger import selectors
from openics.ledger import services as books
from openics.ledger.ingest import import_payments
from openics.ledger.models import Account, Purpose, Transaction
from tests.ledger_world import ACTOR, START, build_world, contract, fund_place, pounds

pytestmark = pytest.mark.django_db
AS = {"actor": ACTOR, "reason": "test"}
BOOKS = "/workspace/QUA/books/"


@pytest.fixture
def world():
    world = build_world()
    budget = fund_place(world, "£10,000.00")
    deal = contract(
        world,
        reference="C-RNA-1",
        start=START,
        end=date(2026, 3, 31),
        payment_mechanism="blended",
        fixed_monthly=pounds("£1,000.00"),
        unit_price=pounds("£10.00"),
    )
    books.commit(contract=deal, source=budget, amount=pounds("£5,000.00"), on=START, **AS)
    world.budget, world.deal = budget, deal
    return world


@pytest.fixture
def finance(client, django_user_model):
    def sign_in(role=Role.FINANCE, username="fin"):
        user = django_user_model.objects.create_user(username=username, password="x-12345678")
        RoleAssignment.objects.create(user=user, role=role.value, organisation_code="QUA")
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return user

    return sign_in


def _day(name: str, day: date) -> dict:
    return {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}


def test_the_dashboard_shows_the_public_books_figures(client, world, finance):
    finance()
    books.pay(contract=world.deal, amount=pounds("£250.00"), on=START, invoice_number="A", **AS)
    page = client.get(BOOKS, {"year": "2025-26"}).content.decode()
    balance = selectors.icb_balance(world.icb, "2025/26")
    for figure in (balance.received, balance.spent, balance.committed_unpaid, balance.unspent):
        assert figure.format() in page
    assert selectors.delegated_to_places(world.icb, "2025/26") == pounds("£10,000.00")
    assert "Delegated to places" in page and "Break-even" in page
    assert "ledger.system-balance" in page  # the system financial duties, from the selector


def test_a_virement_is_written_as_the_person_and_an_overdraft_is_refused_with_its_rule(
    client, world, finance
):
    user = finance()
    target = Account.objects.create(
        key="test-walsall", name="Walsall place budget", organisation=world.icb,
        purpose=Purpose.BUDGET, place=world.walsall, sector="acute",
    )  # fmt: skip
    form = {"source": world.budget.key, "target": target.key, "reason": "winter pressures"}
    answer = client.post(
        f"{BOOKS}transfer/", form | {"amount": "1,000.00"} | _day("on", date(2025, 5, 1))
    )
    assert answer.status_code == 302 and "done=T" in answer.url
    target.refresh_from_db()
    assert target.balance_pence == pounds("£1,000.00").pence
    entry = AuditEntry.objects.filter(action="ledger.transfer_budget").latest("occurred_at")
    assert entry.actor_user == user and entry.reason == "winter pressures"
    # More than the budget holds: refused in the error summary with the rule and its citation.
    before = Transaction.objects.count()
    refused = client.post(
        f"{BOOKS}transfer/", form | {"amount": "999,999.00"} | _day("on", date(2025, 5, 1))
    )
    text = refused.content.decode()
    assert refused.status_code == 400 and "nhsuk-error-summary" in text
    assert "not the £999,999.00 this needs" in text
    assert "rule ledger.no-overdraft" in text and "s223GC" in text
    assert Transaction.objects.count() == before


def test_an_invoice_is_approved_once_then_paid_and_a_duplicate_is_refused_with_its_rule(
    client, world, finance
):
    finance()
    invoice = {"contract": "C-RNA-1", "invoice_number": "INV-7", "amount": "400.00"}
    invoice |= {"reason": "April activity"} | _day("on", date(2025, 4, 30))
    assert client.post(f"{BOOKS}invoices/approve/", invoice).status_code == 302
    again = client.post(f"{BOOKS}invoices/approve/", invoice)
    assert again.status_code == 400
    assert "INV-7 on C-RNA-1 is already approved or paid" in again.content.decode()
    assert "rule ledger.one-payment-per-invoice" in again.content.decode()
    assert client.post(f"{BOOKS}pay/", invoice).status_code == 302
    paid = Transaction.objects.get(kind="payment", invoice_number="INV-7")
    assert paid.actor_user.username == "fin"
    assert client.post(f"{BOOKS}pay/", invoice).status_code == 400  # paid once only


def test_a_month_is_paid_and_a_payment_reversed(client, world, finance):
    finance()
    month = {"contract": "C-RNA-1", "activity_units": "12", "reason": "April"}
    answer = client.post(f"{BOOKS}pay-month/", month | _day("month_end", date(2025, 4, 30)))
    assert answer.status_code == 302
    fixed = Transaction.objects.get(invoice_number="C-RNA-1-2025-04-F")
    variable = Transaction.objects.get(invoice_number="C-RNA-1-2025-04-V")
    assert sum(p.amount_pence for p in variable.postings.all() if p.amount_pence > 0) == 12_000
    url = f"{BOOKS}transactions/{fixed.number}/reverse/"
    done = client.post(url, {"reason": "paid in error"} | _day("on", date(2025, 5, 2)))
    assert done.status_code == 302
    assert Transaction.objects.filter(reverses=fixed).exists()
    twice = client.post(url, {"reason": "again"} | _day("on", date(2025, 5, 2)))
    assert twice.status_code == 400 and "already been reversed" in twice.content.decode()
    assert selectors.recompute_check() == []


def test_the_secretary_approves_a_run_and_finance_puts_it_in_the_books(client, world, finance):
    books.receive_allocation(
        icb=world.icb, amount=pounds("£3,000.00"), on=START, description="more", **AS
    )
    run = PlaceAllocationRun.objects.create(
        icb=world.icb, financial_year="2025/26", line="core", component="general_and_acute",
        budget=pounds("£3,000.00"), inputs_sha256="0" * 64, run_by="test",
        results=[
            {"key": str(world.dudley.pk), "name": "Dudley", "budget_pence": 200_000},
            {"key": str(world.walsall.pk), "name": "Walsall", "budget_pence": 100_000},
        ],
    )  # fmt: skip
    finance()
    url = f"{BOOKS}runs/{run.pk}/approve/"
    assert client.post(url, {"reason": "board approved"}).status_code == 403  # not finance's
    client.logout()
    finance(Role.BOARD_SECRETARY, username="sec")
    assert client.post(url, {"reason": "board approved"}).status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED and run.approved_by == "sec"
    client.logout()
    finance(username="fin2")
    delegate = f"{BOOKS}runs/{run.pk}/delegate/"
    answer = client.post(delegate, {"reason": "into the books"} | _day("on", START))
    assert answer.status_code == 302
    assert selectors.delegated_to_places(world.icb, "2025/26") == pounds("£13,000.00")
    again = client.post(delegate, {"reason": "twice"} | _day("on", START))
    assert "already in the books" in again.content.decode()


def test_a_ring_fence_refusal_names_its_rule_and_citation(world):
    fence = books.create_ring_fence(
        name="Public health grant", kind="public_health_grant", holder=world.council, **AS
    )
    books.receive_grant(
        recipient=world.council, amount=pounds("£500.00"), on=START, description="grant",
        sector="public_health", ring_fence=fence, **AS,
    )  # fmt: skip
    grant = Account.objects.get(ring_fence=fence, purpose=Purpose.BUDGET)
    surgery = contract(world, commissioner=world.council, sector="acute", title="Surgery")
    with pytest.raises(Refused) as caught:
        books.commit(contract=surgery, source=grant, amount=pounds("£1.00"), on=START, **AS)
    assert caught.value.rule == "ledger.ring-fence"
    assert "s75" in caught.value.citation
    refusal = AuditEntry.objects.get(action="ledger.commit.refused")
    assert refusal.after["rule"] == "ledger.ring-fence"


# -- uploads --------------------------------------------------------------------------------
def _csv(*lines: str) -> bytes:
    return ("contract,invoice,date_paid,amount,element\n" + "\n".join(lines) + "\n").encode()


GOOD = _csv("C-RNA-1,P1,2025-04-30,100.00,", "C-RNA-1,P2,2025-05-31,200.00,")
BAD = _csv("C-RNA-1,P1,2025-04-30,100.00,", "C-NONE,P2,2025-05-31,200.00,", "C-RNA-1,P3,x,1,")


def _upload(client, data: bytes, name="payments.csv", kind="payments"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/workspace/QUA/uploads/new/",
        {"kind": kind, "file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def test_rehearsing_an_import_answers_as_the_import_and_writes_nothing(world):
    before = (Transaction.objects.count(), AuditEntry.objects.count(), ImportRun.objects.count())
    report = rehearse(lambda: import_payments(GOOD, source_name="p.csv", **AS))
    assert report.rows == 2 and report.total == pounds("£300.00")
    after = (Transaction.objects.count(), AuditEntry.objects.count(), ImportRun.objects.count())
    assert after == before


def test_a_bad_payments_file_is_refused_with_each_line_and_a_good_one_applied_on_confirmation(
    client, world, finance, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    finance()
    before = Transaction.objects.count()
    answer = _upload(client, BAD, "bad.csv")
    assert answer.status_code == 302
    bad = Upload.objects.get(source_name="bad.csv")
    assert bad.status == UploadStatus.REJECTED
    page = client.get(answer.url).content.decode()
    assert "no contract with the reference C-NONE" in page
    assert {e["line"] for e in bad.outcome["errors"]} == {3, 4}
    assert Transaction.objects.count() == before
    assert not (tmp_path / "uploads" / str(bad.pk) / "0.upload").exists()  # not kept after

    answer = _upload(client, GOOD, "good.csv")
    good = Upload.objects.get(source_name="good.csv")
    assert good.status == UploadStatus.CHECKED
    assert (tmp_path / "uploads" / str(good.pk) / "0.upload").read_bytes() == GOOD
    page = client.get(answer.url).content.decode()
    assert "2 payments, £300.00 in all" in page and "Apply the file" in page
    assert Transaction.objects.count() == before  # the check wrote nothing
    progress = client.get(f"/workspace/QUA/uploads/{good.pk}/progress.json").json()
    assert progress["status"] == "checked" and progress["working"] is False

    assert client.post(f"/workspace/QUA/uploads/{good.pk}/confirm/").status_code == 302
    good.refresh_from_db()
    assert good.status == UploadStatus.APPLIED and good.applied_by.username == "fin"
    assert Transaction.objects.count() == before + 2
    assert ImportRun.objects.filter(kind="ledger-payments", sha256=good.sha256).exists()
    assert client.post(f"/workspace/QUA/uploads/{good.pk}/confirm/").status_code == 409
    books_page = client.get(BOOKS, {"year": "2025-26"}).content.decode()
    assert selectors.icb_balance(world.icb, "2025/26").spent.format() in books_page


def test_uploads_are_for_the_roles_the_table_allows(client, world, finance, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    finance(Role.ADMINISTRATOR, username="admin")
    assert _upload(client, GOOD).status_code == 403  # payments are the books'
    assert client.get("/workspace/QUA/uploads/").status_code == 200  # registry files are not
    client.logout()
    finance(Role.OFFICER, username="officer")
    assert client.get("/workspace/QUA/uploads/").status_code == 403
    assert _upload(client, GOOD).status_code == 403


def test_an_empty_upload_or_one_with_no_kind_is_refused_with_a_message(
    client, world, finance, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    finance()
    empty = _upload(client, b"", "empty.csv")
    assert empty.status_code == 400 and "holds no file" in empty.content.decode()
    none = client.post("/workspace/QUA/uploads/new/", {})
    assert none.status_code == 400
    assert "Choose what the file is" in none.content.decode()
    assert Upload.objects.count() == 0


def test_a_public_visitor_sees_no_workspace_link_and_cannot_open_the_books(client, world):
    for path in ("/", "/money/books/"):
        assert "/workspace/" not in client.get(path).content.decode()
    for path in (BOOKS, "/workspace/QUA/uploads/", f"{BOOKS}transfer/"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.url.startswith("/sign-in/")


def test_money_on_the_dashboard_is_whole_pence(world):
    assert isinstance(selectors.delegated_to_places(world.icb, "2025/26"), Money)


HOSTILE = [
    "",
    "0",
    "-1",
    "1e30",
    "9" * 30,
    "\u202e\U0001f600",
    "' OR 1=1 --",
    "../../etc",
    "x" * 5000,
]


def test_hostile_input_to_the_books_and_uploads_is_a_4xx_with_a_message_never_a_500(
    client, world, finance, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    finance()
    for value in HOSTILE:
        for path in (BOOKS, f"{BOOKS}transfer/", "/workspace/QUA/uploads/new/"):
            answer = client.get(path, {"year": value, "kind": value})
            # (a parameter longer than any view reads is refused by the middleware: 400)
            assert answer.status_code in (200, 400, 404), (path, value, answer.status_code)
            assert answer.content
        form = {
            "source": value, "target": value, "contract": value, "amount": value,
            "invoice_number": value, "activity_units": value, "reason": value,
            "on-day": value, "on-month": value, "on-year": value,
            "month_end-day": value, "month_end-month": value, "month_end-year": value,
        }  # fmt: skip
        for action in ("transfer/", "commit/", "invoices/approve/", "pay/", "pay-month/"):
            answer = client.post(f"{BOOKS}{action}", form)
            assert answer.status_code == 400 and b"nhsuk-error-summary" in answer.content, (
                action,
                value,
            )
        answer = client.post(f"{BOOKS}transactions/{value or 'T'}/reverse/", form)
        assert answer.status_code in (400, 404), value
    garbage = _upload(client, b"\x00\xff" * 500, "practices.csv", kind="practice-file")
    assert garbage.status_code == 302
    assert Upload.objects.get(source_name="practices.csv").status == UploadStatus.REJECTED
    for bad_id in ("00000000-0000-4000-8000-000000000000",):
        assert client.get(f"/workspace/QUA/uploads/{bad_id}/").status_code == 404
        assert client.post(f"/workspace/QUA/uploads/{bad_id}/confirm/").status_code == 404


def test_a_checked_file_that_is_gone_fails_to_apply_and_writes_nothing(
    client, world, finance, settings, tmp_path
):
    import shutil

    settings.VAR_DIR = tmp_path
    finance()
    _upload(client, GOOD, "good.csv")
    upload = Upload.objects.get(source_name="good.csv")
    shutil.rmtree(tmp_path / "uploads" / str(upload.pk))  # removed by hand before applying
    before = Transaction.objects.count()
    client.post(f"/workspace/QUA/uploads/{upload.pk}/confirm/")
    upload.refresh_from_db()
    assert upload.status == UploadStatus.FAILED
    assert "nothing was written" in upload.outcome["message"]
    assert Transaction.objects.count() == before
    page = client.get(f"/workspace/QUA/uploads/{upload.pk}/").content.decode()
    assert "The upload failed: nothing was written" in page
