"""The workspace's forms. Each only reads what was typed into plain values; the service it
feeds decides whether the change may be made, and its refusals are shown beside these
errors in the page's error summary."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Q

from openics.governance.services import CATEGORIES
from openics.kernel.money import Money, MoneyError
from openics.organisations.models import Organisation
from openics.regimes.vocabulary import INTEREST_LABELS

CATEGORY_CHOICES = [(c, INTEREST_LABELS.get(c, c)) for c in CATEGORIES]


class DayWidget(forms.Widget):
    """NHS.UK's date input: three boxes named <name>-day, <name>-month and <name>-year."""

    def value_from_datadict(self, data, files, name):
        return tuple(
            str(data.get(f"{name}-{part}", "")).strip() for part in ("day", "month", "year")
        )

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}-{part}" in data for part in ("day", "month", "year"))


class DayField(forms.Field):
    widget = DayWidget

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, date):
            return value
        parts = tuple(value or ("", "", ""))
        if not any(parts):
            return None
        if not all(parts):
            missing = [n for n, p in zip(("day", "month", "year"), parts, strict=True) if not p]
            raise forms.ValidationError(f"{self.what} must include a {' and a '.join(missing)}")
        try:
            day, month, year = (int(p) for p in parts)
            if year < 1900 or year > 2100:
                raise ValueError
            return date(year, month, day)
        except ValueError:
            raise forms.ValidationError(
                f"{self.what} must be a real date, for example 27 3 2026"
            ) from None

    def validate(self, value):
        if value is None and self.required:
            raise forms.ValidationError(f"Enter {self.what.lower()}")

    def parts(self, value) -> dict:
        """The three boxes' values, for the template (as typed, or from a date)."""
        if isinstance(value, date):
            return {"day": value.day, "month": value.month, "year": value.year}
        parts = tuple(value or ("", "", ""))
        return dict(zip(("day", "month", "year"), parts, strict=True))


class OrganisationField(forms.CharField):
    """An organisation from the registry, typed as its ODS (or ONS) code or its name. A name
    that matches several bodies is refused with the first few, each with its code."""

    def __init__(self, *, what: str = "The organisation", **kwargs):
        self.what = what
        super().__init__(max_length=200, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        bodies = Organisation.objects.exclude(kind="place")
        by_code = list(bodies.filter(Q(code__iexact=text) | Q(ons_code__iexact=text))[:2])
        if len(by_code) == 1:
            return by_code[0]
        exact = list(bodies.filter(name__iexact=text)[:2])
        if len(exact) == 1:
            return exact[0]
        found = list(bodies.filter(name__icontains=text).order_by("name")[:6])
        if len(found) == 1:
            return found[0]
        if not found:
            raise forms.ValidationError(
                f"{self.what}: no organisation in the registry has the code or name {text!r}"
            )
        named = "; ".join(f"{o.name} ({o.public_code or 'no code'})" for o in found[:5])
        raise forms.ValidationError(
            f"{self.what}: {text!r} matches more than one organisation ({named}); "
            "type its code or its full name"
        )


class PoundsField(forms.CharField):
    def clean(self, value):
        text = super().clean(value)
        try:
            amount = Money.parse(str(text or "").strip())
        except MoneyError:
            raise forms.ValidationError(
                "The value must be an amount in pounds and pence, like 45 or 45.50"
            ) from None
        if amount.pence < 0 or amount.pence > 100_000_000_000:
            raise forms.ValidationError("The value must be between £0 and £1,000,000,000")
        return amount


class DeclareForm(forms.Form):
    category = forms.ChoiceField(
        choices=CATEGORY_CHOICES,
        error_messages={"required": "Select the category of the interest"},
    )
    organisation = OrganisationField(
        what="The organisation",
        error_messages={"required": "Enter the organisation's name or code"},
    )
    nature = forms.CharField(
        max_length=300, error_messages={"required": "Say what the interest is"}
    )
    related_person = forms.CharField(max_length=200, required=False)
    arose_on = DayField(what="The date the interest arose")
    ends_on = DayField(what="The date the interest ended", required=False)


class NilReturnForm(forms.Form):
    made_on = DayField(what="The date of the return")


class GiftForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("gift", "Gift"), ("hospitality", "Hospitality")],
        error_messages={"required": "Select whether it was a gift or hospitality"},
    )
    description = forms.CharField(max_length=300, error_messages={"required": "Say what it was"})
    source = OrganisationField(what="Who offered it", required=False)
    source_name = forms.CharField(max_length=200, required=False)
    value = PoundsField(error_messages={"required": "Enter its value in pounds"})
    received_on = DayField(what="The date it was offered")
    from_supplier = forms.BooleanField(required=False)
    from_patient = forms.BooleanField(required=False)
    cash_or_voucher = forms.BooleanField(required=False)
    accepted = forms.BooleanField(required=False)
    senior_approval = forms.BooleanField(required=False)
    declared = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("source") and not str(data.get("source_name") or "").strip():
            self.add_error("source", "Enter who offered it: an organisation's name or code")
        return data


