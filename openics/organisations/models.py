"""The registry: one table of bodies of every kind, and the dated relationships between them.

One table rather than one per kind, because lifecycle changes (merge, transfer, dissolve)
and "follow the money" treat every body alike; kind-specific facts are a few nullable
columns. See ADR 0008.
"""

from django.db import models
from django.db.models import Q

from openics.core.fields import FixedDecimalField, SetCheckedForeignKey
from openics.core.models import BaseModel
from openics.regimes.vocabulary import BODY_KIND_LABELS, BodyKind


class OwnershipClass(models.TextChoices):
    NHS = "nhs", "NHS"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    VOLUNTARY = "voluntary", "Voluntary and community"
    GP_PARTNERSHIP = "gp_partnership", "GP partnership"
    INDEPENDENT = "independent", "Independent for-profit"


class LocalAuthorityTier(models.TextChoices):
    UPPER = "upper", "Upper tier (county)"
    LOWER = "lower", "Lower tier (district)"
    UNITARY = "unitary", "Unitary (both tiers)"


KIND_CHOICES = [(kind.value, BODY_KIND_LABELS[kind]) for kind in BodyKind]


class OrganisationQuerySet(models.QuerySet):
    def of_kind(self, kind: BodyKind | str) -> "OrganisationQuerySet":
        return self.filter(kind=BodyKind(kind).value)

    def active_on(self, day) -> "OrganisationQuerySet":
        return self.filter(
            Q(active_from__isnull=True) | Q(active_from__lte=day),
            Q(active_to__isnull=True) | Q(active_to__gte=day),
        )

    def current(self) -> "OrganisationQuerySet":
        return self.filter(active_to__isnull=True)

    def in_service(self) -> "OrganisationQuerySet":
        """Current bodies that are not dormant: what "active practices" counts."""
        return self.current().filter(dormant=False)

    def search(self, text: str) -> "OrganisationQuerySet":
        text = text.strip()
        if not text:
            return self.none()
        return self.filter(
            Q(name__icontains=text) | Q(code__iexact=text) | Q(ons_code__iexact=text)
        )


class Organisation(BaseModel):
    kind = models.CharField(max_length=40, choices=KIND_CHOICES, db_index=True)
    code = models.CharField(
        max_length=12, blank=True, db_index=True, help_text="ODS code, where one exists"
    )
    ons_code = models.CharField(max_length=9, blank=True, db_index=True)
    name = models.CharField(max_length=200)
    ics_name = models.CharField(
        max_length=200, blank=True, help_text="For an ICB: the name of its integrated care system"
    )
    legal_form = models.CharField(max_length=80, blank=True)
    ownership = models.CharField(max_length=20, choices=OwnershipClass.choices)
    local_authority_tier = models.CharField(
        max_length=10, choices=LocalAuthorityTier.choices, blank=True
    )
    company_number = models.CharField(max_length=8, blank=True)
    charity_number = models.CharField(max_length=8, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    active_from = models.DateField(null=True, blank=True)
    active_to = models.DateField(null=True, blank=True)
    dormant = models.BooleanField(
        default=False,
        help_text="ODS lists it as dormant: not closed, and keeping its links, but not "
        "providing services now",
    )
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors"
    )
    staff_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Whole-time equivalent staff, where known"
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"], condition=~Q(code=""), name="organisation_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=models.F("active_from")),
                name="organisation_active_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code or self.ons_code or self.kind})"

    @property
    def kind_label(self) -> str:
        return BODY_KIND_LABELS[BodyKind(self.kind)]

    @property
    def public_code(self) -> str:
        return self.code or self.ons_code

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        if self.public_code:
            return reverse("organisations:organisation", args=[self.kind, self.public_code])
        return reverse("organisations:organisation-by-id", args=[self.pk])

    @property
    def is_current(self) -> bool:
        return self.active_to is None

    @property
    def status(self) -> str:
        """ "closed" once it has a closing day, else "dormant" when ODS says so, else "active"."""
        if self.active_to is not None:
            return "closed"
        return "dormant" if self.dormant else "active"


class RelationshipKind(models.TextChoices):
    WITHIN = "within", "is within"  # practice within ICB, ICB within region, place within ICB
    MEMBER = "member", "is a member of"  # practice of a PCN, provider of a collaborative
    LOCATED_IN = "located_in", "is located in"  # a practice's local authority district
    IN_PLACE = "in_place", "is in the place"  # the editable set of practices of a place
    OWNED_BY = "owned_by", "is owned by"  # a company and its parent


class RelationshipQuerySet(models.QuerySet):
    def current(self) -> "RelationshipQuerySet":
        return self.filter(active_to__isnull=True)

    def in_force_on(self, day) -> "RelationshipQuerySet":
        """The links that held on a day (an open start or end holds for ever)."""
        return self.filter(
            Q(active_from__isnull=True) | Q(active_from__lte=day),
            Q(active_to__isnull=True) | Q(active_to__gte=day),
        )


