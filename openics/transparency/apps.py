from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "openics.transparency"
    label = "transparency"
    verbose_name = "Transparency portal"
