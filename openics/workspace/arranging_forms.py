"""The forms of arranging services in the workspace: the facts the provider selection rules
read (the guided choice of a process), the decision record, and each later step. Like the
other workspace forms, they only read what was typed; the services and the regime's rules
decide, and their refusals join these errors in the error summary."""

from __future__ import annotations

from django import forms

from openics.arranging.models import Representation
from openics.kernel.money import Money, MoneyError
from openics.regimes.vocabulary import PAYMENT_MECHANISM_LABELS
from openics.workspace.forms import DayField, OrganisationField, PoundsField

YES_NO = [("yes", "Yes"), ("no", "No")]

# The guided choice, one step per page: each step's questions are facts of the regime's
# `Situation` (openics.regimes.rules.procurement), asked as yes or no.
STEPS: tuple[dict, ...] = (
    {
        "slug": "provider",
        "title": "The existing provider",
        "questions": (
            ("existing_provider", "Is there an existing provider of these services?", ""),
            (
                "only_existing_provider_capable",
                "Because of the nature of the services, can only the existing provider "
                "provide them?",
                "Answer no if there is no existing provider",
            ),
        ),
    },
    {
        "slug": "choice",
        "title": "Patient choice",
        "questions": (
            ("patient_choice", "Are patients offered a choice of provider?", ""),
            (
                "providers_unrestricted",
                "Is the number of providers left unrestricted?",
                "",
            ),
            (
                "all_eligible_offered",
                "Is every provider that meets the requirements offered a contract?",
                "",
            ),
            (
                "expressions_of_interest",
                "Are there arrangements for providers to express an interest?",
                "",
            ),
        ),
    },
    {
        "slug": "contract",
        "title": "The existing contract and the change",
        "questions": (
            (
                "existing_contract_expiring",
                "Is an existing contract coming to an end, to be replaced?",
                "",
            ),
            (
                "incumbent_satisfactory",
                "Is the existing provider satisfying the contract, and likely to satisfy the "
                "new one, to a sufficient standard?",
                "",
            ),
            (
                "materially_different",
                "Would the new arrangements be materially different in character from the "
                "existing contract?",
                "",
            ),
            (
                "change_attributable_to_authority",
                "Does any change in value follow the authority's own decision?",
                "Answer no if it comes from something outside the authority's control",
            ),
        ),
        "values": True,
    },
    {
        "slug": "framework",
        "title": "Framework agreements and urgency",
        "questions": (
            ("framework", "Would the award conclude a framework agreement?", ""),
            (
                "urgent_not_foreseeable",
                "Is the award urgent for a reason no one could foresee?",
                "",
            ),
            (
                "urgent_not_attributable",
                "Is the urgency not of the authority's making?",
                "",
            ),
            (
                "urgent_delay_risks_safety",
                "Would following the regime's steps put patients or the public at risk?",
                "",
            ),
        ),
    },
    {
        "slug": "suitable",
        "title": "The most suitable provider",
        "questions": (
            (
                "most_suitable_provider_identifiable",
                "Taking into account the likely providers and what you know, can you identify "
                "the most suitable provider without a competition?",
                "",
            ),
        ),
    },
)
QUESTIONS = tuple(q for step in STEPS for q in step["questions"])
FACTS = tuple(name for name, _, _ in QUESTIONS)
VALUES = ("existing_value", "proposed_value")


def _pounds_or_none(text: str, what: str, errors: dict) -> Money | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        amount = Money.parse(text)
    except MoneyError:
        errors[what] = f"Enter {VALUE_LABELS[what].lower()} in pounds, like 2,000,000"
        return None
    if amount.pence < 0:
        errors[what] = f"{VALUE_LABELS[what]} cannot be negative"
        return None
    return amount


VALUE_LABELS = {
    "existing_value": "The existing contract's lifetime value when it was entered into",
    "proposed_value": "The lifetime value of the new arrangements",
}


