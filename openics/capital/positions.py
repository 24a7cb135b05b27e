"""The capital plan against its limit: pure arithmetic on pence, no framework.

What counts against the system's capital resource use limit (CRL), as OpenICS reads it:
schemes funded from operational capital, leases (which score as capital under IFRS 16)
and on-balance-sheet PFI, gross; disposal proceeds spent on a scheme count too, since the
spend is capital, but the proceeds they come from are recorded elsewhere. Schemes of a
national programme carry their own national cover and are shown beside the limit, not
against it. The rule is ours, written down here so it can be argued with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

COUNTS_AGAINST_LIMIT = ("operational", "lease", "pfi", "disposal")
OUTSIDE_LIMIT = ("national_programme",)


@dataclass(frozen=True)
class Position:
    limit_pence: int | None
    against_limit_pence: int
    outside_limit_pence: int
    by_source_pence: dict[str, int]

    @property
    def headroom_pence(self) -> int | None:
        return None if self.limit_pence is None else self.limit_pence - self.against_limit_pence

    @property
    def over_limit(self) -> bool:
        return self.headroom_pence is not None and self.headroom_pence < 0


def position(limit_pence: int | None, costs: Iterable[tuple[str, int]]) -> Position:
    """`costs` are (funding source, pence) of the plan's schemes for one year."""
    by_source: dict[str, int] = {}
    for source, pence in costs:
        if source not in COUNTS_AGAINST_LIMIT + OUTSIDE_LIMIT:
            raise ValueError(f"{source!r} is not a funding source of a capital scheme")
        by_source[source] = by_source.get(source, 0) + pence
    return Position(
        limit_pence=limit_pence,
        against_limit_pence=sum(by_source.get(s, 0) for s in COUNTS_AGAINST_LIMIT),
        outside_limit_pence=sum(by_source.get(s, 0) for s in OUTSIDE_LIMIT),
        by_source_pence=by_source,
    )
