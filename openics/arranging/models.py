"""The decisions that arrange services: selection under the regime in force, standstill,
representations, award, notices and modifications.

A commissioner arranges a service by a selection decision; the decision leads to a
contract (in `contracts`) and may be taken at a board meeting (an agenda item in
`governance`): both links point from the decision. Notices put each step on the public
record; modifications change a contract in its term without rewriting what was awarded.
"""

from django.db import models

from openics.contracts.models import Contract, ContractKind, Service
from openics.core.fields import MoneyField, choices_of
from openics.core.models import BaseModel
from openics.governance.models import AgendaItem
from openics.organisations.models import Organisation
from openics.regimes.vocabulary import PaymentMechanism, Sector


class Process(models.TextChoices):
    """Ways of selecting a provider. Each regime says which exist and what they are called."""

    DIRECT_AWARD_A = "direct_award_a", "Direct Award A"
    DIRECT_AWARD_B = "direct_award_b", "Direct Award B"
    DIRECT_AWARD_C = "direct_award_c", "Direct Award C"
    MOST_SUITABLE_PROVIDER = "most_suitable_provider", "Most Suitable Provider process"
    COMPETITIVE = "competitive", "Competitive Process"
    URGENT_AWARD = "urgent_award", "Urgent award"


class DecisionStatus(models.TextChoices):
    DECIDED = "decided", "Decided; not yet awarded"
    STANDSTILL = "standstill", "Intention published; standstill open"
    REVIEW = "review", "Representations received; decision under review"
    AWARDED = "awarded", "Contract awarded"
    ABANDONED = "abandoned", "Abandoned"


class SelectionDecisionQuerySet(models.QuerySet):
    def in_standstill_on(self, day):
        """Standstills open on a day: begun, not yet over (or under review), and neither
        awarded nor abandoned by then. Works for past days too, as the dates are kept."""
        Q = models.Q
        running = Q(standstill_ends__gte=day) | Q(further_wait_ends__gte=day) | Q(status="review")
        return self.filter(running, standstill_begins__lte=day).exclude(
            Q(awarded_on__lte=day) | Q(abandoned_on__lte=day)
        )


class SelectionDecision(BaseModel):
    """A decision to select a provider for services, with everything the regime needs recorded.

    The facts the rules looked at are stored as they were given (`situation`, `exclusions`,
    `conflicts`), so the decision can be checked again, under any regime, later.
    """

    reference = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    regime_id = models.CharField(max_length=40, help_text="The regime it was taken under")
    commissioner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="selection_decisions"
    )
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="selected_by")
    provider_address = models.CharField(
        max_length=300, help_text="The provider's registered office or principal place of business"
    )
    services = models.ManyToManyField(Service, related_name="decisions")
    place = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="place_decisions",
    )
    existing_contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="renewed_by"
    )
    contract = models.OneToOneField(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision",
        help_text="The contract the decision led to, once awarded",
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="selection_decisions",
        help_text="The board agenda item at which the decision was taken, where it was",
    )
    process = models.CharField(max_length=30, choices=Process.choices)
    decided_on = models.DateField()
    status = models.CharField(max_length=12, choices=DecisionStatus.choices, default="decided")
    contract_kind = models.CharField(
        max_length=20, choices=ContractKind.choices, default="standard"
    )
    sector = models.CharField(max_length=20, choices=choices_of(Sector))
    proposed_start = models.DateField()
    proposed_end = models.DateField()
    extension_months = models.PositiveIntegerField(default=0)
    annual_value = MoneyField()
    lifetime_value = MoneyField()
    payment_mechanism = models.CharField(max_length=12, choices=choices_of(PaymentMechanism))
    reasons = models.TextField(help_text="Why this process, and why this provider")
    decision_makers = models.JSONField(default=list)
    decision_process = models.TextField(
        blank=True,
        help_text="How the decision was made: who decided, at which meeting, on what advice",
    )
    process_started_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the selection process began (one begun before 24 February 2025 keeps "
        "the rules as they were)",
    )
    regard = models.JSONField(
        default=dict,
        blank=True,
        help_text="How the decision had regard to the integrated care strategy and the "
        "wider effects of decisions (the triple aim)",
    )
    basic_selection = models.TextField(blank=True)
    situation = models.JSONField(default=dict)
    exclusions = models.JSONField(default=dict)
    conflicts = models.JSONField(default=list)
    framework_term_months = models.PositiveIntegerField(default=0)
    intention_published_on = models.DateField(null=True, blank=True)
    standstill_begins = models.DateField(null=True, blank=True)
    standstill_ends = models.DateField(null=True, blank=True)
    further_wait_ends = models.DateField(null=True, blank=True)
    awarded_on = models.DateField(null=True, blank=True)
    award_notice_due = models.DateField(null=True, blank=True)
    abandoned_on = models.DateField(null=True, blank=True)
    abandonment_reason = models.TextField(blank=True)
    illustrative = models.BooleanField(
        default=False, help_text="Made up for the demonstration, not a real decision"
    )

    objects = SelectionDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(proposed_end__gte=models.F("proposed_start")),
                name="decision_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(standstill_ends__isnull=True)
                | models.Q(standstill_ends__gte=models.F("standstill_begins")),
                name="standstill_ends_after_it_begins",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def standstill_open_on(self, day) -> bool:
        return (
            self.status in ("standstill", "review")
            and self.standstill_begins is not None
            and self.standstill_begins <= day
        )


