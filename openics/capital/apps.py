from django.apps import AppConfig


class CapitalConfig(AppConfig):
    name = "openics.capital"
    label = "capital"
    verbose_name = "Capital and PFI"