class AppointForm(forms.Form):
    seat = forms.ChoiceField(error_messages={"required": "Select the seat"})
    person = forms.ChoiceField(error_messages={"required": "Select the person"})
    starts = DayField(what="The date the term starts")
    term_ends = DayField(what="The date the term ends")

    def __init__(self, *args, seats=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].choices = [("", "Choose a seat")] + [
            (str(s.pk), s.title) for s in seats
        ]
        self.fields["person"].choices = [("", "Choose a person")] + [
            (str(p.pk), f"{p.name} ({p.slug})") for p in people
        ]


class EndTermForm(forms.Form):
    left_on = DayField(what="The first day they no longer hold the seat")
    why = forms.CharField(
        max_length=500, error_messages={"required": "Say why the member is leaving"}
    )
    confirm = forms.BooleanField(required=False)


class MeetingForm(forms.Form):
    held_on = DayField(what="The date of the meeting")
    title = forms.CharField(max_length=200, required=False)
    location = forms.CharField(max_length=200, required=False)
    public = forms.BooleanField(required=False)


class ItemForm(forms.Form):
    number = forms.CharField(max_length=10, error_messages={"required": "Enter the item number"})
    title = forms.CharField(max_length=300, required=False)
    kind = forms.ChoiceField(
        choices=[
            ("decision", "Decision"),
            ("reconfiguration", "Reconfiguration of services"),
            ("noting", "For noting"),
            ("provider_selection", "Provider selection decision"),
        ],
        error_messages={"required": "Select the kind of item"},
    )
    decision = forms.ChoiceField(required=False)
    organisations = forms.CharField(required=False, widget=forms.Textarea)
    paper_title = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.decisions = {d.reference: d for d in decisions}
        self.fields["decision"].choices = [("", "None")] + [
            (d.reference, f"{d.reference}: {d.title}") for d in decisions
        ]

    def clean(self):
        data = super().clean()
        orgs = []
        field = OrganisationField(what="An organisation the item affects", required=False)
        for line in str(data.get("organisations") or "").splitlines():
            if line.strip():
                try:
                    orgs.append(field.clean(line.strip()))
                except forms.ValidationError as exc:
                    self.add_error("organisations", exc)
        data["organisation_list"] = orgs
        if data.get("kind") == "provider_selection" and not data.get("decision"):
            self.add_error("decision", "Choose the selection decision the item takes")
        if data.get("decision") and data.get("kind") != "provider_selection":
            self.add_error("kind", "An item that takes a selection decision is of that kind")
        if data.get("kind") != "provider_selection" and not str(data.get("title") or "").strip():
            self.add_error("title", "Enter the item's title")
        return data


