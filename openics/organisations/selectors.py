"""Named reads of the registry, for pages, the API and the CLI."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q

from openics.organisations.models import (
    Organisation,
    Relationship,
    RelationshipKind,
    Succession,
)
from openics.regimes.vocabulary import BodyKind


class OrganisationNotFound(LookupError):
    """No body, or more than one, has the code asked for."""

    def __init__(self, code: str, found: int, kind: str | None = None) -> None:
        self.code, self.found, self.kind = code, found, kind
        what = f"{kind} " if kind else ""
        problem = "is in the registry" if not found else "match; expected exactly one"
        if not found:
            message = f"no {what}organisation with the code {code!r} {problem}"
        else:
            message = f"{found} {what}organisations with the code {code!r} {problem}"
        super().__init__(message)


def organisation_by_code(code: str, *, kind: BodyKind | str | None = None) -> Organisation:
    """The one body an ODS code names, or failing that an ONS code (a council's, say).

    Places carry their ICB's code beside their own name, so they are found only when asked
    for by kind. Raises OrganisationNotFound when no body, or more than one, has the code.
    """
    code = str(code or "").strip().upper()
    bodies = Organisation.objects.all()
    if kind:
        bodies = bodies.filter(kind=BodyKind(kind).value)
    else:
        bodies = bodies.exclude(kind=BodyKind.PLACE.value)
    found = list(bodies.filter(code=code)[:2]) if code else []
    if not found and code:
        found = list(bodies.filter(ons_code=code)[:2])
    if len(found) != 1:
        raise OrganisationNotFound(code, len(found), str(kind) if kind else None)
    return found[0]


def current_parent(org: Organisation, parent_kind: BodyKind, link=RelationshipKind.WITHIN):
    link = (
        Relationship.objects.current()
        .filter(child=org, kind=link, parent__kind=parent_kind.value)
        .select_related("parent")
        .first()
    )
    return link.parent if link else None


def current_children(org: Organisation, child_kind: BodyKind, link=RelationshipKind.WITHIN):
    return Organisation.objects.filter(
        parent_links__parent=org,
        parent_links__kind=link,
        parent_links__active_to__isnull=True,
        kind=child_kind.value,
    )


def icb_local_authorities(icb: Organisation):
    """Local authority districts where the ICB's practices are, with how many practices."""
    return (
        Organisation.objects.filter(
            kind=BodyKind.LOCAL_AUTHORITY.value,
            child_links__kind=RelationshipKind.LOCATED_IN,
            child_links__active_to__isnull=True,
            child_links__child__parent_links__parent=icb,
            child_links__child__parent_links__kind=RelationshipKind.WITHIN,
            child_links__child__parent_links__active_to__isnull=True,
        )
        .annotate(practices=Count("child_links", distinct=True))
        .order_by("name")
    )


def providers_by_ownership(icb: Organisation) -> dict[str, list[Organisation]]:
    """Bodies within the ICB that provide care (trusts, practices, others), by ownership class."""
    provider_kinds = [
        BodyKind.NHS_TRUST.value,
        BodyKind.FOUNDATION_TRUST.value,
        BodyKind.GP_PRACTICE.value,
        BodyKind.INDEPENDENT_PROVIDER.value,
        BodyKind.VOLUNTARY_PROVIDER.value,
    ]
    grouped: dict[str, list[Organisation]] = defaultdict(list)
    for org in (
        Organisation.objects.current()
        .filter(
            kind__in=provider_kinds,
            parent_links__parent=icb,
            parent_links__active_to__isnull=True,
        )
        .distinct()
    ):
        grouped[org.get_ownership_display()].append(org)
    return dict(sorted(grouped.items()))


def search(text: str, limit: int = 50):
    return Organisation.objects.search(text).order_by("active_to", "name")[:limit]


def places_with_practices(icb: Organisation):
    """The ICB's current places, each with how many practices it holds."""
    return (
        current_children(icb, BodyKind.PLACE)
        .annotate(
            practices=Count(
                "child_links",
                filter=Q(
                    child_links__kind=RelationshipKind.IN_PLACE, child_links__active_to__isnull=True
                ),
            )
        )
        .order_by("name")
    )


def unplaced_practices(icb: Organisation):
    """The ICB's practices that belong to none of its places (once it has places)."""
    if not current_children(icb, BodyKind.PLACE).exists():
        return Organisation.objects.none()
    placed = Relationship.objects.current().filter(kind=RelationshipKind.IN_PLACE)
    return (
        current_children(icb, BodyKind.GP_PRACTICE)
        .exclude(pk__in=placed.values("child_id"))
        .order_by("name")
    )


def successions_from(org: Organisation):
    """Who succeeded the body (one for a merger, several for a split), with the day."""
    return Succession.objects.filter(predecessor=org).select_related("successor")


def successions_into(org: Organisation):
    """Whom the body succeeded, with the day: their records stay on their own pages."""
    return Succession.objects.filter(successor=org).select_related("predecessor")
