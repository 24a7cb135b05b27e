"""Boards, seats and members; people, their posts and declared interests; meetings, items,
votes and recusals; powers from above; and the append-only record of decisions."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import Q

from openics.core.fields import MoneyField
from openics.core.models import BaseModel
from openics.organisations.models import Organisation
from openics.regimes.vocabulary import BOARD_KIND_LABELS, BOARD_ROLE_LABELS, INTEREST_LABELS

BOARD_KINDS = list(BOARD_KIND_LABELS.items())
ROLES = list(BOARD_ROLE_LABELS.items())
CATEGORIES = list(INTEREST_LABELS.items())
EXECUTIVE_ROLES = ("chief_executive", "finance_director", "medical_director", "nursing_director")


class Board(BaseModel):
    """A board or committee: an ICB board, an ICP, a place or joint committee, a CCG's body."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=BOARD_KINDS)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="boards",
        help_text="The body whose board or committee this is (the lead body of a joint one)",
    )
    bodies = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="joint_boards",
        help_text="Every body a joint committee acts for",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="committees"
    )
    purpose = models.TextField(blank=True)
    pooled_budget = MoneyField(null=True, blank=True, help_text="A joint committee's pooled budget")
    quorum = models.JSONField(
        null=True, blank=True, help_text="Its constitution's own quorum; empty means the model"
    )
    requirements = models.JSONField(
        null=True,
        blank=True,
        help_text="The membership its own constitution requires beyond the law, each "
        "{title, roles, at_least, source}; empty where not recorded",
    )
    established_on = models.DateField()
    dissolved_on = models.DateField(null=True, blank=True)
    illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["established_on", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self) -> str:
        return BOARD_KIND_LABELS.get(self.kind, self.kind)

    def exists_on(self, day) -> bool:
        return self.established_on <= day and (
            self.dissolved_on is None or day <= self.dissolved_on
        )

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("boards:board", args=[self.slug])


class Person(BaseModel):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    mental_health_expertise = models.BooleanField(
        default=False,
        help_text="Has knowledge and experience of services for the prevention, diagnosis and "
        "treatment of mental illness (NHS Act 2006 Sch 1B para 8(6))",
    )
    illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Post(BaseModel):
    """A position a person holds in another body (a provider's chief executive, say)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="posts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    starts = models.DateField()
    ends = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["starts"]


class Seat(BaseModel):
    """A place on a board with its role; members hold it one term after another."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="seats")
    title = models.CharField(max_length=200)
    role = models.CharField(max_length=30, choices=ROLES)
    voting = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["board", "position", "title"]
        constraints = [models.UniqueConstraint(fields=["board", "title"], name="seat_title_unique")]

    def __str__(self) -> str:
        return f"{self.title} ({self.board})"

    @property
    def role_label(self) -> str:
        return BOARD_ROLE_LABELS.get(self.role, self.role)


class MembershipQuerySet(models.QuerySet):
    def on(self, day) -> MembershipQuerySet:
        """Members holding their seat on the day (appointed, term not over, not yet left)."""
        return self.filter(starts__lte=day, term_ends__gte=day).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=day)
        )


class Membership(BaseModel):
    """One person's term in one seat."""

    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    appointed_by = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    nominated_by = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    starts = models.DateField()
    term_ends = models.DateField()
    left_on = models.DateField(
        null=True, blank=True, help_text="The first day they no longer held the seat"
    )
    left_reason = models.TextField(blank=True)
    deputy_chair = models.BooleanField(default=False)
    illustrative = models.BooleanField(default=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["seat__position", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_ends__gte=models.F("starts")), name="membership_term_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} as {self.seat.title}"

    @property
    def last_day(self):
        """The last day they hold the seat."""
        return self.left_on - timedelta(days=1) if self.left_on else self.term_ends

    def holds_on(self, day) -> bool:
        return self.starts <= day <= self.last_day


class FitAndProperCheck(BaseModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="fppt_checks")
    completed_on = models.DateField()
    assessed_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["completed_on"]


class Declaration(BaseModel):
    """A declared interest in an organisation in the registry."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="declarations")
    category = models.CharField(max_length=30, choices=CATEGORIES)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="declared_interests"
    )
    nature = models.CharField(max_length=300)
    related_person = models.CharField(
        max_length=200, blank=True, help_text="For an indirect interest: whose it is"
    )
    arose_on = models.DateField()
    declared_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["person__name", "arose_on"]

    @property
    def category_label(self) -> str:
        return INTEREST_LABELS.get(self.category, self.category)

    @property
    def late(self) -> bool:
        return (self.declared_on - self.arose_on).days > 28


class DeclarationReturn(BaseModel):
    """A full declaration of a person's interests on a day, or a nil return."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="returns")
    made_on = models.DateField()
    nil = models.BooleanField(default=False)

    class Meta:
        ordering = ["made_on"]


class Gift(BaseModel):
    class Kind(models.TextChoices):
        GIFT = "gift", "Gift"
        HOSPITALITY = "hospitality", "Hospitality"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="gifts")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    description = models.CharField(max_length=300)
    source = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    source_name = models.CharField(max_length=200, blank=True)
    value = MoneyField()
    received_on = models.DateField()
    from_supplier = models.BooleanField(default=False)
    from_patient = models.BooleanField(default=False)
    cash_or_voucher = models.BooleanField(default=False)
    accepted = models.BooleanField(default=True)
    senior_approval = models.BooleanField(default=False)
    declared_on = models.DateField(null=True, blank=True)
    breaches = models.JSONField(default=list, help_text="What the rules said when it was recorded")
    regime_id = models.CharField(max_length=40)
    illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["received_on"]

    @property
    def giver(self) -> str:
        return self.source.name if self.source_id else self.source_name


