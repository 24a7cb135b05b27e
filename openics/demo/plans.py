"""Illustrative plans of the Black Country: the integrated care strategy, the joint forward
plans and capital resource use plans for each year from 2023/24 (the first the law asks
for) to 2026/27, the ICB's annual reports on 2022/23 to 2025/26, Dudley's joint strategic
needs assessment, their aims, and decisions that cite them: provider selections and place
budgets that say how they had regard to the strategy, and one board decision that cites an
aim but records no regard, so `openics check` flags it. Made up, and marked illustrative;
the links are placeholders."""

from __future__ import annotations

from datetime import date

from openics.plans.models import PlanDocument
from openics.plans.services import add_aim, cite_aim, record_document

COUNCILS = ["E08000027", "E08000028", "E08000030", "E08000031"]
EVERYONE = ("icp", "health_and_wellbeing_boards", "nhs_england")
LINK = "https://example.org/illustrative/black-country/"
AIMS = {
    "BC-ICS-2023": [
        (
            "Cut the gap in healthy life expectancy between the most and least deprived areas",
            "Residents of the Black Country's most deprived fifth of neighbourhoods",
            "Healthy life expectancy gap, years",
            "Narrowed by 1 year by 2028",
        ),
        (
            "More care at home and in the community rather than in hospital",
            "People aged 65 and over",
            "Emergency admissions per 1,000 people aged 65 and over",
            "Down 10% by 2027/28",
        ),
        (
            "Faster access to mental health support for children and young people",
            "Children and young people aged 0 to 25",
            "Share seen within 4 weeks of referral",
            "75% by March 2027",
        ),
    ],
}


def load(actor, reason: str) -> None:
    from openics.allocation.models import PlaceAllocationRun
    from openics.arranging.models import SelectionDecision
    from openics.governance.models import AgendaItem
    from openics.organisations.models import Organisation

    icb = Organisation.objects.filter(kind="icb", code="QUA").first()
    if icb is None or PlanDocument.objects.filter(icb=icb).exists():
        return
    who = {"actor": actor, "reason": reason, "illustrative": True}
    councils = list(Organisation.objects.filter(kind="local_authority", ons_code__in=COUNCILS))
    trusts = list(
        Organisation.objects.filter(
            code__in=["RNA", "RXK", "RBK", "RL4", "TAJ"],
            kind__in=["nhs_trust", "foundation_trust"],
        )
    )
    strategy = record_document(
        reference="BC-ICS-2023",
        kind="integrated_care_strategy",
        title="Black Country integrated care strategy 2023 to 2028 (illustrative)",
        icb=icb,
        authors=[icb, *councils],
        prepared_on=date(2023, 1, 20),
        published_on=date(2023, 1, 31),
        given_to=("health_and_wellbeing_boards", "nhs_england"),
        document_url=LINK + "strategy",
        **who,
    )
    dudley = [c for c in councils if c.ons_code == "E08000027"]
    if dudley:
        record_document(
            reference="DUD-JSNA-2024",
            kind="joint_strategic_needs_assessment",
            title="Dudley joint strategic needs assessment 2024 (illustrative)",
            icb=icb,
            authors=dudley,
            prepared_on=date(2024, 6, 3),
            published_on=date(2024, 6, 17),
            document_url=LINK + "dudley-jsna",
            **who,
        )
    for year, prepared, published in (
        ("2023/24", date(2023, 6, 27), date(2023, 6, 30)),  # the first: due by 30 June 2023
        ("2024/25", date(2024, 3, 21), date(2024, 3, 28)),
        ("2025/26", date(2025, 3, 20), date(2025, 3, 28)),
        ("2026/27", date(2026, 3, 19), date(2026, 3, 27)),
    ):
        record_document(
            reference=f"BC-JFP-{year.replace('/', '-')}",
            kind="joint_forward_plan",
            title=f"Black Country joint forward plan, refreshed for {year} (illustrative)",
            icb=icb,
            authors=[icb, *trusts],
            financial_year=year,
            prepared_on=prepared,
            published_on=published,
            given_to=EVERYONE,
            document_url=LINK + f"jfp-{year.replace('/', '-')}",
            **who,
        )
    for year, prepared, published in (
        ("2023/24", date(2023, 3, 16), date(2023, 3, 24)),
        ("2024/25", date(2024, 3, 14), date(2024, 3, 22)),
        ("2025/26", date(2025, 3, 13), date(2025, 3, 21)),
        ("2026/27", date(2026, 3, 12), date(2026, 3, 20)),
    ):
        slug = year.replace("/", "-")
        record_document(
            reference=f"BC-CAP-{slug}",
            kind="capital_resource_use_plan",
            title=f"Black Country capital resource use plan {year} (illustrative)",
            icb=icb,
            authors=[icb, *trusts],
            financial_year=year,
            years_covered=1,
            prepared_on=prepared,
            published_on=published,
            given_to=EVERYONE,
            document_url=LINK + f"capital-plan-{slug}",
            **who,
        )
    for year in ("2022/23", "2023/24", "2024/25", "2025/26"):
        start = int(year[:4]) + 1
        slug = year.replace("/", "-")
        record_document(
            reference=f"BC-AR-{slug}",
            kind="annual_report",
            title=f"NHS Black Country ICB annual report {year} (illustrative)",
            icb=icb,
            authors=[icb],
            financial_year=year,
            years_covered=1,
            prepared_on=date(start, 6, 19),
            published_on=date(start, 6, 26),
            given_to=("nhs_england",),
            document_url=LINK + f"annual-report-{slug}",
            **who,
        )
    plain = {"actor": actor, "reason": reason}
    aims = [
        add_aim(document=strategy, aim=a, population=p, measure=m, target=t, **plain)
        for a, p, m, t in AIMS["BC-ICS-2023"]
    ]
    decisions = list(SelectionDecision.objects.filter(commissioner=icb).order_by("reference")[:2])
    for aim, decision in zip(aims[1:], decisions, strict=False):
        cite_aim(
            aim=aim,
            decision=decision,
            how_regard="The board weighed the strategy's aim for care closer to home "
            "(illustrative)",
            **plain,
        )
    for run in PlaceAllocationRun.objects.filter(icb=icb, status="approved"):
        cite_aim(
            aim=aims[0],
            place_budget=run,
            how_regard="Places' budgets follow need, weighted for deprivation (illustrative)",
            **plain,
        )
    # The board's decision on the collaborative's elective plan cites the aim of care closer
    # to home but its minutes say nothing of how the strategy was weighed: `openics check`
    # and the plans page flag it, as a record without regard is meant to be shown.
    elective = (
        AgendaItem.objects.filter(
            meeting__board__organisation=icb, kind="decision", status="decided"
        )
        .order_by("-meeting__held_on")
        .first()
    )
    if elective is not None:
        cite_aim(aim=aims[1], agenda_item=elective, how_regard="", **plain)