class Answers:
    """The answers given so far, read from the query string (the guided choice writes
    nothing, so it is asked by GET and can be bookmarked or fetched by the page's script)."""

    def __init__(self, data):
        self.raw = {name: (data.get(name) or "").strip() for name in FACTS + VALUES}
        self.errors: dict[str, str] = {}
        for name in FACTS:
            if self.raw[name] not in ("", "yes", "no"):
                self.errors[name] = "Answer yes or no"
        self.existing = _pounds_or_none(self.raw["existing_value"], "existing_value", self.errors)
        self.proposed = _pounds_or_none(self.raw["proposed_value"], "proposed_value", self.errors)

    def answered(self, name: str) -> bool:
        return self.raw[name] in ("yes", "no")

    def situation(self) -> dict:
        """The facts as the regime's `Situation` takes them (an unanswered question is no,
        except that a change in value is taken to follow the authority's decision)."""
        facts = {
            name: self.raw[name] == "yes"
            if self.answered(name)
            else name == "change_attributable_to_authority"
            for name in FACTS
        }
        if self.existing is not None:
            facts["existing_lifetime_value_pence"] = self.existing.pence
        facts["proposed_lifetime_value_pence"] = self.proposed.pence if self.proposed else 0
        return facts

    def hidden(self, *, leave_out=()) -> list[tuple[str, str]]:
        """The answers to carry to the next page, as (name, value) pairs."""
        return [(k, v) for k, v in self.raw.items() if v and k not in leave_out]

    def query(self) -> str:
        from urllib.parse import urlencode

        return urlencode(self.hidden())


REGARD = ("integrated_care_strategy", "health_and_wellbeing", "quality", "sustainability")
IMPORTANCE_CHOICES = [("high", "High"), ("medium", "Medium"), ("low", "Low")]
HANDLING_CHOICES = [
    ("recused", "They stand aside and take no part in the decision"),
    ("sole_expertise", "They take part as the only person with the expertise needed"),
]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


