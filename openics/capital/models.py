"""Capital: the system's capital resource use limit by year, the capital plan's schemes by
provider with their cost by year and funding source, and PFI schemes as contracts of their
own kind, with the unitary charges paid each year. See ADR 0020."""

from django.db import models

from openics.contracts.models import Contract
from openics.core.fields import MoneyField
from openics.core.models import BaseModel
from openics.ledger.models import Transaction
from openics.organisations.models import Organisation


class CapitalLimit(BaseModel):
    """The capital resource use limit of an ICB's system for one financial year."""

    icb = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="capital_limits")
    financial_year = models.CharField(max_length=7)
    amount = MoneyField()
    source = models.CharField(max_length=300, help_text="Where the figure comes from")
    illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["icb__name", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["icb", "financial_year"], name="capital_limit_unique")
        ]


class FundingSource(models.TextChoices):
    OPERATIONAL = "operational", "Operational capital"
    NATIONAL_PROGRAMME = "national_programme", "National programme"
    PFI = "pfi", "PFI"
    LEASE = "lease", "Lease"
    DISPOSAL = "disposal", "Disposal proceeds"


class CapitalScheme(BaseModel):
    """One scheme of an ICB's capital plan, at one provider."""

    reference = models.CharField(max_length=40, unique=True)
    icb = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="capital_schemes_planned"
    )
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="capital_schemes"
    )
    name = models.CharField(max_length=200)
    purpose = models.CharField(max_length=300)
    funding_source = models.CharField(max_length=20, choices=FundingSource.choices)
    illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["provider__name", "name"]


class SchemeCost(BaseModel):
    scheme = models.ForeignKey(CapitalScheme, on_delete=models.CASCADE, related_name="costs")
    financial_year = models.CharField(max_length=7)
    amount = MoneyField()

    class Meta:
        ordering = ["financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "financial_year"], name="scheme_cost_unique")
        ]


class PfiScheme(BaseModel):
    """A PFI project: a contract of its own kind between a trust and a private partner (the
    special purpose vehicle), as HM Treasury's summary data describes it."""

    reference = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    department = models.CharField(max_length=120)
    authority_name = models.CharField(max_length=200, help_text="As the file names it")
    sector = models.CharField(max_length=80)
    status = models.CharField(max_length=20)
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="pfi_schemes")
    partner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pfi_schemes_as_partner"
    )
    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="pfi_scheme")
    financial_close = models.DateField()
    contract_years = models.PositiveSmallIntegerField()
    start = models.DateField()
    end = models.DateField()
    capital_value = MoneyField()
    equity_holders = models.JSONField(default=list, help_text="[{name, share}] as published")
    source_name = models.CharField(max_length=200)
    illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["provider__name", "name"]


class UnitaryCharge(BaseModel):
    """The unitary charge a trust pays its PFI partner in one financial year; once the year
    is posted to the books, the payment it became."""

    scheme = models.ForeignKey(PfiScheme, on_delete=models.CASCADE, related_name="charges")
    financial_year = models.CharField(max_length=7)
    amount = MoneyField()
    payment = models.OneToOneField(
        Transaction, null=True, blank=True, on_delete=models.PROTECT, related_name="unitary_charge"
    )

    class Meta:
        ordering = ["financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "financial_year"], name="unitary_charge_unique"
            )
        ]