class Meeting(BaseModel):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    reference = models.SlugField(max_length=80, unique=True)
    held_on = models.DateField()
    title = models.CharField(max_length=200)
    public = models.BooleanField(default=True)
    location = models.CharField(max_length=200, blank=True)
    illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["held_on"]

    def __str__(self) -> str:
        return f"{self.board}: {self.held_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("boards:meeting", args=[self.reference])


class ItemKind(models.TextChoices):
    DECISION = "decision", "Decision"
    PROVIDER_SELECTION = "provider_selection", "Provider selection decision"
    RECONFIGURATION = "reconfiguration", "Reconfiguration of services"
    NOTING = "noting", "For noting"


class ItemStatus(models.TextChoices):
    OPEN = "open", "Not yet taken"
    DECIDED = "decided", "Decided"
    NOT_TAKEN = "not_taken", "Could not be taken"


class AgendaItem(BaseModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    number = models.CharField(max_length=10)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    paper_title = models.CharField(max_length=300, blank=True)
    paper_url = models.URLField(blank=True)
    organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="agenda_items",
        help_text="The organisations the item affects, besides a decision's provider",
    )
    provider = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="board_items_selecting",
        help_text="For a provider selection item: the provider the decision selects",
    )
    decision_reference = models.CharField(
        max_length=40,
        blank=True,
        help_text="For a provider selection item: the reference of the decision it takes "
        "(the decision points at this item)",
    )
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default="open")
    resolution = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, blank=True)
    outcome_reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["meeting__held_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="item_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Attendance(BaseModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="attendance_unique")
        ]


class Recusal(BaseModel):
    """A member stepping out of an item because of a conflict; recorded in the minutes."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="recusals")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="recusals")
    reasons = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "membership"], name="recusal_unique")
        ]


class Vote(BaseModel):
    class Choice(models.TextChoices):
        FOR = "for", "For"
        AGAINST = "against", "Against"
        ABSTAIN = "abstain", "Abstained"

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="votes")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(max_length=8, choices=Choice.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "membership"], name="vote_unique")]


class Intervention(BaseModel):
    """A power used from above: a direction, a call-in, an intervention."""

    reference = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    regime_id = models.CharField(max_length=40)
    basis = models.CharField(max_length=200)
    made_on = models.DateField()
    made_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    addressed_to = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    subject = models.TextField()
    blocks = models.CharField(max_length=8, help_text="none, board or item")
    board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.PROTECT, related_name="interventions"
    )
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="interventions"
    )
    window_ends = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["made_on"]

    def in_effect_on(self, day) -> bool:
        last = self.ended_on or self.window_ends
        return self.made_on <= day and (last is None or day <= last)


class RecordEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the record of decisions is append-only: entries cannot change")

    def delete(self):
        raise PermissionError("the record of decisions is append-only: entries cannot be deleted")


class RecordEntry(models.Model):
    """One entry in the public record of decisions. Each carries the hash of the one before,
    so a change made behind the application's back breaks the chain where it was made."""

    sequence = models.PositiveBigIntegerField(primary_key=True)
    entered_at = models.DateTimeField()
    kind = models.CharField(max_length=40)
    board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.PROTECT, related_name="record"
    )
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="record"
    )
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    body = models.JSONField()
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = RecordEntryQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"{self.sequence}. {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("the record of decisions is append-only: entries cannot change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the record of decisions is append-only: entries cannot be deleted")
