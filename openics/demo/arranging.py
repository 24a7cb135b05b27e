"""A year of provider selection decisions for NHS Black Country ICB (December 2025 to November
2026). Every decision, service and value here is synthetic: made up to exercise each
process, and marked `illustrative` so every page, export and listing says so. The bodies
are the demonstration's own (real NHS trusts, illustrative companies and charities).

Each step goes through the audited services, so the demonstration obeys the same rules
as real use: one Direct Award C is attempted with a 30% rise and refused on the record.
"""

from __future__ import annotations

from datetime import date

from openics.arranging import services as arranging
from openics.arranging.models import SelectionDecision
from openics.contracts import services as contracts
from openics.contracts.models import Contract, Service
from openics.core.audit import Refused
from openics.kernel.money import Money
from openics.organisations.models import Organisation

CRITERIA_KEYS = (
    "quality_innovation",
    "value",
    "integration_collaboration_sustainability",
    "access_inequalities_choice",
    "social_value",
)
COMMITTEE = ["ICB Executive Committee (chief executive, director of finance, medical director)"]
# Who the board's rules recuse from each decision (see openics/demo/boards.py, where the
# same fictional people declare these interests); the decision record lists them too.
RECUSED = {
    "QUA-PSR-2025-001": [("Dr Tariq Invented", "Chief executive of the provider")],
    "QUA-PSR-2026-003": [("Dr Tariq Invented", "Chief executive of the provider")],
    "QUA-PSR-2026-004": [("Leo Notreal", "Trustee of a charity the provider's parent funds")],
    "QUA-PSR-2026-006": [("Leo Notreal", "Trustee of a charity the provider's parent funds")],
    "QUA-PSR-2026-008": [
        ("Dr Ada Example", "Sessional GP for the out-of-hours service (financial)"),
        ("Dr Omar Testcase", "Adviser to a collaborative the provider belongs to"),
    ],
    "QUA-PSR-2026-009": [
        ("Dr Tariq Invented", "Chief executive of the provider"),
        ("Dr Omar Testcase", "Adviser to a collaborative the provider belongs to"),
    ],
    "QUA-PSR-2026-010": [("Iris Fictional", "Her son works for the provider (indirect)")],
    "QUA-PSR-2026-012": [("Nadia Madeup", "Chief executive of the provider")],
}


def _criteria(*notes: tuple[str, str]) -> list[dict]:
    return [
        {"criterion": key, "importance": importance, "justification": text}
        for key, (importance, text) in zip(CRITERIA_KEYS, notes, strict=True)
    ]


STANDARD_CRITERIA = _criteria(
    ("high", "CQC rating good; patient-reported experience above the Black Country average."),
    ("high", "Price within 2% of the benchmark for comparable community contracts."),
    ("medium", "Shares records and pathways with the place's primary care networks."),
    ("medium", "Extends evening clinics in the two most deprived neighbourhoods."),
    ("low", "Local recruitment and apprenticeships committed in the contract."),
)


