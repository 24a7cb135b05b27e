"""Illustrative capital for the Black Country: limits, a capital plan, and PFI schemes.

No system's capital plan or its trusts' PFI charges are in the data we ship, so all of
it is made up, and every record carries `illustrative`. The PFI file is in the layout of
HM Treasury's PFI and PF2 summary data (with a school of another department, which the
import leaves out). Its unitary charges for 2025/26 are paid in the books from each trust
to its partner, before the trusts' own costs, so `openics money trace` shows them.
"""

from __future__ import annotations

from pathlib import Path

from openics.capital.models import CapitalLimit, PfiScheme
from openics.capital.services import import_pfi, plan_scheme, set_limit
from openics.kernel.money import Money
from openics.organisations.models import Organisation

PFI_FILE = Path(__file__).parent / "data" / "pfi_illustrative.csv"
SOURCE = "Illustrative: made up for the demonstration, not a published limit"
LIMITS = {"2025/26": "£98,000,000", "2026/27": "£101,000,000", "2027/28": "£92,000,000"}
# (reference, provider, name, purpose, funding source, {year: cost})
SCHEMES = [
    (
        "BC-CAP-01",
        "RNA",
        "Emergency department expansion",
        "More majors cubicles and a same-day emergency care unit",
        "operational",
        {"2025/26": "£14,500,000", "2026/27": "£21,000,000", "2027/28": "£6,000,000"},
    ),
    (
        "BC-CAP-02",
        "RL4",
        "Community diagnostic centre",
        "CT, MRI and endoscopy outside the acute site",
        "national_programme",
        {"2025/26": "£18,000,000", "2026/27": "£9,500,000"},
    ),
    (
        "BC-CAP-03",
        "RBK",
        "Backlog maintenance and fire safety",
        "Critical infrastructure risk on the Manor Hospital site",
        "operational",
        {"2025/26": "£22,000,000", "2026/27": "£24,000,000", "2027/28": "£25,000,000"},
    ),
    (
        "BC-CAP-04",
        "RXK",
        "Imaging equipment replacement",
        "Replacing end-of-life CT and MRI scanners",
        "lease",
        {"2025/26": "£8,200,000", "2026/27": "£8,200,000", "2027/28": "£8,200,000"},
    ),
    (
        "BC-CAP-05",
        "TAJ",
        "Mental health inpatient reprovision",
        "Single-room inpatient wards replacing dormitory wards",
        "operational",
        {"2025/26": "£19,000,000", "2026/27": "£31,000,000", "2027/28": "£40,000,000"},
    ),
    (
        "BC-CAP-06",
        "RNA",
        "Sale of surplus land",
        "Proceeds of a surplus car park reinvested in the estate",
        "disposal",
        {"2026/27": "£4,000,000"},
    ),
]


def _trust(code: str) -> Organisation | None:
    return Organisation.objects.filter(
        code=code, kind__in=["nhs_trust", "foundation_trust"], active_to__isnull=True
    ).first()


def load_plan(actor, reason: str) -> None:
    """The capital limits and plan of NHS Black Country ICB (illustrative)."""
    icb = Organisation.objects.filter(kind="icb", code="QUA").first()
    if icb is None or CapitalLimit.objects.filter(icb=icb).exists():
        return
    who = {"actor": actor, "reason": reason}
    for year, amount in LIMITS.items():
        set_limit(
            icb=icb,
            financial_year=year,
            amount=Money.parse(amount),
            source=SOURCE,
            illustrative=True,
            **who,
        )
    for reference, code, name, purpose, funding, costs in SCHEMES:
        provider = _trust(code)
        if provider is None:
            continue
        plan_scheme(
            reference=reference,
            icb=icb,
            provider=provider,
            name=name,
            purpose=purpose,
            funding_source=funding,
            costs={year: Money.parse(cost) for year, cost in costs.items()},
            illustrative=True,
            **who,
        )


def load_pfi(actor, reason: str) -> None:
    """Illustrative PFI schemes, their 2025/26 unitary charges paid in the books."""
    if PfiScheme.objects.exists():
        return
    import_pfi(
        PFI_FILE.read_bytes(),
        source_name=PFI_FILE.name,
        post_years=["2025/26"],
        illustrative=True,
        actor=actor,
        reason=reason,
    )
