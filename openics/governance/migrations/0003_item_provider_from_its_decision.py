"""Each provider selection item takes its provider and reference from its decision."""

from django.db import migrations


def provider_from_the_decision(apps, schema_editor):
    AgendaItem = apps.get_model("governance", "AgendaItem")
    for item in AgendaItem.objects.exclude(selection_decision=None).select_related(
        "selection_decision"
    ):
        item.provider_id = item.selection_decision.provider_id
        item.decision_reference = item.selection_decision.reference
        item.save(update_fields=["provider", "decision_reference"])


def decision_from_the_reference(apps, schema_editor):
    AgendaItem = apps.get_model("governance", "AgendaItem")
    SelectionDecision = apps.get_model("commissioning", "SelectionDecision")
    for item in AgendaItem.objects.exclude(decision_reference=""):
        item.selection_decision = SelectionDecision.objects.get(reference=item.decision_reference)
        item.save(update_fields=["selection_decision"])


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0002_item_names_its_provider"),
        ("commissioning", "0003_decision_points_at_contract_and_item"),
    ]

    operations = [migrations.RunPython(provider_from_the_decision, decision_from_the_reference)]
