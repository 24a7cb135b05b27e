"""Stand-ins for records that later apps keep against organisations (contracts, budgets).

The lifecycle services find holdings by their foreign keys alone, so these prove that
any such record is carried through merges and transfers without being written for.
"""

from django.db import models

from openics.core.fields import MoneyField
from openics.organisations.models import Organisation


class SampleContract(models.Model):
    commissioner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sample_contracts_commissioned"
    )
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sample_contracts_provided"
    )
    annual_value = MoneyField()

    def __str__(self) -> str:
        return f"contract {self.pk}"


class SampleBudget(models.Model):
    holder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sample_budgets"
    )
    amount = MoneyField()

    def __str__(self) -> str:
        return f"budget {self.pk}"


class MoneySample(models.Model):
    """A bare amount, for testing MoneyField on each database."""

    amount = MoneyField(null=True)

    def __str__(self) -> str:
        return str(self.amount)
