"""Populations by practice and year, as NHS England publishes them for allocations."""

from django.db import models

from openics.core.fields import FixedDecimalField, SetCheckedForeignKey
from openics.core.models import BaseModel
from openics.organisations.models import Organisation

# Populations are published with up to ten decimal places; six (a millionth of a person)
# is kept, exactly, as scaled integers.
_POPULATION = {"places": 6}

WEIGHTED_FIELDS = {
    "general_and_acute": "wp_general_and_acute",
    "community": "wp_community",
    "mental_health": "wp_mental_health",
    "maternity": "wp_maternity",
    "health_inequalities": "wp_health_inequalities",
    "prescribing": "wp_prescribing",
    "core": "wp_core",
    "primary_medical_care": "wp_primary_medical_care",
    "primary_medical_care_final": "wp_primary_medical_care_final",
}


class PracticePopulationQuerySet(models.QuerySet):
    def for_year(self, financial_year: str) -> "PracticePopulationQuerySet":
        return self.filter(financial_year=financial_year)

    def lists(self, financial_year: str, practice_ids=None) -> dict:
        """Practice id → registered list for the year (of the practices given, or all)."""
        rows = self.for_year(financial_year)
        if practice_ids is not None:
            rows = rows.filter(practice_id__in=practice_ids)
        return dict(rows.values_list("practice_id", "registered"))


class PracticePopulation(BaseModel):
    """A practice's registered list and needs-weighted populations for one financial year."""

    # Checked as a set on PostgreSQL, and with no index of its own: the unique (practice,
    # financial_year) serves it (migration 0003, ADR 0028).
    practice = SetCheckedForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="populations", db_index=False
    )
    financial_year = models.CharField(max_length=7, help_text="e.g. 2025/26")
    registered = FixedDecimalField(**_POPULATION, help_text="Registered patients (list size)")
    population = FixedDecimalField(**_POPULATION, help_text="Population the weights apply to")
    wp_general_and_acute = FixedDecimalField(**_POPULATION)
    wp_community = FixedDecimalField(**_POPULATION)
    wp_mental_health = FixedDecimalField(**_POPULATION)
    wp_maternity = FixedDecimalField(**_POPULATION)
    wp_health_inequalities = FixedDecimalField(**_POPULATION)
    wp_prescribing = FixedDecimalField(**_POPULATION)
    wp_core = FixedDecimalField(**_POPULATION)
    wp_primary_medical_care = FixedDecimalField(**_POPULATION)
    wp_primary_medical_care_final = FixedDecimalField(**_POPULATION)

    objects = PracticePopulationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "financial_year"], name="practice_population_year_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(registered__gte=0) & models.Q(population__gte=0),
                name="practice_population_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice.code} {self.financial_year}: {self.registered}"


class AreaDeprivation(BaseModel):
    """Index of Multiple Deprivation summary for a local authority or an ICB."""

    area = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="deprivation")
    edition = models.CharField(max_length=10, help_text="e.g. IoD2025")
    imd_score = FixedDecimalField(places=3, null=True)
    imd_rank = models.PositiveIntegerField(null=True, help_text="1 = most deprived")
    measures = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "edition"], name="area_deprivation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.edition}"


def register_population_combiner() -> None:
    """Two practices that merge have one list: their populations for a year are added."""
    from openics.core.audit import snapshot
    from openics.organisations.lifecycle import combine_on_merge

    @combine_on_merge(PracticePopulation)
    def combine(record: PracticePopulation, target, audit) -> None:
        existing = PracticePopulation.objects.filter(
            practice=target, financial_year=record.financial_year
        ).first()
        if existing is None:
            before = snapshot(record)
            record.practice = target
            record.save()
            audit.changed(record, before, action="population.transfer")
            return
        before = snapshot(existing)
        numeric = ["registered", "population", *WEIGHTED_FIELDS.values()]
        for name in numeric:
            setattr(existing, name, getattr(existing, name) + getattr(record, name))
        existing.save()
        audit.changed(existing, before, action="population.combine")
        gone = snapshot(record)
        record.delete()
        audit.record(
            object_type="population.practicepopulation",
            object_id=str(gone["id"]),
            before=gone,
            after=None,
            action="population.combine",
        )


