from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "openics.governance"
    label = "governance"
    verbose_name = "Governance"
