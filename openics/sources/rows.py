"""The rows the readers produce. Plain data; the importers turn them into records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Weighted-population components of NHS England's allocation formula, as named in the
# place-based tool files (our name → meaning).
WEIGHTED_COMPONENTS: dict[str, str] = {
    "general_and_acute": "General and acute",
    "community": "Community services",
    "mental_health": "Mental health",
    "maternity": "Maternity",
    "health_inequalities": "Health inequalities",
    "prescribing": "Prescribing",
    "core": "Overall core (final weighted population)",
    "primary_medical_care": "Primary medical care",
    "primary_medical_care_final": "Final primary medical care",
}


@dataclass(frozen=True)
class PracticeRow:
    """One GP practice from NHS England's ICB place-based allocation tool file."""

    line: int
    practice_code: str
    practice_name: str
    postcode: str
    latitude: Decimal | None
    longitude: Decimal | None
    pcn_code: str  # may be blank in some years
    pcn_name: str
    sub_icb_code: str  # LOC; may be blank
    sub_icb_name: str
    icb_code: str
    icb_name: str
    region_code: str
    region_name: str
    lad_code: str  # lower-tier (or unitary) local authority, ONS code
    lad_name: str
    utla_code: str  # upper tier; may be blank
    utla_name: str
    registered_patients: Decimal  # "Patients": registered list (an average, so not whole)
    population: Decimal  # the population the weights apply to ("Population" / "pop 2022/23")
    weighted: dict[str, Decimal] = field(default_factory=dict)  # WEIGHTED_COMPONENTS keys


@dataclass(frozen=True)
class OdsOrganisationRow:
    """One organisation from a headerless ODS CSV (epraccur, etr, eccg), in either layout."""

    line: int
    code: str
    name: str
    region_code: str  # national grouping
    icb_code: str  # high-level health geography
    address: tuple[str, ...]
    postcode: str
    open_date: date | None
    close_date: date | None
    # What the status column means, whichever word the layout uses: "active", "closed",
    # "dormant", "proposed", or "" where the layout has no status (etr, eccg).
    status: str
    sub_type: str
    commissioner_code: str  # sub-ICB location
    setting: str  # legacy prescribing setting (epraccur: 4 = GP practice); "" in the DSE layout
    roles: tuple[str, ...] = ()  # ODS role codes (DSE epraccur col 26, eccg col 14), e.g. RO76


@dataclass(frozen=True)
class PcnRow:
    line: int
    code: str
    name: str
    sub_icb_code: str
    open_date: date | None
    close_date: date | None
    postcode: str


@dataclass(frozen=True)
class PcnMemberRow:
    line: int
    practice_code: str
    pcn_code: str
    start_date: date | None
    end_date: date | None


@dataclass(frozen=True)
class PracticeMapRow:
    """Practice → PCN → sub-ICB → ICB → region, from NHS Digital's registered patients map."""

    line: int
    extract_date: date
    practice_code: str
    practice_name: str
    postcode: str
    pcn_code: str
    pcn_name: str
    sub_icb_code: str
    sub_icb_name: str
    icb_code: str
    icb_ons_code: str
    icb_name: str
    region_code: str
    region_name: str


@dataclass(frozen=True)
class LsoaLookupRow:
    """One small area (LSOA 2011) with its sub-ICB, ICB and local authority (2022)."""

    line: int
    lsoa_code: str
    lsoa_name: str
    sub_icb_code: str  # NHS three-character code
    icb_code: str  # NHS Qxx code
    icb_ons_code: str
    lad_code: str
    lad_name: str


@dataclass(frozen=True)
class DeprivationRow:
    """Index of Multiple Deprivation summary for one area (a local authority or an ICB)."""

    line: int
    area_code: str
    area_name: str
    imd_score: Decimal | None
    imd_rank: int | None
    extra: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class ResidentRow:
    """One area of ONS's mid-year population estimates: usual residents by single year of age.

    `ages` holds 91 counts: ages 0 to 89, then 90 and over. `county_code` is the county or
    metropolitan county the file lists the area under (blank when none), `region_code` the
    region (blank for a country or a region).
    """

    line: int
    code: str
    name: str
    geography: str  # the file's own word: Country, Region, County, Unitary Authority…
    all_ages: int
    ages: tuple[int, ...]
    county_code: str
    region_code: str
