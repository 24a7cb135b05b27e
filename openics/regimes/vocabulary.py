"""The words rules are written in: the kinds of body an English health system can have."""

from enum import StrEnum


class BodyKind(StrEnum):
    DHSC = "dhsc"
    NHS_ENGLAND = "nhs_england"
    NHS_ENGLAND_REGION = "nhs_england_region"
    MONITOR = "monitor"
    NHS_TDA = "nhs_tda"
    CCG = "ccg"
    ICB = "icb"
    ICP = "icp"
    PLACE = "place"
    NHS_TRUST = "nhs_trust"
    FOUNDATION_TRUST = "foundation_trust"
    GP_PRACTICE = "gp_practice"
    PCN = "pcn"
    LOCAL_AUTHORITY = "local_authority"
    HEALTH_AND_WELLBEING_BOARD = "health_and_wellbeing_board"
    PROVIDER_COLLABORATIVE = "provider_collaborative"
    CLINICAL_NETWORK = "clinical_network"
    INDEPENDENT_PROVIDER = "independent_provider"
    VOLUNTARY_PROVIDER = "voluntary_provider"

    @property
    def label(self) -> str:
        return BODY_KIND_LABELS[self]


BODY_KIND_LABELS: dict[BodyKind, str] = {
    BodyKind.DHSC: "Department of Health and Social Care",
    BodyKind.NHS_ENGLAND: "NHS England",
    BodyKind.NHS_ENGLAND_REGION: "NHS England region",
    BodyKind.MONITOR: "Monitor",
    BodyKind.NHS_TDA: "NHS Trust Development Authority",
    BodyKind.CCG: "clinical commissioning group",
    BodyKind.ICB: "integrated care board",
    BodyKind.ICP: "integrated care partnership",
    BodyKind.PLACE: "place-based partnership",
    BodyKind.NHS_TRUST: "NHS trust",
    BodyKind.FOUNDATION_TRUST: "NHS foundation trust",
    BodyKind.GP_PRACTICE: "GP practice",
    BodyKind.PCN: "primary care network",
    BodyKind.LOCAL_AUTHORITY: "local authority",
    BodyKind.HEALTH_AND_WELLBEING_BOARD: "health and wellbeing board",
    BodyKind.PROVIDER_COLLABORATIVE: "provider collaborative",
    BodyKind.CLINICAL_NETWORK: "clinical network",
    BodyKind.INDEPENDENT_PROVIDER: "independent sector provider",
    BodyKind.VOLUNTARY_PROVIDER: "voluntary or community sector provider",
}
