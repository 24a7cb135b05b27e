"""Services and contracts move from the arranging app to their own (state only)."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

import openics.core.fields


class Migration(migrations.Migration):
    initial = True

    # The tables exist already: they were made by the arranging app (label commissioning),
    # whose models these were. This migration moves them in the project's state alone.

    dependencies = [
        ("organisations", "0002_owned_by"),
        ("commissioning", "0005_contract_forgets_its_decision"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Service",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("code", models.CharField(max_length=40, unique=True)),
                        ("name", models.CharField(max_length=200)),
                        ("description", models.TextField()),
                        (
                            "cpv_code",
                            models.CharField(
                                help_text="Common Procurement Vocabulary code, such as 85121000-3",
                                max_length=12,
                            ),
                        ),
                        (
                            "sector",
                            models.CharField(
                                choices=[
                                    ("primary", "Primary care"),
                                    ("community", "Community services"),
                                    ("mental_health", "Mental health"),
                                    ("acute", "Acute (hospital) care"),
                                    ("specialised", "Specialised services"),
                                    ("social_care", "Social care"),
                                    ("public_health", "Public health"),
                                    ("prescribing", "Prescribing"),
                                    ("running_costs", "Running costs"),
                                    ("unassigned", "Not yet assigned to a sector"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "population",
                            models.CharField(
                                blank=True, help_text="Who the service is for", max_length=200
                            ),
                        ),
                        (
                            "illustrative",
                            models.BooleanField(
                                default=False,
                                help_text="Made up for the demonstration, not a real service",
                            ),
                        ),
                        (
                            "commissioner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="services_commissioned",
                                to="organisations.organisation",
                            ),
                        ),
                        (
                            "place",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="services",
                                to="organisations.organisation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "commissioning_service",
                        "ordering": ["code"],
                    },
                ),
                migrations.CreateModel(
                    name="Contract",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("reference", models.CharField(max_length=40, unique=True)),
                        ("title", models.CharField(max_length=200)),
                        (
                            "sector",
                            models.CharField(
                                choices=[
                                    ("primary", "Primary care"),
                                    ("community", "Community services"),
                                    ("mental_health", "Mental health"),
                                    ("acute", "Acute (hospital) care"),
                                    ("specialised", "Specialised services"),
                                    ("social_care", "Social care"),
                                    ("public_health", "Public health"),
                                    ("prescribing", "Prescribing"),
                                    ("running_costs", "Running costs"),
                                    ("unassigned", "Not yet assigned to a sector"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("start", models.DateField()),
                        ("end", models.DateField()),
                        ("annual_value", openics.core.fields.MoneyField()),
                        (
                            "payment_mechanism",
                            models.CharField(
                                choices=[
                                    ("block", "Block (fixed monthly)"),
                                    (
                                        "blended",
                                        "Blended (fixed monthly plus a variable element on activity)",
                                    ),
                                    ("activity", "Activity-based"),
                                    ("grant", "Grant"),
                                ],
                                max_length=12,
                            ),
                        ),
                        (
                            "fixed_monthly",
                            openics.core.fields.MoneyField(
                                default=0, help_text="Blended or block: the fixed monthly element"
                            ),
                        ),
                        (
                            "unit_price",
                            openics.core.fields.MoneyField(
                                default=0, help_text="Blended or activity: the price per unit"
                            ),
                        ),
                        ("activity_unit", models.CharField(blank=True, max_length=60)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("standard", "Contract for services"),
                                    (
                                        "lead_provider",
                                        "Lead provider contract (a bundle of services)",
                                    ),
                                    (
                                        "icp",
                                        "Integrated care provider contract (a bundle of services)",
                                    ),
                                    ("framework", "Framework agreement"),
                                    ("subcontract", "Subcontract"),
                                ],
                                default="standard",
                                max_length=20,
                            ),
                        ),
                        (
                            "lifetime_value",
                            openics.core.fields.MoneyField(
                                default=0, help_text="Over the whole term, as it stands now"
                            ),
                        ),
                        (
                            "original_lifetime_value",
                            openics.core.fields.MoneyField(
                                default=0, help_text="Over the whole term, when entered into"
                            ),
                        ),
                        (
                            "extension_months",
                            models.PositiveIntegerField(
                                default=0,
                                help_text="How far the contract may be extended beyond its end, in months",
                            ),
                        ),
                        (
                            "commissioner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="contracts_commissioned",
                                to="organisations.organisation",
                            ),
                        ),
                        (
                            "place",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="place_contracts",
                                to="organisations.organisation",
                            ),
                        ),
                        (
                            "prime",
                            models.ForeignKey(
                                blank=True,
                                help_text="For a subcontract: the contract it sits under",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="subcontracts",
                                to="contracts.contract",
                            ),
                        ),
                        (
                            "provider",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="contracts_held",
                                to="organisations.organisation",
                            ),
                        ),
                        (
                            "services",
                            models.ManyToManyField(
                                blank=True,
                                db_table="commissioning_contract_services",
                                related_name="contracts",
                                to="contracts.service",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "commissioning_contract",
                        "ordering": ["reference"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("end__gte", models.F("start"))),
                                name="contract_ends_after_start",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("commissioner", models.F("provider")), _negated=True
                                ),
                                name="contract_between_two_bodies",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
