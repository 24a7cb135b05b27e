from django.apps import AppConfig


class PopulationConfig(AppConfig):
    name = "openics.population"
    label = "population"
    verbose_name = "Population"

    def ready(self) -> None:
        from openics.population.models import (
            register_overlap_combiner,
            register_population_combiner,
        )

        register_population_combiner()
        register_overlap_combiner()