class InterventionForm(forms.Form):
    reference = forms.SlugField(
        max_length=80,
        error_messages={
            "required": "Enter a reference for the call-in or direction",
            "invalid": "The reference may hold only letters, numbers and hyphens",
        },
    )
    kind = forms.ChoiceField(error_messages={"required": "Select the power used"})
    made_on = DayField(what="The date it was made")
    made_by = OrganisationField(
        what="Who made it", error_messages={"required": "Enter who made it (name or code)"}
    )
    subject = forms.CharField(max_length=2000, error_messages={"required": "Say what it does"})

    def __init__(self, *args, powers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Choose the power")] + list(powers)


# -- plans, capital and people ----------------------------------------------------------
class AimForm(forms.Form):
    aim = forms.CharField(max_length=300, error_messages={"required": "Enter the aim"})
    population = forms.CharField(
        max_length=200, error_messages={"required": "Enter the population it is for"}
    )
    measure = forms.CharField(
        max_length=300, error_messages={"required": "Enter how it is measured"}
    )
    target = forms.CharField(max_length=200, error_messages={"required": "Enter its target"})


class RegardForm(forms.Form):
    decision = forms.ChoiceField(error_messages={"required": "Choose the decision"})
    aim = forms.ChoiceField(error_messages={"required": "Choose the aim it serves"})
    how_regard = forms.CharField(
        max_length=2000,
        error_messages={"required": "Say how the decision had regard to the strategy"},
    )

    def __init__(self, *args, decisions=(), aims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [("", "Choose a decision")] + list(decisions)
        self.fields["aim"].choices = [("", "Choose an aim")] + list(aims)


class CostsField(forms.CharField):
    """A scheme's cost by year, one year to a line: `2026/27 £1,200,000`."""

    widget = forms.Textarea

    def clean(self, value):
        from openics.kernel.years import FinancialYear

        text = super().clean(value)
        costs, problems = {}, []
        for number, line in enumerate(str(text or "").splitlines(), start=1):
            if not line.strip():
                continue
            year_text, _, amount_text = line.strip().partition(" ")
            try:
                year = FinancialYear.parse(year_text.rstrip(":")).label
                amount = Money.parse(amount_text.strip())
            except (ValueError, MoneyError):
                problems.append(
                    f"Line {number} ({line.strip()!r}) must be a year and an amount, "
                    "like 2026/27 £1,200,000"
                )
                continue
            if year in costs:
                problems.append(f"Line {number}: {year} is given twice")
            costs[year] = amount
        if problems:
            raise forms.ValidationError(problems)
        if not costs:
            raise forms.ValidationError("Enter the cost in at least one year")
        return costs


class SchemeForm(forms.Form):
    reference = forms.CharField(
        max_length=40, error_messages={"required": "Enter a reference for the scheme"}
    )
    provider = OrganisationField(
        what="The provider", error_messages={"required": "Enter the provider's name or code"}
    )
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the scheme's name"})
    purpose = forms.CharField(max_length=300, error_messages={"required": "Say what it is for"})
    funding_source = forms.ChoiceField(
        error_messages={"required": "Select how it is funded"},
    )
    costs = CostsField(error_messages={"required": "Enter the cost in at least one year"})

    def __init__(self, *args, **kwargs):
        from openics.capital.models import FundingSource

        super().__init__(*args, **kwargs)
        self.fields["funding_source"].choices = list(FundingSource.choices)


class TransferForm(forms.Form):
    source = OrganisationField(
        what="The body they left", error_messages={"required": "Enter the body they left"}
    )
    target = OrganisationField(
        what="The body they joined", error_messages={"required": "Enter the body they joined"}
    )
    on = DayField(what="The date of the transfer")
    staff = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": "Enter how many staff moved",
            "invalid": "The number of staff must be a whole number, like 120",
            "min_value": "At least one member of staff moves in a transfer",
        },
    )
    functions = forms.CharField(
        max_length=300, error_messages={"required": "Say which functions moved with them"}
    )
    legal_basis = forms.ChoiceField(error_messages={"required": "Select the legal basis"})
    agenda_for_change = forms.BooleanField(required=False)
    nhs_pension = forms.BooleanField(required=False)
    other_terms = forms.CharField(max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        from openics.organisations.models import TransferBasis

        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].choices = list(TransferBasis.choices)