class Relationship(BaseModel):
    """A dated link from one body (the child) to another (the parent)."""

    # No index of their own: (child, kind) and (parent, kind) below serve them as well, and
    # a national import writes links by the ten thousand; for the same reason PostgreSQL
    # checks them as a set (migration 0007, ADR 0028).
    child = SetCheckedForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="parent_links", db_index=False
    )
    parent = SetCheckedForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="child_links", db_index=False
    )
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    active_from = models.DateField(null=True, blank=True)
    active_to = models.DateField(null=True, blank=True)

    objects = RelationshipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "parent", "kind"],
                condition=Q(active_to__isnull=True),
                name="relationship_current_unique",
            ),
            models.CheckConstraint(
                condition=~Q(child=models.F("parent")), name="relationship_not_self"
            ),
        ]
        indexes = [models.Index(fields=["parent", "kind"]), models.Index(fields=["child", "kind"])]

    def __str__(self) -> str:
        return f"{self.child} {self.get_kind_display()} {self.parent}"


class Function(BaseModel):
    """A function a body performs (e.g. 'commissioning of community services')."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="functions"
    )
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"


class SuccessionKind(models.TextChoices):
    MERGER = "merger", "merged into"
    SPLIT = "split", "split, part going to"
    ACQUISITION = "acquisition", "part acquired by"


class Succession(BaseModel):
    """A dated succession: on `on` the predecessor's area and work, or part of them, passed
    to the successor. A merger has one successor; a split has several, each with the
    practices it took. Kept for ever: it is how a year's figures are read on its own date."""

    predecessor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="successions_out"
    )
    successor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="successions_in"
    )
    on = models.DateField(help_text="The first day the successor holds what it took")
    kind = models.CharField(max_length=20, choices=SuccessionKind.choices)
    practices = models.PositiveIntegerField(default=0, help_text="Practices it took")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["on", "predecessor__name", "successor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "on"], name="succession_unique"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} {self.get_kind_display()} {self.successor} on {self.on}"


# -- people: staff by organisation and group, and staff who move between bodies ------------
class StaffFigure(BaseModel):
    """Staff of one group in one body on one day, as a published file states them.

    A figure is true of the body that employed the staff on that day, so, like a
    succession, it is not a holding: it never moves when the body merges or closes.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="staff_figures"
    )
    as_at = models.DateField(db_index=True)
    staff_group = models.CharField(max_length=60)
    fte = FixedDecimalField(places=5, null=True, blank=True)
    headcount = models.PositiveIntegerField(null=True, blank=True)
    name_in_file = models.CharField(max_length=200, blank=True)
    source_name = models.CharField(max_length=200, help_text="The published file it came from")
    source_lines = models.PositiveIntegerField(
        default=0, help_text="How many lines of the file it sums (over nationality)"
    )

    class Meta:
        ordering = ["organisation__name", "as_at", "staff_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "as_at", "staff_group"], name="staff_figure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.staff_group} on {self.as_at}"


class TransferBasis(models.TextChoices):
    TUPE = "tupe", "TUPE (Transfer of Undertakings (Protection of Employment) Regulations 2006)"
    COSOP = "cosop", "COSOP (Cabinet Office Statement of Practice on staff transfers)"
    TRANSFER_SCHEME = "transfer_scheme", "A transfer scheme made under the Act"


class StaffTransfer(BaseModel):
    """Staff who moved from one body to another with a function, and on what terms.

    It names both ends and the day, so it is a record about bodies, not a holding of
    either: it never moves when one of them later merges.
    """

    source = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="staff_transfers_out"
    )
    target = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="staff_transfers_in"
    )
    on = models.DateField(db_index=True)
    staff = models.PositiveIntegerField(help_text="Headcount transferred")
    functions = models.CharField(max_length=300, help_text="What moved with them")
    legal_basis = models.CharField(max_length=20, choices=TransferBasis.choices)
    agenda_for_change = models.BooleanField(
        help_text="Agenda for Change terms and conditions protected"
    )
    nhs_pension = models.BooleanField(help_text="Membership of the NHS Pension Scheme protected")
    other_terms = models.TextField(blank=True)
    illustrative = models.BooleanField(
        default=False, help_text="Made up to show the record; no public data on transfers exists"
    )

    class Meta:
        ordering = ["-on", "source__name"]
        constraints = [
            models.CheckConstraint(condition=Q(staff__gt=0), name="staff_transfer_some_staff"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="staff_transfer_two_bodies"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} staff from {self.source} to {self.target} on {self.on}"
