"""Services and contracts leave this app for `contracts`; what points at them follows
(state only: the tables keep their names)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0005_contract_forgets_its_decision"),
        ("contracts", "0001_initial"),
        ("ledger", "0004_contracts_in_their_own_app"),
        ("governance", "0004_item_forgets_its_decision"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="selectiondecision",
                    name="contract",
                    field=models.OneToOneField(
                        blank=True,
                        help_text="The contract the decision led to, once awarded",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="decision",
                        to="contracts.contract",
                    ),
                ),
                migrations.AlterField(
                    model_name="selectiondecision",
                    name="existing_contract",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="renewed_by",
                        to="contracts.contract",
                    ),
                ),
                migrations.AlterField(
                    model_name="modification",
                    name="contract",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="modifications",
                        to="contracts.contract",
                    ),
                ),
                migrations.RemoveField(
                    model_name="service",
                    name="commissioner",
                ),
                migrations.RemoveField(
                    model_name="service",
                    name="place",
                ),
                migrations.AlterField(
                    model_name="selectiondecision",
                    name="services",
                    field=models.ManyToManyField(related_name="decisions", to="contracts.service"),
                ),
                migrations.DeleteModel(
                    name="Contract",
                ),
                migrations.DeleteModel(
                    name="Service",
                ),
            ],
        ),
    ]
