from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "openics.allocation"
    label = "allocation"
    verbose_name = "Allocation"
