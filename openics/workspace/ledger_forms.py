"""The books' forms in the workspace (issue 17): each reads what was typed into plain values
and the accounts and contracts of the organisation in the address; the ledger's services
decide whether the write may be made, and their refusals join these errors in the summary."""

from __future__ import annotations

from django import forms

from openics.contracts.models import Contract
from openics.kernel.money import Money
from openics.ledger.models import Account, Purpose
from openics.workspace.forms import DayField, PoundsField

REASON_HINT = "Kept in the audit log with your name"


def _accounts(org, purposes) -> list[tuple[str, str]]:
    found = Account.objects.filter(organisation=org, purpose__in=purposes).order_by("name")
    return [("", "Choose an account")] + [
        (a.key, f"{a.name} ({Money(a.balance_pence).format()})") for a in found
    ]


def _contracts(org, **extra) -> list[tuple[str, str]]:
    found = Contract.objects.filter(commissioner=org, prime__isnull=True, **extra)
    return [("", "Choose a contract")] + [
        (c.reference, f"{c.reference}: {c.title} ({c.provider.name})")
        for c in found.select_related("provider").order_by("reference")
    ]


class BooksForm(forms.Form):
    """Every write says why; `layout` tells the template how to draw each field."""

    layout: tuple[tuple[str, str, str, str], ...] = ()
    reason = forms.CharField(
        max_length=500, error_messages={"required": "Enter the reason for this change"}
    )

    def __init__(self, *args, org, **kwargs):
        self.org = org
        super().__init__(*args, **kwargs)

    def fields_laid_out(self):
        return [*self.layout, ("reason", "text", "Reason", REASON_HINT)]


def _choice(what: str) -> forms.ChoiceField:
    return forms.ChoiceField(choices=(), error_messages={"required": f"Choose {what}"})


def _amount() -> PoundsField:
    return PoundsField(error_messages={"required": "Enter the amount"})


class TransferForm(BooksForm):
    source = _choice("the budget to move from")
    target = _choice("the budget to move to")
    amount = _amount()
    on = DayField(what="The date of the transfer")
    description = forms.CharField(max_length=300, required=False)
    layout = (
        ("source", "pick", "From", "A budget or the allocation"),
        ("target", "pick", "To", "Another place's or programme's budget"),
        ("amount", "text", "Amount", "In pounds, like 25000 or 25,000.00"),
        ("on", "day", "When does it take effect?", "For example, 27 3 2026"),
        ("description", "text", "Description (optional)", "Left empty, it names the two budgets"),
    )

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, org=org, **kwargs)
        budgets = _accounts(org, (Purpose.BUDGET, Purpose.ALLOCATION))
        self.fields["source"].choices = budgets
        self.fields["target"].choices = budgets

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("target"):
            self.add_error("target", "Choose a different budget to move to")
        return data


class CommitForm(BooksForm):
    contract = _choice("the contract")
    source = _choice("the budget to commit from")
    amount = _amount()
    on = DayField(what="The date of the commitment")
    layout = (
        ("contract", "pick", "Contract", ""),
        ("source", "pick", "From which budget", "A budget or pooled fund"),
        ("amount", "text", "Amount", "In pounds"),
        ("on", "day", "When is it committed?", "For example, 1 4 2025"),
    )

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, org=org, **kwargs)
        self.fields["contract"].choices = _contracts(org)
        self.fields["source"].choices = _accounts(org, (Purpose.BUDGET, Purpose.POOLED_FUND))


class InvoiceForm(BooksForm):
    contract = _choice("the contract")
    invoice_number = forms.CharField(
        max_length=60, error_messages={"required": "Enter the invoice number"}
    )
    amount = _amount()
    on = DayField(what="The date")
    layout = (
        ("contract", "pick", "Contract", ""),
        ("invoice_number", "text", "Invoice number", "As the provider's invoice gives it"),
        ("amount", "text", "Amount", "In pounds"),
        ("on", "day", "When?", "For example, 30 4 2025"),
    )

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, org=org, **kwargs)
        self.fields["contract"].choices = _contracts(org)


class MonthForm(BooksForm):
    contract = _choice("the contract")
    month_end = DayField(what="The last day of the month")
    activity_units = forms.IntegerField(
        min_value=0,
        max_value=10_000_000,
        error_messages={
            "required": "Enter the activity in the month (0 if none)",
            "invalid": "Activity must be a whole number of units",
        },
    )
    layout = (
        ("contract", "pick", "Contract", "Paid monthly: blended, block or activity"),
        ("month_end", "day", "The month's last day", "For example, 30 4 2025"),
        ("activity_units", "text", "Activity in the month", "Units, for the variable element"),
    )

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, org=org, **kwargs)
        self.fields["contract"].choices = _contracts(
            org, payment_mechanism__in=("blended", "block", "activity")
        )


class DatedForm(BooksForm):
    on = DayField(what="The date")
    layout = (("on", "day", "When does it take effect?", "For example, 1 4 2025"),)


class ConfirmForm(BooksForm):
    """Only a reason: approving a run."""
