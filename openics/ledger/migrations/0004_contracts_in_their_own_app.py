"""The books' links to contracts follow the contracts to their own app (state only: the
table is the same)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0001_initial"),
        ("ledger", "0003_alter_transaction_kind"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="account",
                    name="contract",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="accounts",
                        to="contracts.contract",
                    ),
                ),
                migrations.AlterField(
                    model_name="transaction",
                    name="contract",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="transactions",
                        to="contracts.contract",
                    ),
                ),
            ],
        ),
    ]
