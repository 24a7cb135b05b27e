"""Illustrative staff transfers in the Black Country, recorded through the lifecycle service.

No public data on staff transfers exists (transfers on mergers are made by transfer orders
and consultations, not published as data), so these are made up, and marked illustrative.
"""

from __future__ import annotations

from datetime import date

from openics.organisations.lifecycle import transfer_staff
from openics.organisations.models import Organisation, StaffTransfer

# (from, to, day, staff, functions, legal basis, Agenda for Change, NHS pension, other terms)
TRANSFERS = [
    (
        "RBK",
        "RL4",
        date(2024, 10, 1),
        126,
        "Pathology services, joining the Black Country pathology network hosted by RL4",
        "tupe",
        True,
        True,
        "Existing shift patterns kept for 12 months",
    ),
    (
        "QUA",
        "RNA",
        date(2025, 4, 1),
        18,
        "Continuing healthcare assessment team for Dudley",
        "cosop",
        True,
        True,
        "",
    ),
    (
        "TAJ",
        "RNA",
        date(2026, 4, 1),
        42,
        "Community learning disability services in Dudley",
        "transfer_scheme",
        True,
        True,
        "Protected pay for two years where the role is re-banded",
    ),
]


def _body(code: str) -> Organisation | None:
    return (
        Organisation.objects.filter(
            code=code, kind__in=["icb", "nhs_trust", "foundation_trust"], active_to__isnull=True
        )
        .order_by("kind")
        .first()
    )


def load(actor, reason: str) -> None:
    if StaffTransfer.objects.filter(illustrative=True).exists():
        return
    for source, target, on, staff, functions, basis, afc, pension, terms in TRANSFERS:
        source_body, target_body = _body(source), _body(target)
        if source_body is None or target_body is None:
            continue
        transfer_staff(
            source=source_body,
            target=target_body,
            on=on,
            staff=staff,
            functions=functions,
            legal_basis=basis,
            agenda_for_change=afc,
            nhs_pension=pension,
            other_terms=terms,
            illustrative=True,
            actor=actor,
            reason=reason,
        )
