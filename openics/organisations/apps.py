from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "openics.organisations"
    label = "organisations"
    verbose_name = "Organisations"
