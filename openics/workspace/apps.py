from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "openics.workspace"
    label = "workspace"
    verbose_name = "Staff workspace"
