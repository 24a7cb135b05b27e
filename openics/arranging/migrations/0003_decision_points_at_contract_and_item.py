"""The links between a decision, its contract and its board item point from the decision.

Before: a contract named the decision that awarded it, and an agenda item named the
decision it took. Arranging sits above contracts and governance, so the decision now names
both. The data moves in the next migration and the old links go after it, each in a
transaction of its own (PostgreSQL will not alter a table with updates pending).
"""

import django.db.models.deletion
from django.db import migrations, models


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
    ]
