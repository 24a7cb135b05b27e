from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "openics.portal"
    label = "portal"
    verbose_name = "Public portal"