class CriterionAssessment(BaseModel):
    """How one key criterion was taken into account in a decision."""

    decision = models.ForeignKey(
        SelectionDecision, on_delete=models.CASCADE, related_name="assessments"
    )
    position = models.PositiveSmallIntegerField()
    criterion = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    importance = models.CharField(max_length=10)
    justification = models.TextField()

    class Meta:
        ordering = ["decision", "position"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "criterion"], name="one_assessment_each")
        ]


class Representation(BaseModel):
    """Written representations from a provider during a standstill, and the review's outcome."""

    class Outcome(models.TextChoices):
        PENDING = "", "Under review"
        PROCEED = "proceed", "Proceed with the decision"
        GO_BACK = "go_back", "Go back to an earlier step"
        ABANDON = "abandon", "Abandon the process"

    decision = models.ForeignKey(
        SelectionDecision, on_delete=models.PROTECT, related_name="representations"
    )
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    received_at = models.TimeField(
        null=True, blank=True, help_text="The time they arrived, where it was recorded"
    )
    summary = models.TextField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True, default="")
    outcome_on = models.DateField(null=True, blank=True)
    outcome_reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["received_on", "created_at"]


class Modification(BaseModel):
    """A change to a contract in its term: value, length or services. The contract keeps its
    original lifetime value; each modification records the values before and after."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="modifications")
    reference = models.CharField(max_length=40, unique=True)
    regime_id = models.CharField(max_length=40)
    decided_on = models.DateField()
    grounds = models.CharField(max_length=20)
    urgent = models.BooleanField(default=False)
    description = models.TextField()
    materially_different = models.BooleanField(default=False)
    value_change = MoneyField()
    lifetime_before = MoneyField()
    lifetime_after = MoneyField()
    end_before = models.DateField()
    end_after = models.DateField()
    notice_required = models.BooleanField()
    notice_due = models.DateField(null=True, blank=True)
    illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["decided_on", "reference"]


class NoticeKind(models.TextChoices):
    INTENTION = "intention", "Notice of intention to award a contract"
    AWARD = "award", "Contract award notice"
    URGENT_AWARD = "urgent_award", "Urgent award notice"
    MODIFICATION = "modification", "Contract modification notice"
    URGENT_MODIFICATION = "urgent_modification", "Urgent modification notice"
    ABANDONMENT = "abandonment", "Notice of abandonment"


class NoticeQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("published notices cannot be changed; publish a new notice")


class Notice(BaseModel):
    """A transparency notice as published: its content is frozen when it is written."""

    reference = models.CharField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    decision = models.ForeignKey(
        SelectionDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    modification = models.ForeignKey(
        Modification, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    published_on = models.DateField()
    due_by = models.DateField(null=True, blank=True)
    platform = models.CharField(max_length=100)
    regime_id = models.CharField(max_length=40)
    content = models.JSONField(help_text="The notice's fields, in order, as published")

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["published_on", "reference"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("published notices cannot be changed; publish a new notice")
        super().save(*args, **kwargs)

    @property
    def late(self) -> bool:
        return self.due_by is not None and self.published_on > self.due_by


def decision_for(contract: Contract) -> SelectionDecision | None:
    """The decision that awarded a contract, or None: a contract can be held without one."""
    try:
        return contract.decision
    except SelectionDecision.DoesNotExist:
        return None


class PublishedNotice(BaseModel):
    """A notice as its buyer published it on Contracts Finder or Find a Tender, imported from
    the OCDS release: real, from the file named by its import run, never made up.

    The buyer and each supplier are kept as published (name and identifiers) and linked to
    the registry where the body is known; a release is published once, so one ocid and
    release id is held once however often its file is imported.
    """

    # Records what the buyer published about itself and its suppliers: a succession leaves
    # it naming the bodies it named (organisations.lifecycle reads this).
    names_bodies_as_published = True

    ocid = models.CharField(max_length=200, db_index=True)
    release_id = models.CharField(max_length=200)
    published_at = models.DateTimeField(help_text="The release's date, as published")
    tags = models.CharField(max_length=200, help_text="The release's tags, space-separated")
    source = models.CharField(max_length=200, help_text="Contracts Finder or Find a Tender")
    url = models.TextField(blank=True, help_text="Where the notice was published")
    title = models.TextField(blank=True)
    description = models.TextField(blank=True)
    buyer_name = models.TextField()
    buyer_identifier = models.TextField(blank=True, help_text="scheme:id, as published")
    buyer = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="published_notices",
        help_text="The buyer in the registry, where it is known",
    )
    buyer_match = models.CharField(
        max_length=300, blank=True, help_text="How the buyer was found in the registry"
    )
    nhs_reason = models.CharField(max_length=300, help_text="Why the buyer is an NHS body")
    tender_status = models.CharField(max_length=40, blank=True)
    tender_value = MoneyField(null=True, blank=True, help_text="In minor units of its currency")
    tender_currency = models.CharField(max_length=3, blank=True)
    award_value = MoneyField(null=True, blank=True, help_text="In minor units of its currency")
    award_currency = models.CharField(max_length=3, blank=True)
    procurement_method = models.CharField(max_length=40, blank=True)
    procurement_method_details = models.TextField(blank=True)
    legal_basis_scheme = models.CharField(max_length=200, blank=True)
    legal_basis_id = models.CharField(max_length=200, blank=True)
    tender_start = models.DateField(null=True, blank=True)
    tender_end = models.DateField(null=True, blank=True)
    awarded_on = models.DateField(null=True, blank=True)
    contract_start = models.DateField(null=True, blank=True)
    contract_end = models.DateField(null=True, blank=True)
    date_signed = models.DateField(null=True, blank=True)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the release as published")
    import_run = models.ForeignKey(
        "core.ImportRun",
        on_delete=models.PROTECT,
        related_name="published_notices",
        help_text="The import that first brought the notice in: its file and day",
    )

    class Meta:
        ordering = ["-published_at", "ocid", "release_id"]
        constraints = [
            models.UniqueConstraint(fields=["ocid", "release_id"], name="one_release_once")
        ]

    def __str__(self) -> str:
        return f"{self.ocid} {self.release_id}"

    @property
    def is_psr(self) -> bool:
        """Published under the Provider Selection Regime (SI 2023/1348)."""
        return self.legal_basis_id == "2023/1348"

    @property
    def tag_list(self) -> list[str]:
        return self.tags.split()


class PublishedNoticeSupplier(BaseModel):
    """A supplier a published notice names, as published, and the body in the registry."""

    notice = models.ForeignKey(PublishedNotice, on_delete=models.CASCADE, related_name="suppliers")
    position = models.PositiveSmallIntegerField()
    name = models.TextField()
    identifier = models.TextField(blank=True, help_text="scheme:id, as published")
    company_number = models.CharField(max_length=8, blank=True, help_text="Companies House")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="published_notices_won",
    )
    match = models.CharField(max_length=300, blank=True)

    names_bodies_as_published = True

    class Meta:
        ordering = ["notice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "position"], name="one_supplier_a_position")
        ]
