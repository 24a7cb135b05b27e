from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "openics.api"
    label = "api"
    verbose_name = "Read API"
