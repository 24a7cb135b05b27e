"""An agenda item no longer points at a selection decision (the decision points at it); a
provider selection item keeps what governance needs: the provider and the reference."""

import django.db.models.deletion
from django.db import migrations, models


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
        ("governance", "0001_initial"),
        ("commissioning", "0003_decision_points_at_contract_and_item"),
    ]

    operations = [
        migrations.AddField(
            model_name="agendaitem",
            name="provider",
            field=models.ForeignKey(
                blank=True,
                help_text="For a provider selection item: the provider the decision selects",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="board_items_selecting",
                to="organisations.organisation",
            ),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="decision_reference",
            field=models.CharField(
                blank=True,
                help_text="For a provider selection item: the reference of the decision it "
                "takes (the decision points at this item)",
                max_length=40,
            ),
        ),
        migrations.RunPython(provider_from_the_decision, decision_from_the_reference),
        migrations.RemoveField(model_name="agendaitem", name="selection_decision"),
    ]
