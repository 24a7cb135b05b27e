"""Plans and strategy: the integrated care strategy (by the partnership), the joint forward
plan and the capital resource use plan (by the ICB and its partner trusts, each year), the
ICB's annual report, the joint strategic needs assessments of the councils, their aims as
structured items, and the decisions that cite an aim and say how they had regard to it.
See ADR 0020 and ADR 0027."""

from django.db import models

from openics.allocation.models import PlaceAllocationRun
from openics.arranging.models import SelectionDecision
from openics.core.models import BaseModel
from openics.governance.models import AgendaItem
from openics.organisations.models import Organisation


class DocumentKind(models.TextChoices):
    STRATEGY = "integrated_care_strategy", "Integrated care strategy"
    JOINT_FORWARD_PLAN = "joint_forward_plan", "Joint forward plan"
    NEEDS_ASSESSMENT = "joint_strategic_needs_assessment", "Joint strategic needs assessment"
    CAPITAL_PLAN = "capital_resource_use_plan", "Capital resource use plan"
    ANNUAL_REPORT = "annual_report", "Annual report"


# The documents the law asks for year by year, each with the rule that dates it.
YEARLY_KINDS = {
    DocumentKind.JOINT_FORWARD_PLAN.value: "planning.joint-forward-plan",
    DocumentKind.CAPITAL_PLAN.value: "planning.capital-plan",
    DocumentKind.ANNUAL_REPORT.value: "planning.annual-report",
}


class PlanDocument(BaseModel):
    reference = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=40, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    icb = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="plan_documents_of_system"
    )
    authors = models.ManyToManyField(Organisation, related_name="plan_documents_written")
    financial_year = models.CharField(
        max_length=7,
        blank=True,
        help_text="For a joint forward plan or capital resource use plan: the year it is "
        "for; for an annual report: the year it reports on",
    )
    years_covered = models.PositiveSmallIntegerField(default=5)
    prepared_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    given_to = models.JSONField(
        default=list, help_text="icp, health_and_wellbeing_boards, nhs_england"
    )
    document_url = models.URLField(blank=True)
    illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["kind", "-financial_year", "title"]


class Aim(BaseModel):
    document = models.ForeignKey(PlanDocument, on_delete=models.CASCADE, related_name="aims")
    number = models.PositiveSmallIntegerField()
    aim = models.CharField(max_length=300)
    population = models.CharField(max_length=200)
    measure = models.CharField(max_length=300)
    target = models.CharField(max_length=200)

    class Meta:
        ordering = ["document__reference", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="aim_number_unique")
        ]

    @property
    def reference(self) -> str:
        return f"{self.document.reference}.{self.number}"


class AimCitation(BaseModel):
    """A decision (a provider selection, a place budget or a board item) that serves an aim,
    and how it had regard to the strategy."""

    aim = models.ForeignKey(Aim, on_delete=models.PROTECT, related_name="citations")
    decision = models.ForeignKey(
        SelectionDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="aims"
    )
    place_budget = models.ForeignKey(
        PlaceAllocationRun, null=True, blank=True, on_delete=models.PROTECT, related_name="aims"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="aims"
    )
    how_regard = models.TextField(blank=True, help_text="How it had regard to the strategy")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        decision__isnull=False, place_budget__isnull=True, agenda_item__isnull=True
                    )
                    | models.Q(
                        decision__isnull=True, place_budget__isnull=False, agenda_item__isnull=True
                    )
                    | models.Q(
                        decision__isnull=True, place_budget__isnull=True, agenda_item__isnull=False
                    )
                ),
                name="aim_citation_cites_one_thing",
            )
        ]
