from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "openics.commissioning"
    label = "commissioning"
    verbose_name = "Commissioning"
