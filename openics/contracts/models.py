"""Services and the contracts that hold them, with subcontracts to any depth.

A commissioner arranges a service (what, for whom, where); a contract may hold several
services (a lead provider or an integrated care provider contract) and sit over
subcontracts. How a contract came to be awarded is arranging's business: a selection
decision points at the contract it led to. The tables keep the names they had when these
models lived in the arranging app (label `commissioning`).
"""

from django.db import models

from openics.core.fields import MoneyField, choices_of
from openics.core.models import BaseModel
from openics.organisations.models import Organisation
from openics.regimes.vocabulary import PaymentMechanism, Sector


class ContractKind(models.TextChoices):
    STANDARD = "standard", "Contract for services"
    LEAD_PROVIDER = "lead_provider", "Lead provider contract (a bundle of services)"
    INTEGRATED_CARE_PROVIDER = "icp", "Integrated care provider contract (a bundle of services)"
    FRAMEWORK = "framework", "Framework agreement"
    SUBCONTRACT = "subcontract", "Subcontract"


class Service(BaseModel):
    """A health or care service that a commissioner arranges for a population."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField()
    cpv_code = models.CharField(
        max_length=12, help_text="Common Procurement Vocabulary code, such as 85121000-3"
    )
    sector = models.CharField(max_length=20, choices=choices_of(Sector))
    commissioner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services_commissioned"
    )
    place = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    population = models.CharField(max_length=200, blank=True, help_text="Who the service is for")
    illustrative = models.BooleanField(
        default=False, help_text="Made up for the demonstration, not a real service"
    )

    class Meta:
        db_table = "commissioning_service"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


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
    sector = models.CharField(max_length=20, choices=choices_of(Sector))
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
    payment_mechanism = models.CharField(max_length=12, choices=choices_of(PaymentMechanism))
    fixed_monthly = MoneyField(default=0, help_text="Blended or block: the fixed monthly element")
    unit_price = MoneyField(default=0, help_text="Blended or activity: the price per unit")
    activity_unit = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=20, choices=ContractKind.choices, default="standard")
    services = models.ManyToManyField(
        Service, blank=True, related_name="contracts", db_table="commissioning_contract_services"
    )
    lifetime_value = MoneyField(default=0, help_text="Over the whole term, as it stands now")
    original_lifetime_value = MoneyField(
        default=0, help_text="Over the whole term, when entered into"
    )
    extension_months = models.PositiveIntegerField(
        default=0, help_text="How far the contract may be extended beyond its end, in months"
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        db_table = "commissioning_contract"
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