class DecisionForm(forms.Form):
    """The decision record: every item the regulations require, and what the rules read."""

    reference = forms.SlugField(
        max_length=40,
        error_messages={
            "required": "Enter a reference for the decision",
            "invalid": "The reference may hold only letters, numbers, hyphens and underscores",
        },
    )
    title = forms.CharField(max_length=200, error_messages={"required": "Enter the contract title"})
    provider = OrganisationField(
        what="The provider", error_messages={"required": "Enter the provider (name or code)"}
    )
    provider_address = forms.CharField(max_length=300, required=False)
    services = forms.MultipleChoiceField(
        error_messages={"required": "Select at least one service the decision arranges"}
    )
    existing_contract = forms.ChoiceField(required=False)
    decided_on = DayField(what="The date of the decision")
    process_started_on = DayField(what="The date the process began", required=False)
    proposed_start = DayField(what="The date the contract starts")
    proposed_end = DayField(what="The date the contract ends")
    extension_months = forms.IntegerField(
        min_value=0,
        max_value=240,
        required=False,
        error_messages={"invalid": "Enter the months of extensions as a whole number"},
    )
    annual_value = PoundsField(error_messages={"required": "Enter the annual value in pounds"})
    payment_mechanism = forms.ChoiceField(
        choices=[(k.value, v) for k, v in PAYMENT_MECHANISM_LABELS.items()],
        error_messages={"required": "Select how the provider is paid"},
    )
    reasons = forms.CharField(
        max_length=5000, error_messages={"required": "Give the reasons for the process chosen"}
    )
    decision_process = forms.CharField(max_length=5000, required=False)
    basic_selection = forms.CharField(max_length=5000, required=False)
    makers = forms.MultipleChoiceField(required=False)
    other_makers = forms.CharField(max_length=2000, required=False)
    provider_excluded = forms.BooleanField(required=False)
    overriding_public_interest = forms.CharField(max_length=2000, required=False)
    provider_excludable = forms.BooleanField(required=False)
    excludable_reason_to_proceed = forms.CharField(max_length=2000, required=False)
    subcontracting_asked = forms.BooleanField(required=False)
    excluded_subcontractors = forms.CharField(max_length=2000, required=False)
    excludable_subcontractors = forms.CharField(max_length=2000, required=False)
    subcontractor_notice_given = forms.BooleanField(required=False)
    regard_integrated_care_strategy = forms.CharField(max_length=2000, required=False)
    regard_health_and_wellbeing = forms.CharField(max_length=2000, required=False)
    regard_quality = forms.CharField(max_length=2000, required=False)
    regard_sustainability = forms.CharField(max_length=2000, required=False)

    def __init__(self, *args, services=(), contracts=(), people=(), criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = [(s.code, f"{s.name} ({s.code})") for s in services]
        self.fields["existing_contract"].choices = [("", "None")] + [
            (c.reference, f"{c.reference}: {c.title} ({c.provider.name})") for c in contracts
        ]
        self.fields["makers"].choices = [(p.slug, p.name) for p in people]
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"importance_{c['key']}"] = forms.ChoiceField(
                choices=IMPORTANCE_CHOICES, required=False
            )
            self.fields[f"justification_{c['key']}"] = forms.CharField(
                max_length=5000, required=False
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("proposed_start"), data.get("proposed_end")
        if start and end and end < start:
            self.add_error("proposed_end", "The contract must end after it starts")
        if not data.get("makers") and not _lines(data.get("other_makers")):
            self.add_error("makers", "Say who made the decision")
        data["other_maker_list"] = _lines(data.get("other_makers"))
        data["assessments"] = [
            {
                "criterion": c["key"],
                "importance": data.get(f"importance_{c['key']}") or "",
                "justification": (data.get(f"justification_{c['key']}") or "").strip(),
            }
            for c in self.criteria
            if data.get(f"importance_{c['key']}") or data.get(f"justification_{c['key']}")
        ]
        data["exclusions"] = {
            "provider_excluded": bool(data.get("provider_excluded")),
            "overriding_public_interest": (data.get("overriding_public_interest") or "").strip(),
            "provider_excludable": bool(data.get("provider_excludable")),
            "excludable_reason_to_proceed": (
                data.get("excludable_reason_to_proceed") or ""
            ).strip(),
            "subcontracting_asked": bool(data.get("subcontracting_asked")),
            "excluded_subcontractors": _lines(data.get("excluded_subcontractors")),
            "excludable_subcontractors": _lines(data.get("excludable_subcontractors")),
            "subcontractor_notice_given": bool(data.get("subcontractor_notice_given")),
        }
        data["regard"] = {
            key: (data.get(f"regard_{key}") or "").strip()
            for key in (
                "integrated_care_strategy",
                "health_and_wellbeing",
                "quality",
                "sustainability",
            )
            if (data.get(f"regard_{key}") or "").strip()
        }
        return data


class OnDayForm(forms.Form):
    """A step taken on a day (publishing a notice, entering into the contract)."""

    on = DayField(what="The date")

    def __init__(self, *args, what: str = "The date", today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].what = what
        self.today = today

    def clean_on(self):
        day = self.cleaned_data["on"]
        if day and self.today and day > self.today:
            raise forms.ValidationError(
                f"{self.fields['on'].what} cannot be later than today ({self.today:%-d %B %Y})"
            )
        return day


class RepresentationForm(OnDayForm):
    provider = OrganisationField(
        what="Who made them",
        error_messages={"required": "Enter the provider that made the representations"},
    )
    at = forms.TimeField(
        required=False,
        input_formats=["%H:%M", "%H.%M"],
        error_messages={"invalid": "Enter the time as hours and minutes, like 14:30"},
    )
    summary = forms.CharField(
        max_length=5000, error_messages={"required": "Say what the representations are about"}
    )


class ReviewForm(OnDayForm):
    outcome = forms.ChoiceField(
        choices=[c for c in Representation.Outcome.choices if c[0]],
        error_messages={"required": "Select the further decision"},
    )
    reasons = forms.CharField(
        max_length=5000, error_messages={"required": "Give the reasons for the further decision"}
    )


class AbandonForm(OnDayForm):
    reasons = forms.CharField(
        max_length=5000, error_messages={"required": "Say why the process is abandoned"}
    )


GROUNDS = [
    ("provided_for", "Clearly and unambiguously provided for in the contract"),
    ("succession", "A new provider by corporate succession"),
    ("external_factors", "External factors beyond the control of the authority and provider"),
    ("authority_decision", "The authority's own decision"),
]


class ModificationForm(OnDayForm):
    reference = forms.SlugField(
        max_length=40,
        error_messages={
            "required": "Enter a reference for the modification",
            "invalid": "The reference may hold only letters, numbers, hyphens and underscores",
        },
    )
    grounds = forms.ChoiceField(
        choices=GROUNDS, error_messages={"required": "Select the grounds for the modification"}
    )
    description = forms.CharField(max_length=5000, error_messages={"required": "Say what changes"})
    value_change = forms.CharField(
        max_length=30, error_messages={"required": "Enter the change in lifetime value"}
    )
    new_end = DayField(what="The new end date", required=False)
    materially_different = forms.BooleanField(required=False)
    successor_meets_basic_selection = forms.BooleanField(required=False)
    urgent = forms.BooleanField(required=False)

    def clean_value_change(self):
        text = self.cleaned_data["value_change"].strip()
        try:
            return Money.parse(text)
        except MoneyError:
            raise forms.ValidationError(
                "Enter the change in lifetime value in pounds, like 400,000 or -50,000"
            ) from None
