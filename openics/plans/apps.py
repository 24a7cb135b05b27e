from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "openics.plans"
    label = "plans"
    verbose_name = "Plans and strategy"
