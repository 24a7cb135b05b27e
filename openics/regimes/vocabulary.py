"""The words rules are written in: kinds of body and board, sectors of care, ways of paying."""

from enum import StrEnum


class BodyKind(StrEnum):
    DHSC = "dhsc"
    NHS_ENGLAND = "nhs_england"
    NHS_ENGLAND_REGION = "nhs_england_region"
    MONITOR = "monitor"
    NHS_TDA = "nhs_tda"
    CCG = "ccg"
    ICB = "icb"
    SUB_ICB_LOCATION = "sub_icb_location"
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
    BodyKind.SUB_ICB_LOCATION: "sub-ICB location",
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


class BoardKind(StrEnum):
    ICB_BOARD = "icb_board"
    ICB_COMMITTEE = "icb_committee"
    ICP = "icp"
    PLACE_COMMITTEE = "place_committee"
    JOINT_COMMITTEE = "joint_committee"
    CCG_GOVERNING_BODY = "ccg_governing_body"


BOARD_KIND_LABELS: dict[str, str] = {
    "icb_board": "ICB board",
    "icb_committee": "committee of an ICB board",
    "icp": "integrated care partnership",
    "place_committee": "place committee",
    "joint_committee": "joint committee of ICBs",
    "ccg_governing_body": "CCG governing body",
}

# The body a board belongs to: a board can only exist where its body can.
BOARD_HOST_KIND: dict[str, str] = {
    "icb_board": "icb",
    "icb_committee": "icb",
    "icp": "icp",
    "place_committee": "icb",
    "joint_committee": "icb",
    "ccg_governing_body": "ccg",
}

BOARD_ROLE_LABELS: dict[str, str] = {
    "chair": "chair",
    "chief_executive": "chief executive",
    "finance_director": "director of finance",
    "medical_director": "medical director",
    "nursing_director": "director of nursing",
    "non_executive": "non-executive member",
    "partner_trusts": "partner member (NHS trusts and foundation trusts)",
    "partner_primary_medical": "partner member (primary medical services)",
    "partner_local_authority": "partner member (local authorities)",
    "lay_member": "lay member",
    "registered_nurse": "registered nurse member",
    "secondary_care_doctor": "secondary care specialist doctor",
    "gp_member": "GP member",
    "local_authority_member": "local authority member",
    "other": "other member",
}

INTEREST_LABELS: dict[str, str] = {
    "financial": "financial",
    "non_financial_professional": "non-financial professional",
    "non_financial_personal": "non-financial personal",
    "indirect": "indirect",
}


class Sector(StrEnum):
    """The sector of care a service, contract or budget belongs to (ring-fences follow it)."""

    PRIMARY = "primary"
    COMMUNITY = "community"
    MENTAL_HEALTH = "mental_health"
    ACUTE = "acute"
    SPECIALISED = "specialised"
    SOCIAL_CARE = "social_care"
    PUBLIC_HEALTH = "public_health"
    PRESCRIBING = "prescribing"
    RUNNING_COSTS = "running_costs"
    UNASSIGNED = "unassigned"

    @property
    def label(self) -> str:
        return SECTOR_LABELS[self]


SECTOR_LABELS: dict[Sector, str] = {
    Sector.PRIMARY: "Primary care",
    Sector.COMMUNITY: "Community services",
    Sector.MENTAL_HEALTH: "Mental health",
    Sector.ACUTE: "Acute (hospital) care",
    Sector.SPECIALISED: "Specialised services",
    Sector.SOCIAL_CARE: "Social care",
    Sector.PUBLIC_HEALTH: "Public health",
    Sector.PRESCRIBING: "Prescribing",
    Sector.RUNNING_COSTS: "Running costs",
    Sector.UNASSIGNED: "Not yet assigned to a sector",
}


class PaymentMechanism(StrEnum):
    """How a contract pays its provider."""

    BLOCK = "block"
    BLENDED = "blended"
    ACTIVITY = "activity"
    GRANT = "grant"

    @property
    def label(self) -> str:
        return PAYMENT_MECHANISM_LABELS[self]


PAYMENT_MECHANISM_LABELS: dict[PaymentMechanism, str] = {
    PaymentMechanism.BLOCK: "Block (fixed monthly)",
    PaymentMechanism.BLENDED: "Blended (fixed monthly plus a variable element on activity)",
    PaymentMechanism.ACTIVITY: "Activity-based",
    PaymentMechanism.GRANT: "Grant",
}