def register_overlap_combiner() -> None:
    """Two ICBs that merge cover, together, what each covered: where both overlapped the same
    local authority, their small areas are added (never more than the authority has)."""
    from openics.core.audit import snapshot
    from openics.organisations.lifecycle import combine_on_merge

    @combine_on_merge(IcbLocalAuthorityOverlap)
    def combine(record: IcbLocalAuthorityOverlap, target, audit) -> None:
        by_icb = target.kind != "local_authority"  # else a council's own succession
        existing = IcbLocalAuthorityOverlap.objects.filter(
            icb=target if by_icb else record.icb,
            local_authority=record.local_authority if by_icb else target,
        ).first()
        if existing is None:
            before = snapshot(record)
            setattr(record, "icb" if by_icb else "local_authority", target)
            record.save()
            audit.changed(record, before, action="population.overlap_transfer")
            return
        before = snapshot(existing)
        existing.lsoas_in_both = min(
            existing.lsoas_in_both + record.lsoas_in_both, existing.lsoas_in_local_authority
        )
        existing.save()
        audit.changed(existing, before, action="population.overlap_combine")
        gone = snapshot(record)
        record.delete()
        audit.record(
            object_type="population.icblocalauthorityoverlap",
            object_id=str(gone["id"]),
            before=gone,
            after=None,
            action="population.overlap_combine",
        )


class IcbLocalAuthorityOverlap(BaseModel):
    """How much of a local authority's area lies in an ICB, counted in small areas (LSOAs)."""

    icb = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="la_overlaps")
    local_authority = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="icb_overlaps"
    )
    lsoas_in_both = models.PositiveIntegerField()
    lsoas_in_local_authority = models.PositiveIntegerField()
    source = models.CharField(max_length=100, help_text="e.g. ONS LSOA11 → ICB22 → LAD22 lookup")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["icb", "local_authority"], name="icb_la_overlap_unique")
        ]

    def __str__(self) -> str:
        shared = f"{self.lsoas_in_both}/{self.lsoas_in_local_authority}"
        return f"{self.local_authority} in {self.icb}: {shared}"

    @property
    def share(self):
        from decimal import Decimal

        return Decimal(self.lsoas_in_both) / Decimal(self.lsoas_in_local_authority)


class ResidentPopulation(BaseModel):
    """Usual residents of a council's area at mid-year, by single year of age (ONS).

    Kept for districts and unitary authorities (which partition England) and for county
    councils (the sum of their districts, as ONS prints it). `by_age` keeps all 91 counts
    (0 to 89, then 90 and over) rather than a few bands: the file is small, bands can
    always be summed from single years and never the other way, and the bands people ask
    for differ (0–17 for children's services, 65+ for adult social care, 0–4 for health
    visiting).
    """

    area = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="residents")
    mid_year = models.PositiveSmallIntegerField(help_text="Estimates are for 30 June of this year")
    boundaries = models.CharField(
        max_length=4, help_text="Year of the council boundaries, e.g. 2023"
    )
    all_ages = models.PositiveIntegerField()
    by_age = models.JSONField(help_text="91 counts: ages 0 to 89, then 90 and over")
    source = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "mid_year"], name="resident_population_unique")
        ]

    def __str__(self) -> str:
        return f"{self.area} mid-{self.mid_year}: {self.all_ages:,}"

    def aged(self, start: int, end: int | None = None) -> int:
        """Residents aged `start` to `end` inclusive (None: and over; 90 means 90 and over)."""
        stop = len(self.by_age) if end is None else min(end, 90) + 1
        return sum(self.by_age[start:stop])
