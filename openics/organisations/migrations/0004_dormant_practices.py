"""Dormant practices (neither active nor closed) and sub-ICB locations as a kind of body."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0003_successions"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="dormant",
            field=models.BooleanField(
                default=False,
                help_text="ODS lists it as dormant: not closed, and keeping its links, but not providing services now",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="kind",
            field=models.CharField(
                choices=[
                    ("dhsc", "Department of Health and Social Care"),
                    ("nhs_england", "NHS England"),
                    ("nhs_england_region", "NHS England region"),
                    ("monitor", "Monitor"),
                    ("nhs_tda", "NHS Trust Development Authority"),
                    ("ccg", "clinical commissioning group"),
                    ("icb", "integrated care board"),
                    ("sub_icb_location", "sub-ICB location"),
                    ("icp", "integrated care partnership"),
                    ("place", "place-based partnership"),
                    ("nhs_trust", "NHS trust"),
                    ("foundation_trust", "NHS foundation trust"),
                    ("gp_practice", "GP practice"),
                    ("pcn", "primary care network"),
                    ("local_authority", "local authority"),
                    ("health_and_wellbeing_board", "health and wellbeing board"),
                    ("provider_collaborative", "provider collaborative"),
                    ("clinical_network", "clinical network"),
                    ("independent_provider", "independent sector provider"),
                    ("voluntary_provider", "voluntary or community sector provider"),
                ],
                db_index=True,
                max_length=40,
            ),
        ),
    ]
