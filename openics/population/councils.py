"""The councils of England as they have been since 1 April 2023, and the ones they replaced.

On 1 April 2023 three structural changes orders replaced two-tier counties by unitary
councils: North Yorkshire (its county council and seven districts), Cumbria (county and six
districts, split between Cumberland and Westmorland and Furness) and Somerset (county and
four districts). NHS England's practice files and the ONS small-area lookup of 2022 still
name the old districts, so the registry may hold them; everything that counts councils
counts each under the council that now serves its area.
"""

from __future__ import annotations

from datetime import date

REORGANISED_ON = date(2023, 4, 1)

# ONS code of an abolished council → ONS code of the council that serves its area now.
SUCCESSORS_2023: dict[str, str] = {
    # The Cumbria (Structural Changes) Order 2022
    "E07000026": "E06000063",  # Allerdale → Cumberland
    "E07000028": "E06000063",  # Carlisle → Cumberland
    "E07000029": "E06000063",  # Copeland → Cumberland
    "E07000027": "E06000064",  # Barrow-in-Furness → Westmorland and Furness
    "E07000030": "E06000064",  # Eden → Westmorland and Furness
    "E07000031": "E06000064",  # South Lakeland → Westmorland and Furness
    # The North Yorkshire (Structural Changes) Order 2022
    "E10000023": "E06000065",  # North Yorkshire County Council → North Yorkshire Council
    "E07000163": "E06000065",  # Craven
    "E07000164": "E06000065",  # Hambleton
    "E07000165": "E06000065",  # Harrogate
    "E07000166": "E06000065",  # Richmondshire
    "E07000167": "E06000065",  # Ryedale
    "E07000168": "E06000065",  # Scarborough
    "E07000169": "E06000065",  # Selby
    # The Somerset (Structural Changes) Order 2022
    "E10000027": "E06000066",  # Somerset County Council → Somerset Council
    "E07000187": "E06000066",  # Mendip
    "E07000188": "E06000066",  # Sedgemoor
    "E07000189": "E06000066",  # South Somerset
    "E07000246": "E06000066",  # Somerset West and Taunton
}
# Cumbria County Council (E10000006) was split between the two new councils, so it has
# no single successor; its districts say which part went where.
ABOLISHED_2023 = set(SUCCESSORS_2023) | {"E10000006"}
SOURCE = (
    "The Cumbria, North Yorkshire and Somerset (Structural Changes) Orders 2022 "
    "in force 1 April 2023"
)


def council_now(ons_code: str) -> str:
    """The ONS code of the council serving that area since April 2023."""
    return SUCCESSORS_2023.get(ons_code, ons_code)


def is_district_code(ons_code: str) -> bool:
    """A lower-tier or unitary council (E06 unitary, E07 district, E08 metropolitan, E09 London)."""
    return ons_code[:3] in {"E06", "E07", "E08", "E09"}


def is_upper_tier_code(ons_code: str) -> bool:
    """A council with social care and public health: a county (E10) or a single-tier council."""
    return ons_code[:3] in {"E06", "E08", "E09", "E10"}
