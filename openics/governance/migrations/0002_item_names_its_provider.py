"""An agenda item no longer points at a selection decision (the decision points at it); a
provider selection item keeps what governance needs: the provider and the reference."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0001_initial"),
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
    ]
