"""Whom the system is responsible for: the people on its practices' lists, or everyone who
lives in its area. Pure functions over plain data."""

from __future__ import annotations

from collections.abc import Iterator

from openics.regimes.model import CannotTell, Note, RuleContext


def responsible_for(
    ctx: RuleContext, *, counted_by: str, registered: int | None, residents: int | None
) -> Iterator[str]:
    """The system answers for the population the regime makes it answer for.

    `counted_by` is how the system's responsibility is found on the record: `registered`
    (the lists of its practices, with unregistered residents) or `resident` (everyone
    living in its area)."""
    spec = ctx.param("population.responsible_for")
    if not spec or spec["counts"] == counted_by:
        return
    if spec["counts"] == "resident":
        if registered is None or residents is None:
            yield CannotTell(
                "the record holds no count of the system's registered lists and residents "
                "to compare"
            )
            return
        gap = residents - registered
        yield Note(
            f"{registered:,} people are on its practices' lists and {residents:,} live in "
            f"its area (a difference of {gap:,})"
        )
        yield (
            f"the system answers for the people on its practices' lists, not for everyone "
            f"living in its area, as {ctx.regime.title} requires ({spec['basis']})"
        )
