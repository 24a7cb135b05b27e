"""Upgrading a database that holds decisions: the links move to the decision, nothing is lost.

Before the layout of ADR 0013 a contract named the decision that awarded it and a board item
named the decision it took; now the decision names both, and the item keeps its provider.
This builds the old schema with a decision, its contract and its board item, migrates to
the current one, and checks every link arrived. On PostgreSQL it also shows the data moves
in transactions apart from the ALTER TABLEs (which refuse to run with updates pending).
"""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("commissioning", "0002_provider_selection"),
    ("governance", "0001_initial"),
    ("ledger", "0003_alter_transaction_kind"),
    ("organisations", "0002_owned_by"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_record(apps):
    Organisation = apps.get_model("organisations", "Organisation")
    icb = Organisation.objects.create(kind="icb", code="QXX", name="Test ICB", ownership="nhs")
    trust = Organisation.objects.create(
        kind="nhs_trust", code="RXX", name="Test Trust", ownership="nhs"
    )
    Service = apps.get_model("commissioning", "Service")
    service = Service.objects.create(
        code="S-1",
        name="Nursing",
        description="Community nursing",
        cpv_code="85141000-9",
        sector="community",
        commissioner=icb,
    )
    Decision = apps.get_model("commissioning", "SelectionDecision")
    decision = Decision.objects.create(
        reference="DEC-1",
        title="Nursing",
        regime_id="hca-2022",
        commissioner=icb,
        provider=trust,
        provider_address="1 High Street",
        process="direct_award_c",
        decided_on=date(2025, 1, 15),
        status="awarded",
        sector="community",
        proposed_start=date(2025, 4, 1),
        proposed_end=date(2029, 3, 31),
        annual_value=100,
        lifetime_value=400,
        payment_mechanism="block",
        reasons="Renewal",
    )
    decision.services.set([service])
    Contract = apps.get_model("commissioning", "Contract")
    contract = Contract.objects.create(
        reference="DEC-1",
        title="Nursing",
        commissioner=icb,
        provider=trust,
        sector="community",
        start=date(2025, 4, 1),
        end=date(2029, 3, 31),
        annual_value=100,
        payment_mechanism="block",
        decision=decision,
    )
    Contract.objects.create(  # a contract with no decision keeps none
        reference="OLD-1",
        title="Older",
        commissioner=icb,
        provider=trust,
        sector="community",
        start=date(2020, 4, 1),
        end=date(2025, 3, 31),
        annual_value=100,
        payment_mechanism="block",
    )
    Board = apps.get_model("governance", "Board")
    board = Board.objects.create(
        slug="qxx-board",
        name="Test board",
        kind="icb_board",
        organisation=icb,
        established_on=date(2022, 7, 1),
    )
    meeting = apps.get_model("governance", "Meeting").objects.create(
        board=board, reference="qxx-board-2025-01-15", held_on=date(2025, 1, 15), title="Board"
    )
    AgendaItem = apps.get_model("governance", "AgendaItem")
    AgendaItem.objects.create(
        meeting=meeting,
        number="2",
        title="DEC-1",
        kind="provider_selection",
        selection_decision=decision,
    )
    AgendaItem.objects.create(meeting=meeting, number="1", title="Apologies", kind="noting")
    return contract.pk


def test_upgrading_moves_every_link_to_the_decision():
    _migrate(BEFORE)
    contract_pk = _old_record(_migrate(BEFORE))
    apps = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    decision = apps.get_model("commissioning", "SelectionDecision").objects.get(reference="DEC-1")
    assert decision.contract_id == contract_pk
    item = apps.get_model("governance", "AgendaItem").objects.get(number="2")
    assert decision.agenda_item_id == item.pk
    assert item.decision_reference == "DEC-1" and item.provider_id == decision.provider_id
    noting = apps.get_model("governance", "AgendaItem").objects.get(number="1")
    assert noting.decision_reference == "" and noting.provider_id is None
    Contract = apps.get_model("contracts", "Contract")
    assert Contract.objects.count() == 2  # the same table, now the contracts app's
    assert [s.code for s in Contract.objects.get(pk=contract_pk).services.all()] == []
    assert [s.code for s in decision.services.all()] == ["S-1"]
