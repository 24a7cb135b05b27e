from django.apps import AppConfig


class HoldingsAppConfig(AppConfig):
    """A test-only app whose models hold organisations, as contracts and budgets will."""

    name = "tests.holdings_app"
    label = "holdings_app"
