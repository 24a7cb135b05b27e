"""The books: flows from NHS England to subcontractors, refusals, reversals, invariants."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from openics.core.audit import Refused
from openics.core.models import AuditEntry
from openics.ledger import selectors
from openics.ledger import services as books
from openics.ledger.models import Account, FlowTotal, Posting, Purpose, Transaction
from tests.ledger_world import ACTOR, START, build_world, contract, fund_place, pounds
from tests.tamper import as_superuser

pytestmark = pytest.mark.django_db
AS = {"actor": ACTOR, "reason": "test"}


@pytest.fixture
def world():
    return build_world()


def test_money_flows_from_nhs_england_to_a_subcontractor_and_reconciles(world):
    budget = fund_place(world, "£1,000,000.00")
    prime = contract(
        world,
        annual_value=pounds("£600,000.00"),
        fixed_monthly=pounds("£40,000.00"),
        unit_price=pounds("£125.00"),
    )
    sub = contract(
        world,
        commissioner=world.trust,
        provider=world.company,
        prime=prime,
        sector="acute",
        title="Scans",
    )
    books.commit(contract=prime, source=budget, amount=pounds("£600,000.00"), on=START, **AS)
    books.pay_month(contract=prime, month_end=date(2025, 4, 30), activity_units=80, **AS)
    books.pay(
        contract=sub, amount=pounds("£12,345.67"), on=date(2025, 5, 3), invoice_number="SC-1", **AS
    )
    # the trust got £40,000 fixed + 80 × £125 variable; it passed £12,345.67 on
    cash = Account.objects.get(organisation=world.trust, purpose=Purpose.CASH)
    assert cash.balance_pence == pounds("£37,654.33").pence
    traced = selectors.follow(selectors.resolve_start("nhse"), "2025-26")
    assert traced.total == pounds("£1,000,000.00")
    assert traced.reached + traced.still_held == traced.total
    assert traced.reached == pounds("£50,000.00")
    assert traced.by_depth == {0: pounds("£37,654.33"), 1: pounds("£12,345.67")}
    assert traced.by_ownership["Independent for-profit"] == pounds("£12,345.67")
    assert traced.by_sector == {"Acute (hospital) care": pounds("£50,000.00")}
    assert selectors.recompute_check() == []


def test_every_transaction_balances_and_postings_sum_to_zero(world):
    fund_place(world)
    for txn in Transaction.objects.all():
        assert sum(p.amount_pence for p in txn.postings.all()) == 0
        assert txn.postings.count() >= 2


def test_a_commitment_larger_than_the_budget_is_refused_and_the_refusal_is_audited(world):
    budget = fund_place(world, "£100.00")
    deal = contract(world)
    with pytest.raises(Refused, match="holds £100.00, not the £100.01"):
        books.commit(contract=deal, source=budget, amount=pounds("£100.01"), on=START, **AS)
    assert not Transaction.objects.filter(kind="commitment").exists()
    refusal = AuditEntry.objects.get(action="ledger.commit.refused")
    assert "not the £100.01" in refusal.after["refused"][0]


def test_one_invoice_cannot_be_paid_twice(world):
    budget = fund_place(world)
    deal = contract(world)
    books.commit(contract=deal, source=budget, amount=pounds("£1,000.00"), on=START, **AS)
    books.pay(contract=deal, amount=pounds("£10.00"), on=START, invoice_number="INV-1", **AS)
    with pytest.raises(Refused, match="already been paid"):
        books.pay(contract=deal, amount=pounds("£10.00"), on=START, invoice_number="INV-1", **AS)
    assert Transaction.objects.filter(kind="payment").count() == 1


def test_a_payment_outside_the_contract_term_is_refused(world):
    budget = fund_place(world)
    deal = contract(world)
    books.commit(contract=deal, source=budget, amount=pounds("£1,000.00"), on=START, **AS)
    with pytest.raises(Refused, match="outside contract"):
        books.pay(
            contract=deal, amount=pounds("£1.00"), on=date(2026, 4, 1), invoice_number="LATE", **AS
        )


def test_public_health_grant_cannot_pay_for_acute_care(world):
    fence = books.create_ring_fence(
        name="Dudley public health grant 2025/26",
        kind="public_health_grant",
        holder=world.council,
        **AS,
    )
    books.receive_grant(
        recipient=world.council,
        amount=pounds("£500,000.00"),
        on=START,
        description="grant",
        sector="public_health",
        ring_fence=fence,
        **AS,
    )
    grant = Account.objects.get(ring_fence=fence, purpose=Purpose.BUDGET)
    sexual_health = contract(
        world, commissioner=world.council, sector="public_health", title="Sexual health"
    )
    surgery = contract(world, commissioner=world.council, sector="acute", title="Surgery")
    books.commit(contract=sexual_health, source=grant, amount=pounds("£200,000.00"), on=START, **AS)
    before = (Transaction.objects.count(), Posting.objects.count(), Account.objects.count())
    with pytest.raises(Refused, match="may be spent only on public health"):
        books.commit(contract=surgery, source=grant, amount=pounds("£1.00"), on=START, **AS)
    with pytest.raises(Refused, match="ring-fenced public health grant"):
        books.pay(
            contract=surgery,
            amount=pounds("£1.00"),
            on=START,
            invoice_number="X",
            source=grant,
            **AS,
        )
    # nothing but the refusals is left on the record
    assert (Transaction.objects.count(), Posting.objects.count(), Account.objects.count()) == before
    refusals = AuditEntry.objects.filter(action__endswith=".refused")
    assert refusals.count() == 2
    assert all("ring-fenced" in r.after["refused"][0] for r in refusals)


def test_a_section_75_pool_pays_only_for_what_its_agreement_names(world):
    fence = books.create_ring_fence(
        name="Dudley Better Care Fund",
        kind="section_75_pool",
        holder=world.council,
        partners=[world.icb],
        agreed_sectors=["social_care", "community"],
        agreement="Dudley section 75 agreement 2025",
        **AS,
    )
    budget = fund_place(world)
    books.contribute_to_pool(
        ring_fence=fence, source=budget, amount=pounds("£300,000.00"), on=START, **AS
    )
    pool = Account.objects.get(purpose=Purpose.POOLED_FUND)
    assert pool.organisation == world.council and pool.balance_pence == 30_000_000
    reablement = contract(
        world,
        commissioner=world.council,
        provider=world.charity,
        sector="social_care",
        title="Reablement",
    )
    books.commit(contract=reablement, source=pool, amount=pounds("£100,000.00"), on=START, **AS)
    acute = contract(world, commissioner=world.council, sector="acute")
    with pytest.raises(Refused, match="section 75 pooled fund"):
        books.commit(contract=acute, source=pool, amount=pounds("£1.00"), on=START, **AS)


def test_a_non_partner_cannot_pay_into_a_pool(world):
    fence = books.create_ring_fence(
        name="Pool",
        kind="section_75_pool",
        holder=world.council,
        agreed_sectors=["social_care"],
        **AS,
    )
    budget = fund_place(world)
    with pytest.raises(Refused, match="not a partner"):
        books.contribute_to_pool(
            ring_fence=fence, source=budget, amount=pounds("£1.00"), on=START, **AS
        )


def test_a_reversal_cancels_a_payment_and_keeps_the_original(world):
    budget = fund_place(world)
    deal = contract(world)
    books.commit(contract=deal, source=budget, amount=pounds("£1,000.00"), on=START, **AS)
    paid = books.pay(contract=deal, amount=pounds("£250.00"), on=START, invoice_number="I", **AS)
    books.reverse(original=paid, on=date(2025, 4, 2), **AS)
    cash = Account.objects.get(organisation=world.trust, purpose=Purpose.CASH)
    assert cash.balance_pence == 0
    assert Transaction.objects.filter(pk=paid.pk).exists()
    with pytest.raises(Refused, match="already been reversed"):
        books.reverse(original=paid, on=date(2025, 4, 2), **AS)
    flow = FlowTotal.objects.get(target=cash)
    assert flow.amount_pence == 0
    assert selectors.recompute_check() == []


def test_the_database_refuses_to_change_a_posting(world):
    fund_place(world)
    posting = Posting.objects.first()
    with pytest.raises(PermissionError):
        posting.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.filter(pk=posting.pk).update(amount_pence=1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement triggers: PostgreSQL")
def test_postgresql_refuses_postings_that_do_not_balance(world):
    fund_place(world)
    txn = Transaction.objects.first()
    account = Account.objects.first()
    with pytest.raises(IntegrityError, match="not zero"), transaction.atomic():
        Posting.objects.bulk_create(
            [
                Posting(
                    transaction=txn,
                    account=account,
                    amount_pence=5,
                    effective_date=START,
                    financial_year="2025/26",
                )
            ]
        )


def test_an_unbalanced_transaction_is_an_error_before_anything_is_written(world):
    budget = fund_place(world)

    @books.service("test.unbalanced")
    def unbalanced(*, audit):
        return books.post(
            kind="adjustment",
            legs=[(budget, -5), (budget, 4)],
            on=START,
            description="bad",
            audit=audit,
        )

    with pytest.raises(books.LedgerError, match="add up to -1p"):
        unbalanced(**AS)


def test_the_icb_balance_applies_the_break_even_duty(world):
    budget = fund_place(world, "£1,000.00")
    deal = contract(world)
    books.commit(contract=deal, source=budget, amount=pounds("£900.00"), on=START, **AS)
    books.pay(contract=deal, amount=pounds("£400.00"), on=START, invoice_number="1", **AS)
    books.record_operating_cost(
        organisation=world.trust, amount=pounds("£500.00"), on=START, description="staff", **AS
    )
    result = selectors.icb_balance(world.icb, "2025-26")
    assert (result.received, result.spent) == (pounds("£1,000.00"), pounds("£400.00"))
    assert result.committed_unpaid == pounds("£500.00")
    assert result.unspent == pounds("£100.00")
    assert result.breaks_even and "s223GC" in result.duty_source
    [trust] = result.providers
    assert trust.surplus == pounds("-£100.00")
    assert result.system_surplus == pounds("£500.00")


def test_an_approved_invoice_is_a_payable_until_it_is_paid(world):
    budget = fund_place(world)
    deal = contract(world)
    books.commit(contract=deal, source=budget, amount=pounds("£1,000.00"), on=START, **AS)
    books.approve_invoice(
        contract=deal, amount=pounds("£300.00"), on=START, invoice_number="INV-9", **AS
    )
    payable = Account.objects.get(contract=deal, purpose=Purpose.PAYABLE)
    assert payable.balance_pence == 30_000
    with pytest.raises(Refused, match="approved for £300.00, not £299.00"):
        books.pay(contract=deal, amount=pounds("£299.00"), on=START, invoice_number="INV-9", **AS)
    with pytest.raises(Refused, match="already approved or paid"):
        books.approve_invoice(
            contract=deal, amount=pounds("£1.00"), on=START, invoice_number="INV-9", **AS
        )
    books.pay(contract=deal, amount=pounds("£300.00"), on=START, invoice_number="INV-9", **AS)
    payable.refresh_from_db()
    assert payable.balance_pence == 0
    result = selectors.icb_balance(world.icb, "2025-26")
    assert result.committed_unpaid == pounds("£700.00")
    assert selectors.recompute_check() == []


def test_a_foundation_trust_paid_more_by_the_council_than_the_nhs_fails_its_principal_purpose(
    world,
):
    from openics.core.checks import run_checks

    # The ICB pays the trust £100,000; the council pays it £150,000 from a grant.
    budget = fund_place(world, "£100,000.00")
    nhs = contract(world, title="Acute care")
    books.commit(contract=nhs, source=budget, amount=pounds("£100,000.00"), on=START, **AS)
    books.pay(contract=nhs, amount=pounds("£100,000.00"), on=START, invoice_number="N1", **AS)
    books.receive_grant(
        recipient=world.council, amount=pounds("£150,000.00"), on=START, description="grant", **AS
    )
    grant = Account.objects.get(organisation=world.council, purpose=Purpose.BUDGET)
    council = contract(world, commissioner=world.council, sector="social_care", title="Care")
    books.commit(contract=council, source=grant, amount=pounds("£150,000.00"), on=START, **AS)
    books.pay(contract=council, amount=pounds("£150,000.00"), on=START, invoice_number="C1", **AS)
    assert selectors.income_by_source(world.trust, "2025/26") == (
        pounds("£100,000.00"),
        pounds("£150,000.00"),
    )
    [check] = [r for r in run_checks(date(2026, 3, 31)) if r.name.startswith("Principal purpose")]
    assert check.name == "Principal purpose: RNA 2025/26" and not check.ok
    assert "£100,000.00 from the health service in England and £150,000.00 from elsewhere" in (
        check.detail
    )


def test_an_unbalanced_transaction_is_reported_and_the_other_checks_still_run(world):
    from openics.core.checks import run_checks

    budget = fund_place(world, "£1,000.00")
    posting = Posting.objects.filter(account=budget).first()
    # Break the books behind the services' back (the database's own guards allowing).
    with as_superuser() as cursor:
        cursor.execute(
            "UPDATE ledger_posting SET amount_pence = amount_pence + 1 WHERE id = %s",
            [posting.pk],
        )
    results = {r.name: r for r in run_checks(date(2026, 3, 31))}
    broken = [r for r in results.values() if not r.ok]
    assert broken, "an unbalanced posting must fail a check"
    assert "Registry links" in results and "Record of decisions" in results  # the rest ran


def _posting(txn, account, pence):
    return Posting(
        transaction_id=txn,
        account_id=account,
        amount_pence=pence,
        effective_date=START,
        financial_year="2025/26",
    )


def test_the_database_refuses_postings_naming_a_transaction_or_account_not_in_the_books(world):
    """Not foreign-key constraints (ADR 0023): triggers, set-based on PostgreSQL."""
    import uuid

    fund_place(world)
    txn = Transaction.objects.first()
    account, other = Account.objects.all()[:2]
    for legs in (
        [_posting(uuid.uuid4(), account.pk, -5), _posting(uuid.uuid4(), other.pk, 5)],
        [_posting(txn.pk, uuid.uuid4(), -5), _posting(txn.pk, other.pk, 5)],
    ):
        with pytest.raises(IntegrityError, match="not in the books"), transaction.atomic():
            Posting.objects.bulk_create(legs)


def test_the_database_refuses_deleting_a_transaction_or_account_that_has_postings(world):
    fund_place(world)
    posting = Posting.objects.select_related("transaction", "account").first()
    for table, pk in (
        ("ledger_transaction", posting.transaction_id),
        ("ledger_account", posting.account_id),
    ):
        value = pk.hex if connection.vendor == "sqlite" else str(pk)
        with (
            pytest.raises(IntegrityError, match="postings"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [value])  # noqa: S608
    assert Transaction.objects.filter(pk=posting.transaction_id).exists()


def test_the_check_names_a_flow_total_that_disagrees_with_the_postings(world):
    fund_place(world)
    assert selectors.recompute_check() == []
    flow = FlowTotal.objects.first()
    FlowTotal.objects.filter(pk=flow.pk).update(amount_pence=flow.amount_pence + 1)
    [problem] = selectors.recompute_check()
    assert "flow total" in problem and "disagrees with its postings" in problem
