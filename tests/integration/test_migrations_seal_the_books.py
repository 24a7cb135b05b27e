"""Upgrading a database that holds postings and notices: the postings are sealed into a chain
(one seal per transaction, in the order written) and the notices go onto the record, so
`openics verify` holds from the first day."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from openics.governance import record
from openics.ledger import chain

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("core", "0002_importrun"),
    ("governance", "0006_mental_health_expertise"),
    ("ledger", "0004_contracts_in_their_own_app"),
    ("commissioning", "0007_decision_record_2025"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_books(apps):
    # The registry is at its latest schema (it is not migrated back here).
    from openics.organisations.models import Organisation

    icb = Organisation.objects.create(kind="icb", code="QXX", name="Test ICB", ownership="nhs")
    Account = apps.get_model("ledger", "Account")
    funding = Account.objects.create(
        key="X:funding", name="f", organisation_id=icb.pk, purpose="funding"
    )
    allocation = Account.objects.create(
        key="QXX:allocation", name="a", organisation_id=icb.pk, purpose="allocation"
    )
    Transaction = apps.get_model("ledger", "Transaction")
    Posting = apps.get_model("ledger", "Posting")
    for n, pence in enumerate((100_00, 250_00, 5_00), start=1):
        txn = Transaction.objects.create(
            number=f"T{n}",
            kind="allocation",
            effective_date=date(2025, 4, n),
            financial_year="2025/26",
            description="allocation",
            reason="before the chain",
        )
        Posting.objects.bulk_create(
            [
                Posting(
                    transaction=txn,
                    account=account,
                    amount_pence=amount,
                    effective_date=txn.effective_date,
                    financial_year="2025/26",
                )
                for account, amount in ((funding, -pence), (allocation, pence))
            ]
        )
    Notice = apps.get_model("commissioning", "Notice")
    Notice.objects.create(
        reference="N-1",
        kind="award",
        published_on=date(2025, 5, 1),
        platform="Find a Tender",
        regime_id="hca-2022",
        content=[["Notice", "Contract award notice"]],
    )


def test_upgrading_seals_the_postings_and_records_the_notices():
    _old_books(_migrate(BEFORE))
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    from openics.core.models import AuditEntry
    from openics.governance.models import RecordEntry
    from openics.ledger.models import PostingSeal

    seals = list(PostingSeal.objects.order_by("sequence"))
    assert [(s.postings, s.total_postings) for s in seals] == [(2, 2), (2, 4), (2, 6)]
    found = chain.recompute({3})
    assert not found.findings and found.at[3].head == seals[-1].hash
    [entry] = RecordEntry.objects.all()
    assert entry.kind == "notice" and entry.body["reference"] == "N-1"
    assert entry.body["title"] == "Contract award notice"
    assert AuditEntry.objects.get(object_type="governance.recordentry").after["hash"] == entry.hash
    assert record.verify().intact
