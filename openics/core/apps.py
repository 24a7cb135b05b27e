from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openics.core"
    label = "core"
    verbose_name = "Core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from openics.core import deploy_checks  # noqa: F401  (registers the system checks)
