from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "openics.ledger"
    label = "ledger"
    verbose_name = "Ledger"
