from django.apps import AppConfig


class ArrangingConfig(AppConfig):
    name = "openics.arranging"
    # The label of the app's first name, so its tables and migrations stay as they are.
    label = "commissioning"
    verbose_name = "Arranging services"
