"""The registry's part of `openics check`."""

from __future__ import annotations

from datetime import date, timedelta

from openics.core.checks import CheckResult, register


@register("registry", order=10)
def registry(on: date) -> list[CheckResult]:
    """The registry keeps its own promises: nothing current hangs off a closed body."""
    from django.db.models import Count, Q

    from openics.organisations.lifecycle import holding_fields, is_history
    from openics.organisations.models import Organisation, Relationship

    results = []
    dangling = (
        Relationship.objects.current()
        .filter(Q(child__active_to__isnull=False) | Q(parent__active_to__isnull=False))
        .count()
    )
    results.append(
        CheckResult(
            "Registry links",
            dangling == 0,
            "no current link touches a closed body"
            if dangling == 0
            else f"{dangling} current link(s) touch a closed body",
        )
    )
    orphans = []
    for holding in holding_fields():
        n = holding.model._default_manager.filter(
            **{f"{holding.field_name}__active_to__isnull": False}
        )
        if holding.model._meta.label_lower == "population.practicepopulation":
            continue  # the lists of practices that closed stay with them, as history
        # A closed body's records of years that ended before it closed are its history.
        held = [
            r
            for r in n.select_related(holding.field_name)
            if not is_history(r, getattr(r, holding.field_name).active_to + timedelta(days=1))
        ]
        if held:
            orphans.append(f"{len(held)} {holding.label}")
    results.append(
        CheckResult(
            "Registry holdings",
            not orphans,
            "nothing is held by a closed body (but its records of years before it closed)"
            if not orphans
            else "held by closed bodies: " + ", ".join(orphans),
        )
    )
    multi = (
        Relationship.objects.current()
        .filter(kind="within", child__kind="gp_practice", parent__kind="icb")
        .values("child")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    practices = Organisation.objects.in_service().filter(kind="gp_practice").count()
    dormant = Organisation.objects.current().filter(kind="gp_practice", dormant=True).count()
    results.append(
        CheckResult(
            "Practices",
            multi == 0,
            f"{practices:,} active practices ({dormant:,} dormant besides), each in at most one ICB"
            if multi == 0
            else f"{multi} practice(s) are in more than one ICB at once",
        )
    )
    return results