def load(actor, reason: str) -> dict:
    """Loads the year of decisions; does nothing the second time."""
    if SelectionDecision.objects.filter(illustrative=True).exists():
        return {"decisions": SelectionDecision.objects.filter(illustrative=True).count()}
    icb = Organisation.objects.get(kind="icb", code="QUA")
    places = {
        p.name.removesuffix(" place"): p
        for p in Organisation.objects.filter(
            kind="place", parent_links__parent=icb, active_to__isnull=True
        )
    }
    org = {
        code: Organisation.objects.get(code=code) for code in ("RNA", "RXK", "RBK", "RL4", "TAJ")
    }
    named = {
        key: Organisation.objects.filter(name__startswith=prefix).first()
        for key, prefix in [
            ("imaging", "Black Country Imaging"),
            ("voluntary", "Dudley Community Links"),
            ("homecare", "Black Country Home Care"),
        ]
    }
    who = {"actor": actor, "reason": reason}

    def service(code, name, cpv, sector, place, description, population=""):
        return contracts.register_service(
            code=code,
            name=name,
            cpv_code=cpv,
            sector=sector,
            commissioner=icb,
            place=places[place],
            description=description,
            population=population,
            illustrative=True,
            **who,
        )

    def decide(**fields):
        fields.setdefault("commissioner", icb)
        fields.setdefault("decision_makers", COMMITTEE)
        fields.setdefault("payment_mechanism", "block")
        fields.setdefault("exclusions", {"subcontracting_asked": True})
        fields.setdefault(
            "conflicts",
            [
                {"person": person, "interest": interest, "handling": "recused"}
                for person, interest in RECUSED.get(fields["reference"], [])
            ],
        )
        return arranging.record_decision(illustrative=True, **fields, **who)

    def old_contract(reference, title, provider, svc, start, end, annual):
        existing = Contract.objects.filter(reference=reference).first()
        if existing:
            return existing
        contract = contracts.enter_contract(
            reference=reference,
            title=f"{title} (illustrative)",
            commissioner=icb,
            provider=provider,
            sector=svc.sector,
            place=svc.place,
            start=start,
            end=end,
            annual_value=annual,
            payment_mechanism="block",
            services=[svc],
            **who,
        )
        return contract

    # 1. Direct Award A: the emergency department only the acute trust can run.
    ed = service(
        "QUA-SVC-UEC-DUD",
        "Emergency department and emergency admissions",
        "85111000-0",
        "acute",
        "Dudley",
        "Type 1 emergency department at Russells Hall Hospital with "
        "the emergency inpatient services that depend on it",
    )
    ed_old = old_contract(
        "QUA-UEC-DUD-2126",
        "Emergency care, Dudley 2021-26",
        org["RNA"],
        ed,
        date(2021, 4, 1),
        date(2026, 3, 31),
        Money.parse("61000000"),
    )
    d1 = decide(
        reference="QUA-PSR-2025-001",
        title="Emergency care at Russells Hall 2026-31",
        provider=org["RNA"],
        services=[ed],
        process="direct_award_a",
        decided_on=date(2025, 12, 8),
        proposed_start=date(2026, 4, 1),
        proposed_end=date(2031, 3, 31),
        annual_value=Money.parse("63500000"),
        existing_contract=ed_old,
        provider_address="Russells Hall Hospital, Dudley DY1 2HQ",
        reasons="A type 1 emergency department and its dependent emergency admissions can "
        "realistically be provided only by the trust that runs the hospital.",
        situation={"only_existing_provider_capable": True},
    )
    c1 = arranging.award_contract(d1, awarded_on=date(2025, 12, 15), **who)
    arranging.publish_award_notice(d1, published_on=date(2026, 1, 5), **who)

    # 2. Direct Award B: podiatry where patients choose among qualified providers.
    pod = service(
        "QUA-SVC-POD-WAL",
        "Community podiatry",
        "85141000-9",
        "community",
        "Walsall",
        "Routine podiatry where patients choose any qualified provider",
    )
    d2 = decide(
        reference="QUA-PSR-2026-002",
        title="Community podiatry (patient choice), Walsall",
        provider=named["voluntary"],
        services=[pod],
        process="direct_award_b",
        decided_on=date(2026, 1, 12),
        proposed_start=date(2026, 4, 1),
        proposed_end=date(2029, 3, 31),
        annual_value=Money.parse("310000"),
        payment_mechanism="activity",
        provider_address="Registered office, Dudley",
        reasons="Patients choose their podiatry provider; every provider meeting the "
        "requirements is offered the same contract.",
        situation={
            "patient_choice": True,
            "providers_unrestricted": True,
            "all_eligible_offered": True,
            "expressions_of_interest": True,
        },
    )
    arranging.award_contract(d2, awarded_on=date(2026, 1, 19), **who)
    arranging.publish_award_notice(d2, published_on=date(2026, 2, 2), **who)

    # 3. Direct Award C: community nursing renewed with the incumbent, +4%.
    nursing = service(
        "QUA-SVC-CN-DUD",
        "Community nursing",
        "85141200-1",
        "community",
        "Dudley",
        "District nursing for housebound adults",
        "Adults registered with Dudley practices who cannot travel to a clinic",
    )
    nursing_old = old_contract(
        "QUA-CN-DUD-2226",
        "Community nursing, Dudley 2022-26",
        org["RNA"],
        nursing,
        date(2022, 4, 1),
        date(2026, 3, 31),
        Money.parse("9000000"),
    )
    d3 = decide(
        reference="QUA-PSR-2026-003",
        title="Community nursing, Dudley 2026-30",
        provider=org["RNA"],
        services=[nursing],
        process="direct_award_c",
        decided_on=date(2026, 1, 14),
        proposed_start=date(2026, 4, 1),
        proposed_end=date(2030, 3, 31),
        annual_value=Money.parse("9360000"),
        existing_contract=nursing_old,
        provider_address="Russells Hall Hospital, Dudley DY1 2HQ",
        reasons="The incumbent is meeting the contract; the service and its value are "
        "not changing considerably.",
        assessments=STANDARD_CRITERIA,
        basic_selection="CQC registration, 2024/25 accounts and insurance checked.",
        situation={"existing_contract_expiring": True, "incumbent_satisfactory": True},
    )
    arranging.publish_intention(d3, published_on=date(2026, 1, 19), **who)
    c3 = arranging.award_contract(d3, awarded_on=date(2026, 2, 3), **who)
    arranging.publish_award_notice(d3, published_on=date(2026, 2, 16), **who)

    # 4. A Direct Award C with a 30% rise is refused (the refusal is on the audit record),
    # and the service goes to a competition instead.
    msk = service(
        "QUA-SVC-MSK-WAL",
        "Musculoskeletal triage and physiotherapy",
        "85142100-7",
        "community",
        "Walsall",
        "First-contact MSK triage and community physiotherapy",
    )
    msk_old = old_contract(
        "QUA-MSK-WAL-2226",
        "MSK services, Walsall 2022-26",
        org["RBK"],
        msk,
        date(2022, 6, 1),
        date(2026, 5, 31),
        Money.parse("500000"),
    )
    msk_terms = dict(
        services=[msk],
        decided_on=date(2026, 2, 9),
        proposed_start=date(2026, 6, 1),
        proposed_end=date(2030, 5, 31),
        annual_value=Money.parse("650000"),
        assessments=STANDARD_CRITERIA,
        basic_selection="CQC registration and accounts checked.",
    )
    try:
        decide(
            reference="QUA-PSR-2026-004X",
            title="MSK, Walsall (refused route)",
            provider=org["RBK"],
            process="direct_award_c",
            existing_contract=msk_old,
            provider_address="Manor Hospital, Walsall WS2 9PS",
            reasons="Renewal with a larger specification.",
            situation={"existing_contract_expiring": True, "incumbent_satisfactory": True},
            **msk_terms,
        )
    except Refused as refusal:
        assert "considerable change" in str(refusal), refusal  # +£600,000 and +30%
    else:
        raise RuntimeError("the demonstration expected Direct Award C to be refused for MSK")
    d4 = decide(
        reference="QUA-PSR-2026-004",
        title="MSK triage and physiotherapy, Walsall 2026-30",
        provider=named["imaging"],
        process="competitive",
        provider_address="Unit 1, Imaging Park, Wolverhampton WV1 1AA",
        reasons="Value rises by 30%, so Direct Award C is not available; a competition "
        "among capable providers gives the best value.",
        situation={},
        **{**msk_terms, "decided_on": date(2026, 3, 2)},
    )
    arranging.publish_intention(d4, published_on=date(2026, 3, 4), **who)
    arranging.receive_representation(
        d4,
        provider=org["RBK"],
        received_on=date(2026, 3, 11),
        summary="The incumbent says the quality scores did not reflect its outcomes data.",
        **who,
    )
    arranging.review_representations(
        d4,
        outcome="proceed",
        decided_on=date(2026, 3, 18),
        reasons="The evaluation panel re-read the outcomes data; the scores stand.",
        **who,
    )
    arranging.award_contract(d4, awarded_on=date(2026, 3, 26), **who)
    arranging.publish_award_notice(d4, published_on=date(2026, 4, 8), **who)

    # 5. Most Suitable Provider: a mental health crisis café with a local charity.
    cafe = service(
        "QUA-SVC-CAFE-SAN",
        "Mental health crisis café",
        "85312300-2",
        "mental_health",
        "Sandwell",
        "Evening and weekend crisis café as an alternative to the emergency department",
    )
    d5 = decide(
        reference="QUA-PSR-2026-005",
        title="Crisis café, Sandwell 2026-29",
        provider=named["voluntary"],
        services=[cafe],
        process="most_suitable_provider",
        decided_on=date(2026, 4, 13),
        proposed_start=date(2026, 7, 1),
        proposed_end=date(2029, 6, 30),
        annual_value=Money.parse("420000"),
        provider_address="Registered office, Dudley",
        reasons="A new service; the charity already runs peer support in Sandwell and "
        "can be identified as most suitable without a competition.",
        assessments=STANDARD_CRITERIA,
        basic_selection="Charity accounts and safeguarding policies checked.",
        situation={},
    )
    arranging.publish_intention(d5, published_on=date(2026, 4, 15), **who)
    arranging.award_contract(d5, awarded_on=date(2026, 4, 29), **who)
    arranging.publish_award_notice(d5, published_on=date(2026, 5, 6), **who)

    # 6. A framework for community diagnostics, by the competitive process only.
    diag = service(
        "QUA-SVC-CDC",
        "Community diagnostics framework",
        "85150000-5",
        "acute",
        "Wolverhampton",
        "Ultrasound, X-ray and echocardiography in community "
        "diagnostic centres, called off as needed",
    )
    d6 = decide(
        reference="QUA-PSR-2026-006",
        title="Community diagnostics framework 2026-30",
        provider=named["imaging"],
        services=[diag],
        process="competitive",
        contract_kind="framework",
        framework_term_months=48,
        decided_on=date(2026, 5, 11),
        proposed_start=date(2026, 8, 1),
        proposed_end=date(2030, 7, 31),
        annual_value=Money.parse("2400000"),
        payment_mechanism="activity",
        provider_address="Unit 1, Imaging Park, Wolverhampton WV1 1AA",
        reasons="A framework needs the competitive process; four years, no longer.",
        assessments=STANDARD_CRITERIA,
        basic_selection="ISO 15189 accreditation, accounts and insurance checked.",
        situation={},
    )
    arranging.publish_intention(d6, published_on=date(2026, 5, 13), **who)
    arranging.award_contract(d6, awarded_on=date(2026, 5, 28), **who)
    arranging.publish_award_notice(d6, published_on=date(2026, 6, 10), **who)

    # 7. An urgent award after a home care provider withdrew without notice.
    oxygen = service(
        "QUA-SVC-HOX-WOL",
        "Home oxygen assessment",
        "85141000-9",
        "community",
        "Wolverhampton",
        "Assessment and review of patients on home oxygen",
    )
    d7 = decide(
        reference="QUA-PSR-2026-007",
        title="Home oxygen assessment (urgent), Wolverhampton",
        provider=org["RL4"],
        services=[oxygen],
        process="urgent_award",
        decided_on=date(2026, 6, 22),
        proposed_start=date(2026, 6, 24),
        proposed_end=date(2027, 3, 31),
        annual_value=Money.parse("180000"),
        provider_address="New Cross Hospital, Wolverhampton WV10 0QP",
        reasons="The provider went into administration with 48 hours' notice; patients "
        "on oxygen cannot go unassessed while a process runs.",
        situation={
            "urgent_not_foreseeable": True,
            "urgent_not_attributable": True,
            "urgent_delay_risks_safety": True,
        },
    )
    arranging.award_contract(d7, awarded_on=date(2026, 6, 23), **who)
    arranging.publish_award_notice(d7, published_on=date(2026, 7, 1), **who)

    # 8. Direct Award C with a declared conflict: a GP board member stood aside.
    ooh = service(
        "QUA-SVC-OOH-WOL",
        "GP out-of-hours",
        "85121100-4",
        "primary",
        "Wolverhampton",
        "Evening, night and weekend GP services",
    )
    ooh_old = old_contract(
        "QUA-OOH-WOL-2326",
        "GP out-of-hours, Wolverhampton 2023-26",
        org["RL4"],
        ooh,
        date(2023, 10, 1),
        date(2026, 9, 30),
        Money.parse("3100000"),
    )
    decide(
        reference="QUA-PSR-2026-008",
        title="GP out-of-hours, Wolverhampton 2026-29",
        provider=org["RL4"],
        services=[ooh],
        process="direct_award_c",
        decided_on=date(2026, 7, 13),
        proposed_start=date(2026, 10, 1),
        proposed_end=date(2029, 9, 30),
        annual_value=Money.parse("3200000"),
        existing_contract=ooh_old,
        provider_address="New Cross Hospital, Wolverhampton WV10 0QP",
        reasons="The incumbent is meeting the contract; no considerable change.",
        assessments=STANDARD_CRITERIA,
        basic_selection="CQC registration checked.",
        situation={"existing_contract_expiring": True, "incumbent_satisfactory": True},
    )
    d8 = SelectionDecision.objects.get(reference="QUA-PSR-2026-008")
    arranging.publish_intention(d8, published_on=date(2026, 7, 15), **who)
    arranging.award_contract(d8, awarded_on=date(2026, 7, 29), **who)
    arranging.publish_award_notice(d8, published_on=date(2026, 8, 12), **who)

    # 9. An integrated care provider contract holding a bundle of Dudley services.
    bundle = [
        service(
            "QUA-SVC-ICP-CC",
            "Care coordination",
            "85312000-9",
            "community",
            "Dudley",
            "Multidisciplinary teams for people with complex needs",
        ),
        service(
            "QUA-SVC-ICP-FR",
            "Frailty service",
            "85141000-9",
            "community",
            "Dudley",
            "Frailty assessment and hospital-at-home",
        ),
        service(
            "QUA-SVC-ICP-MH",
            "Primary care mental health",
            "85121270-6",
            "mental_health",
            "Dudley",
            "Mental health practitioners in primary care networks",
        ),
    ]
    d9 = decide(
        reference="QUA-PSR-2026-009",
        title="Dudley integrated care provider contract 2027-37",
        provider=org["RNA"],
        services=bundle,
        process="most_suitable_provider",
        contract_kind="icp",
        decided_on=date(2026, 8, 17),
        proposed_start=date(2027, 4, 1),
        proposed_end=date(2037, 3, 31),
        annual_value=Money.parse("42000000"),
        payment_mechanism="blended",
        provider_address="Russells Hall Hospital, Dudley DY1 2HQ",
        reasons="The bundle depends on the acute trust's community teams and primary "
        "care links; one provider can be identified as most suitable.",
        assessments=STANDARD_CRITERIA,
        basic_selection="Accounts and CQC checked.",
        situation={},
    )
    arranging.publish_intention(d9, published_on=date(2026, 8, 19), **who)
    arranging.award_contract(d9, awarded_on=date(2026, 9, 10), **who)
    arranging.publish_award_notice(d9, published_on=date(2026, 9, 24), **who)

    # 10. A competition abandoned in its standstill when the budget was withdrawn.
    weight = service(
        "QUA-SVC-WM-WAL",
        "Tier 3 weight management",
        "85323000-9",
        "community",
        "Walsall",
        "Specialist weight management for adults",
    )
    d10 = decide(
        reference="QUA-PSR-2026-010",
        title="Weight management, Walsall 2026-29",
        provider=named["homecare"],
        services=[weight],
        process="competitive",
        decided_on=date(2026, 9, 7),
        proposed_start=date(2026, 12, 1),
        proposed_end=date(2029, 11, 30),
        annual_value=Money.parse("260000"),
        provider_address="Registered office, Walsall",
        reasons="Several capable providers; a competition gives the best value.",
        assessments=STANDARD_CRITERIA,
        basic_selection="Accounts checked.",
        situation={},
    )
    arranging.publish_intention(d10, published_on=date(2026, 9, 9), **who)
    arranging.abandon(
        d10,
        on=date(2026, 9, 16),
        reasons="The programme's funding was withdrawn nationally.",
        **who,
    )

    # 11. Modifications: below the thresholds, and a large one from external factors.
    arranging.modify_contract(
        c3,
        reference="QUA-MOD-2026-01",
        decided_on=date(2026, 6, 1),
        grounds="authority_decision",
        description="Two extra evening teams (illustrative)",
        value_change=Money.parse("350000"),
        illustrative=True,
        **who,
    )
    big = arranging.modify_contract(
        c1,
        reference="QUA-MOD-2026-02",
        decided_on=date(2026, 9, 1),
        grounds="external_factors",
        description="Attendances 9% above the contract's volume assumptions (illustrative)",
        value_change=Money.parse("2400000"),
        illustrative=True,
        **who,
    )
    arranging.publish_modification_notice(big, published_on=date(2026, 9, 14), **who)

    # 12. Open now: a Direct Award C whose standstill runs into December 2026.
    talk = service(
        "QUA-SVC-TT-SAN",
        "NHS Talking Therapies",
        "85121270-6",
        "mental_health",
        "Sandwell",
        "Psychological therapies for anxiety and depression",
    )
    talk_old = old_contract(
        "QUA-TT-SAN-2327",
        "Talking therapies, Sandwell 2023-27",
        org["TAJ"],
        talk,
        date(2023, 4, 1),
        date(2027, 3, 31),
        Money.parse("4100000"),
    )
    d12 = decide(
        reference="QUA-PSR-2026-012",
        title="Talking therapies, Sandwell 2027-31",
        provider=org["TAJ"],
        services=[talk],
        process="direct_award_c",
        decided_on=date(2026, 11, 16),
        proposed_start=date(2027, 4, 1),
        proposed_end=date(2031, 3, 31),
        annual_value=Money.parse("4250000"),
        existing_contract=talk_old,
        provider_address="Trust headquarters, Dudley",
        reasons="The incumbent meets its recovery targets; no considerable change.",
        assessments=STANDARD_CRITERIA,
        basic_selection="CQC registration checked.",
        situation={"existing_contract_expiring": True, "incumbent_satisfactory": True},
    )
    arranging.publish_intention(d12, published_on=date(2026, 11, 20), **who)
    return {
        "decisions": SelectionDecision.objects.filter(illustrative=True).count(),
        "services": Service.objects.filter(illustrative=True).count(),
    }
