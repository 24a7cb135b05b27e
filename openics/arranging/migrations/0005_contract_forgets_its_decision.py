"""The contract's own link to its decision goes: the decision names its contract now."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("commissioning", "0004_links_move_to_the_decision")]

    operations = [migrations.RemoveField(model_name="contract", name="decision")]
