"""Allocations: NHS England's published figures, and runs that share an ICB's budget by place."""

from django.db import models

from openics.core.fields import FixedDecimalField, MoneyField
from openics.core.models import BaseModel
from openics.kernel.money import Money
from openics.organisations.models import Organisation

_THOUSANDS = {"places": 10}  # £k as published, to the ten-billionth
_FRACTION = {"places": 18}  # growth and distance rates as published


class AllocationLine(models.TextChoices):
    CORE = "core", "ICB core services"
    PRIMARY_MEDICAL_CARE = "primary_medical_care", "Primary medical care"


class PublishedAllocation(BaseModel):
    """One ICB's published figures for one allocation line and year (NHS England)."""

    icb = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="published_allocations"
    )
    financial_year = models.CharField(max_length=7)
    line = models.CharField(max_length=30, choices=AllocationLine.choices)
    baseline_k = FixedDecimalField(
        **_THOUSANDS, help_text="Previous year's adjusted recurrent baseline, £k"
    )
    target_k = FixedDecimalField(**_THOUSANDS, help_text="Fair shares target, £k")
    distance_from_target = FixedDecimalField(**_FRACTION)
    base_growth = FixedDecimalField(**_FRACTION)
    convergence = FixedDecimalField(**_FRACTION)
    recurrent_k = FixedDecimalField(**_THOUSANDS, help_text="Recurrent allocation, £k")
    source_name = models.CharField(max_length=255)

    class Meta:
        ordering = ["financial_year", "line", "icb__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["icb", "financial_year", "line"], name="published_allocation_unique"
            )
        ]

    def __str__(self) -> str:
        recurrent = Money.from_decimal_rounded(self.recurrent_k * 1000).format_thousands()
        return f"{self.icb.code} {self.line} {self.financial_year}: {recurrent}"


class RunStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"


class PlaceAllocationRun(BaseModel):
    """An ICB's budget for one line shared between its places, with everything it used.

    The inputs are hashed so anyone can tell whether two runs used the same data. Once
    approved, its place budgets are the delegation the books will use.
    """

    icb = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="place_runs")
    financial_year = models.CharField(max_length=7)
    line = models.CharField(max_length=30, choices=AllocationLine.choices)
    component = models.CharField(max_length=40, help_text="Weighted population used")
    budget = MoneyField()
    inputs_sha256 = models.CharField(max_length=64)
    parameters = models.JSONField(default=dict)
    results = models.JSONField(default=list)
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.DRAFT)
    run_by = models.CharField(max_length=150)
    approved_by = models.CharField(max_length=150, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.icb.code} {self.line} {self.financial_year} ({self.status})"


class AllocationTotal(BaseModel):
    """A total to be shared for a year and line: England's (no ICB) or one ICB's."""

    financial_year = models.CharField(max_length=7)
    line = models.CharField(max_length=30, choices=AllocationLine.choices)
    icb = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocation_totals",
    )
    amount = MoneyField()
    source = models.CharField(max_length=255)

    class Meta:
        ordering = ["financial_year", "line"]
        constraints = [
            models.UniqueConstraint(
                fields=["financial_year", "line"],
                condition=models.Q(icb__isnull=True),
                name="allocation_total_national_unique",
            ),
            models.UniqueConstraint(
                fields=["financial_year", "line", "icb"],
                condition=models.Q(icb__isnull=False),
                name="allocation_total_icb_unique",
            ),
        ]

    def __str__(self) -> str:
        scope = self.icb.code if self.icb_id else "England"
        return f"{scope} {self.line} {self.financial_year}: {self.amount}"
