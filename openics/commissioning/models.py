"""Contracts between commissioners and providers, and subcontracts under them.

This is the part of commissioning the books need: who pays whom, for what sector, and
how. Provider selection decisions and notices build on it.
"""

from django.db import models

from openics.core.fields import MoneyField
from openics.core.models import BaseModel
from openics.organisations.models import Organisation


class Sector(models.TextChoices):
    PRIMARY = "primary", "Primary care"
    COMMUNITY = "community", "Community services"
    MENTAL_HEALTH = "mental_health", "Mental health"
    ACUTE = "acute", "Acute (hospital) care"
    SPECIALISED = "specialised", "Specialised services"
    SOCIAL_CARE = "social_care", "Social care"
    PUBLIC_HEALTH = "public_health", "Public health"
    PRESCRIBING = "prescribing", "Prescribing"
    RUNNING_COSTS = "running_costs", "Running costs"
    UNASSIGNED = "unassigned", "Not yet assigned to a sector"


class PaymentMechanism(models.TextChoices):
    BLOCK = "block", "Block (fixed monthly)"
    BLENDED = "blended", "Blended (fixed monthly plus a variable element on activity)"
    ACTIVITY = "activity", "Activity-based"
    GRANT = "grant", "Grant"


class ContractQuerySet(models.QuerySet):
    def subcontracts(self):
        return self.filter(prime__isnull=False)

    def prime_contracts(self):
        return self.filter(prime__isnull=True)


class Contract(BaseModel):
    """An agreement for a commissioner (or a prime provider, for a subcontract) to pay."""

    reference = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    commissioner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contracts_commissioned"
    )
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contracts_held"
    )
    prime = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subcontracts",
        help_text="For a subcontract: the contract it sits under",
    )
    sector = models.CharField(max_length=20, choices=Sector.choices)
    place = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="place_contracts",
    )
    start = models.DateField()
    end = models.DateField()
    annual_value = MoneyField()
    payment_mechanism = models.CharField(max_length=12, choices=PaymentMechanism.choices)
    fixed_monthly = MoneyField(default=0, help_text="Blended or block: the fixed monthly element")
    unit_price = MoneyField(default=0, help_text="Blended or activity: the price per unit")
    activity_unit = models.CharField(max_length=60, blank=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="contract_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~models.Q(commissioner=models.F("provider")),
                name="contract_between_two_bodies",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def depth(self) -> int:
        """0 for a contract with a commissioner, 1 for a subcontract under it, and so on."""
        depth, contract = 0, self
        while contract.prime_id:
            depth += 1
            contract = contract.prime
        return depth
