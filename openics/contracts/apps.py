from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "openics.contracts"
    label = "contracts"
    verbose_name = "Services and contracts"
