"""Places: the partnerships an ICB delegates to, each with an editable set of practices."""

from __future__ import annotations

from datetime import date, timedelta

from openics.core.audit import Auditor, service, snapshot
from openics.organisations import selectors
from openics.organisations.lifecycle import LifecycleError
from openics.organisations.models import (
    Organisation,
    OwnershipClass,
    Relationship,
    RelationshipKind,
)
from openics.regimes.vocabulary import BodyKind


@service("organisations.create_default_places")
def create_places(
    *, icb: Organisation, on: date, authorities, audit: Auditor
) -> list[Organisation]:
    """One place for each of the given local authorities (the ones that lie mostly within
    the ICB, which `population.places` decides from geography).

    Each place starts with the ICB's practices located in that authority; practices located
    outside all of them are left for an officer to place, practice by practice.
    """
    if icb.kind != BodyKind.ICB.value:
        raise LifecycleError(f"{icb.name} is not an integrated care board")
    existing = list(selectors.current_children(icb, BodyKind.PLACE))
    if existing:
        raise LifecycleError(
            f"{icb.name} already has {len(existing)} place(s); change their practices instead"
        )
    practices = list(selectors.current_children(icb, BodyKind.GP_PRACTICE))
    located = dict(
        Relationship.objects.current()
        .filter(kind=RelationshipKind.LOCATED_IN, child__in=practices)
        .values_list("child_id", "parent_id")
    )
    places = []
    authorities = Organisation.objects.filter(
        pk__in=[getattr(la, "pk", la) for la in authorities]
    ).order_by("name")
    for authority in authorities:
        place = Organisation.objects.create(
            kind=BodyKind.PLACE.value,
            name=f"{authority.name} place",
            ownership=OwnershipClass.NHS,
            legal_form="Place-based partnership (not a statutory body)",
            active_from=on,
            ons_code="",
        )
        audit.created(place)
        link = Relationship.objects.create(
            child=place, parent=icb, kind=RelationshipKind.WITHIN, active_from=on
        )
        audit.created(link)
        members = [
            Relationship(child=p, parent=place, kind=RelationshipKind.IN_PLACE, active_from=on)
            for p in practices
            if located.get(p.pk) == authority.pk
        ]
        Relationship.objects.bulk_create(members)
        audit.record_many([{"obj": m, "after": snapshot(m)} for m in members])
        places.append(place)
    return places


@service("organisations.move_practice_to_place")
def move_practice_to_place(
    *, practice: Organisation, place: Organisation, on: date, audit: Auditor
) -> None:
    """Moves a practice from its current place (if any) to another place of the same ICB."""
    icb = selectors.current_parent(place, BodyKind.ICB)
    if selectors.current_parent(practice, BodyKind.ICB) != icb:
        raise LifecycleError(
            f"{practice.name} is not a practice of {icb.name if icb else 'that ICB'}"
        )
    for link in Relationship.objects.current().filter(
        child=practice, kind=RelationshipKind.IN_PLACE
    ):
        before = snapshot(link)
        link.active_to = on - timedelta(days=1)
        link.save(update_fields=["active_to", "updated_at"])
        audit.changed(link, before)
    link = Relationship.objects.create(
        child=practice, parent=place, kind=RelationshipKind.IN_PLACE, active_from=on
    )
    audit.created(link)
