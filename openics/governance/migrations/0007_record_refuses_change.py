"""The database refuses to change or delete an entry of the record of decisions (the
application refused already). The chain itself needs no new data: every entry has carried
its hash since 0001."""

from django.db import migrations

from openics.core import immutable

MESSAGE = "the record of decisions is append-only: entries cannot change or be deleted"
FORWARD = immutable.forward("governance_recordentry", MESSAGE)
BACKWARD = immutable.backward("governance_recordentry")


class Migration(migrations.Migration):
    dependencies = [("governance", "0006_mental_health_expertise")]

    operations = [migrations.RunPython(immutable.run(FORWARD), immutable.run(BACKWARD))]
