"""The links between a decision, its contract and its board item point from the decision.

Before: a contract named the decision that awarded it, and an agenda item named the
decision it took. Arranging sits above contracts and governance, so the decision now names
both; the data moves with the links.
"""

import django.db.models.deletion
from django.db import migrations, models


def links_to_the_decision(apps, schema_editor):
    Contract = apps.get_model("commissioning", "Contract")
    SelectionDecision = apps.get_model("commissioning", "SelectionDecision")
    AgendaItem = apps.get_model("governance", "AgendaItem")
    for contract in Contract.objects.exclude(decision=None).order_by("-created_at"):
        # The earliest contract a decision led to is its contract (as the old property had it).
        SelectionDecision.objects.filter(pk=contract.decision_id).update(contract=contract)
    items = AgendaItem.objects.exclude(selection_decision=None).order_by("meeting__held_on")
    for item in items:
        SelectionDecision.objects.filter(pk=item.selection_decision_id).update(agenda_item=item)


def links_to_the_contract(apps, schema_editor):
    Contract = apps.get_model("commissioning", "Contract")
    SelectionDecision = apps.get_model("commissioning", "SelectionDecision")
    AgendaItem = apps.get_model("governance", "AgendaItem")
    for decision in SelectionDecision.objects.exclude(contract=None):
        Contract.objects.filter(pk=decision.contract_id).update(decision=decision)
    for decision in SelectionDecision.objects.exclude(agenda_item=None):
        AgendaItem.objects.filter(pk=decision.agenda_item_id).update(selection_decision=decision)


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0002_provider_selection"),
        ("governance", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="selectiondecision",
            name="contract",
            field=models.OneToOneField(
                blank=True,
                help_text="The contract the decision led to, once awarded",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="commissioning.contract",
            ),
        ),
        migrations.AddField(
            model_name="selectiondecision",
            name="agenda_item",
            field=models.ForeignKey(
                blank=True,
                help_text="The board agenda item at which the decision was taken, where it was",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="selection_decisions",
                to="governance.agendaitem",
            ),
        ),
        migrations.RunPython(links_to_the_decision, links_to_the_contract),
        migrations.RemoveField(model_name="contract", name="decision"),
    ]
