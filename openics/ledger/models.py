"""The books: accounts (pots of money), transactions, their postings, and flow totals.

A posting is never changed or deleted; a mistake is put right by a reversal. The
database refuses updates to postings (a trigger on SQLite and PostgreSQL) and, on
PostgreSQL, refuses to commit a transaction whose postings do not add up to zero.
`FlowTotal` is a running summary of the flows between accounts per financial year,
kept in the same database transaction as the postings, so reports never scan them;
`openics check` recomputes it from the postings.
"""

from django.conf import settings
from django.db import models

from openics.contracts.models import Contract
from openics.core.fields import choices_of
from openics.core.models import BaseModel
from openics.organisations.models import Organisation
from openics.regimes.vocabulary import Sector


class Purpose(models.TextChoices):
    FUNDING = "funding", "Funding issued"  # where money enters the books (e.g. NHS England)
    ALLOCATION = "allocation", "Allocation received"
    BUDGET = "budget", "Budget"
    POOLED_FUND = "pooled_fund", "Pooled fund"
    COMMITMENT = "commitment", "Commitment to a contract"
    PAYABLE = "payable", "Payable (invoice approved, not yet paid)"
    CASH = "cash", "Cash received"
    OPERATING_COSTS = "operating_costs", "Operating costs"  # where money leaves the books


# Accounts whose outflow may exceed their inflow: money enters the books there.
SOURCE_PURPOSES = {Purpose.FUNDING}


class RingFenceKind(models.TextChoices):
    PUBLIC_HEALTH_GRANT = "public_health_grant", "Public health grant"
    SECTION_75_POOL = "section_75_pool", "Section 75 pooled fund"


