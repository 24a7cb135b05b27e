"""An ICB's default places, decided from geography: one for each local authority that lies
mostly within it (or, with no geography loaded, where most of its practices' patients are)."""

from __future__ import annotations

from datetime import date

from openics.organisations.models import Organisation
from openics.organisations.places import create_places
from openics.population.responsibility import home_icbs


def create_default_places(*, icb: Organisation, on: date, actor, reason: str) -> list[Organisation]:
    """Creates the ICB's default places through the registry's service (audited there)."""
    homes, _method = home_icbs()
    authorities = [la for la, home in homes.items() if home.pk == icb.pk]
    return create_places(icb=icb, on=on, authorities=authorities, actor=actor, reason=reason)
