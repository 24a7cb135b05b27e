"""The item's own link to a selection decision goes: the decision names its item now."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0003_item_provider_from_its_decision"),
        # the decisions have taken their items from this link first
        ("commissioning", "0004_links_move_to_the_decision"),
    ]

    operations = [migrations.RemoveField(model_name="agendaitem", name="selection_decision")]