class RingFence(BaseModel):
    """A fund that may be spent only on its purpose (rules in regimes: ledger.ring-fence)."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=RingFenceKind.choices)
    holder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="ring_fences_held"
    )
    partners = models.ManyToManyField(Organisation, blank=True, related_name="ring_fences")
    agreed_sectors = models.JSONField(
        default=list, blank=True, help_text="Section 75: the purposes the agreement names"
    )
    agreement = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name


class AccountQuerySet(models.QuerySet):
    def of(self, organisation):
        return self.filter(organisation=organisation)


class Account(BaseModel):
    key = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=250)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    sector = models.CharField(max_length=20, choices=choices_of(Sector), blank=True)
    place = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="place_ledger_accounts",
    )
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    ring_fence = models.ForeignKey(
        RingFence, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    balance_pence = models.BigIntegerField(
        default=0, help_text="Sum of all postings; kept with each posting, checked by openics check"
    )

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_source(self) -> bool:
        return self.purpose in SOURCE_PURPOSES


class TransactionKind(models.TextChoices):
    ALLOCATION = "allocation", "Allocation"
    GRANT = "grant", "Grant"
    DELEGATION = "delegation", "Delegation to a place"
    VIREMENT = "virement", "Budget transfer"
    POOLING = "pooling", "Contribution to a pooled fund"
    COMMITMENT = "commitment", "Commitment"
    INVOICE_APPROVAL = "invoice_approval", "Invoice approved for payment"
    PAYMENT = "payment", "Payment"
    SUBCONTRACT_PAYMENT = "subcontract_payment", "Payment to a subcontractor"
    OPERATING_COST = "operating_cost", "Operating cost"
    REVERSAL = "reversal", "Reversal"
    ADJUSTMENT = "adjustment", "Adjustment"


# The kinds of transaction that pay a provider (one payment, or a payment run's month).
PAYMENT_KINDS = (TransactionKind.PAYMENT, TransactionKind.SUBCONTRACT_PAYMENT)


class Transaction(BaseModel):
    number = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=20, choices=TransactionKind.choices)
    effective_date = models.DateField(db_index=True)
    # Not indexed: a year's transactions are found through posting_account_year.
    financial_year = models.CharField(max_length=7)
    recorded_at = models.DateTimeField(auto_now_add=True)
    description = models.CharField(max_length=300)
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="transactions"
    )
    invoice_number = models.CharField(max_length=60, blank=True)
    element = models.CharField(
        max_length=10, blank=True, help_text="For a blended payment: fixed or variable"
    )
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    actor_system = models.CharField(max_length=100, blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["effective_date", "recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "invoice_number"],
                condition=models.Q(kind__in=["payment", "subcontract_payment"])
                & ~models.Q(invoice_number=""),
                name="one_payment_per_invoice",
            ),
        ]
        indexes = [
            # The bulk import's "approved as a payable" check, without reading every payment.
            models.Index(
                fields=["contract", "invoice_number"],
                condition=models.Q(kind="invoice_approval"),
                name="invoice_approvals",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.effective_date} {self.description}"

    @property
    def actor_label(self) -> str:
        return (
            self.actor_user.get_username() if self.actor_user_id else f"system:{self.actor_system}"
        )


class Posting(models.Model):
    """One leg of a transaction: pence into (+) or out of (−) an account. Never changed.

    Its transaction and account are not foreign-key constraints in the database: a
    constraint is checked row by row (on PostgreSQL, a locking query per posting, most of
    a bulk import's time). Triggers check them instead — on PostgreSQL once per INSERT
    statement, as a set — and refuse deleting a transaction or account that has postings
    (migration 0006, ADR 0023); `openics check` looks for postings without either.
    """

    id = models.BigAutoField(primary_key=True)
    transaction = models.ForeignKey(
        Transaction, on_delete=models.PROTECT, related_name="postings", db_constraint=False
    )
    # Indexed by posting_account_year, whose first column it is.
    account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="postings",
        db_constraint=False,
        db_index=False,
    )
    amount_pence = models.BigIntegerField()
    effective_date = models.DateField()
    financial_year = models.CharField(max_length=7)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["account", "financial_year"], name="posting_account_year")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount_pence=0), name="posting_moves_money")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount_pence:+}p"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("postings are immutable: correct them with a reversal")
        super().save(*args, **kwargs)


class PaymentLine(models.Model):
    """One payment of a payment run: a bulk file's row, kept as it was paid.

    A payments file is posted to the books as a payment run (ADR 0029): for each contract
    and calendar month in the file, one transaction of kind payment (or subcontract
    payment) moves the month's total from the payer to the provider's cash, dated the
    month's last payment in the file, and its lines — this table — hold each payment's
    invoice, day and amount. The lines of a transaction add up to what its postings move;
    `openics check` recomputes that, the chain over the postings covers the lines, and the
    database refuses changing or deleting one. The transaction and contract are not
    foreign-key constraints (checked row by row, they would be most of an import's time):
    the import writes only ids it has just read, and `openics check` looks for orphans.
    """

    id = models.BigAutoField(primary_key=True)
    transaction = models.ForeignKey(
        Transaction, on_delete=models.PROTECT, related_name="lines", db_constraint=False
    )
    # Indexed by one_payment_line_per_invoice, whose first column it is.
    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        related_name="payment_lines",
        db_constraint=False,
        db_index=False,
    )
    invoice_number = models.CharField(max_length=60)
    paid_on = models.DateField()
    amount_pence = models.BigIntegerField()
    element = models.CharField(max_length=10, blank=True)
    line = models.PositiveIntegerField(help_text="Its line in the file it came from")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "invoice_number"], name="one_payment_line_per_invoice"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_pence__gt=0), name="payment_line_pays_something"
            ),
        ]

    def __str__(self) -> str:
        return f"invoice {self.invoice_number}: {self.amount_pence}p on {self.paid_on}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("payment lines are immutable: correct them with a reversal")
        super().save(*args, **kwargs)


class FlowTotal(models.Model):
    """Money moved from one account to another in a financial year (net of reversals)."""

    id = models.BigAutoField(primary_key=True)
    financial_year = models.CharField(max_length=7)
    source = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="outflows")
    target = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="inflows")
    amount_pence = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["financial_year", "source", "target"], name="flow_total_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.financial_year} {self.source_id} → {self.target_id}: {self.amount_pence}p"


class PostingSealQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("seals are links in the chain over the postings: they cannot change")

    def delete(self):
        raise PermissionError("seals are links in the chain over the postings: they cannot go")


class PostingSeal(models.Model):
    """A link in the hash chain over the postings: the postings written since the seal before
    (ids after its `last_posting`, up to this one's) and the payment lines written with
    them, hashed in id order, with the hash of the seal before. Each transaction a service
    posts is sealed on its own, each bulk import as one seal."""

    sequence = models.PositiveBigIntegerField(primary_key=True)
    sealed_at = models.DateTimeField()
    last_posting = models.BigIntegerField(help_text="The id of the last posting it covers")
    postings = models.PositiveIntegerField(help_text="How many postings it covers")
    total_postings = models.PositiveBigIntegerField(help_text="How many postings, this and before")
    last_line = models.BigIntegerField(
        default=0,
        db_default=0,
        help_text="The id of the last payment line it or a seal before it covers (0: none)",
    )
    lines = models.PositiveIntegerField(
        default=0, db_default=0, help_text="How many payment lines it covers"
    )
    digest = models.CharField(
        max_length=64, help_text="SHA-256 of its postings' lines, then its payment lines'"
    )
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = PostingSealQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"seal {self.sequence} (to posting {self.last_posting})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(
                "seals are links in the chain over the postings: they cannot change"
            )
        super().save(*args, **kwargs)
