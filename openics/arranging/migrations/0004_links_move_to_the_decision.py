"""Each decision takes the contract that named it and the board item that took it."""

from django.db import migrations


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
        ("commissioning", "0003_decision_points_at_contract_and_item"),
        ("governance", "0002_item_names_its_provider"),
    ]

    operations = [migrations.RunPython(links_to_the_decision, links_to_the_contract)]
