"""Eight writers at once against one ring-fenced budget, on PostgreSQL.

Each writer commits and pays from the same public health grant; together they ask for
more than it holds, and two of them try to pay the same invoice. Row locks must stop
both an overspend and a double payment.
"""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from openics.core.audit import Refused
from openics.ledger import services as books
from openics.ledger.models import Account, Purpose, Transaction
from tests.ledger_world import ACTOR, START, build_world, contract, pounds

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL in CI"
    ),
]
WRITERS = 8


def test_eight_writers_cannot_overspend_a_ring_fence_or_pay_an_invoice_twice():
    world = build_world()
    fence = books.create_ring_fence(
        name="Grant", kind="public_health_grant", holder=world.council, actor=ACTOR, reason="test"
    )
    books.receive_grant(
        recipient=world.council,
        amount=pounds("£1,000.00"),
        on=START,
        description="grant",
        sector="public_health",
        ring_fence=fence,
        actor=ACTOR,
        reason="test",
    )
    grant = Account.objects.get(ring_fence=fence, purpose=Purpose.BUDGET)
    deal = contract(world, commissioner=world.council, sector="public_health")
    barrier = threading.Barrier(WRITERS)
    outcomes: list = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(5):
                # £30 a time: 8 × 5 × £30 = £1,200 asked of £1,000
                invoice = "SHARED" if (n < 2 and i == 0) else f"W{n}-{i}"
                try:
                    books.pay(
                        contract=deal,
                        amount=pounds("£30.00"),
                        on=date(2025, 5, 1),
                        invoice_number=invoice,
                        source=grant,
                        actor=ACTOR,
                        reason="race",
                    )
                    outcomes.append(("paid", invoice))
                except Refused as refusal:
                    outcomes.append(("refused", str(refusal)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    grant.refresh_from_db()
    paid = [o for o in outcomes if o[0] == "paid"]
    assert grant.balance_pence >= 0
    assert len(paid) == 33  # £990 of the £1,000: the 34th payment would overspend
    assert grant.balance_pence == pounds("£10.00").pence
    assert sum(1 for _, invoice in paid if invoice == "SHARED") == 1
    assert Transaction.objects.filter(invoice_number="SHARED").count() == 1
    assert any("already been paid" in text for kind, text in outcomes if kind == "refused")
    assert any("holds £" in text for kind, text in outcomes if kind == "refused")
