"""A year of provider selection decisions for NHS Black Country ICB (December 2025 to November
2026). Every decision, service and value here is synthetic: made up to exercise each
process, and marked `illustrative` so every page, export and listing says so. The bodies
are the demonstration's own (real NHS trusts, illustrative companies and charities).

The year is data, in data/decisions.json: each chapter registers its services (and the
contract they run under now), records a decision and takes it through its steps. Each step
goes through the audited services, so the demonstration obeys the same rules as real use:
one Direct Award C is attempted with a 30% rise and refused on the record.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from openics.arranging import services as arranging
from openics.arranging.models import SelectionDecision
from openics.contracts import services as contracts
from openics.contracts.models import Contract, Service
from openics.core.audit import Refused
from openics.kernel.money import Money
from openics.organisations.models import Organisation

DECISIONS = Path(__file__).parent / "data" / "decisions.json"
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


# How each illustrative decision had regard to the Black Country's integrated care strategy and
# to the triple aim (the record a real ICB keeps in its decision papers).
DEMO_REGARD = {
    "integrated_care_strategy": "The strategy's aim of care closer to home in each place was "
    "weighed in choosing the provider and the place (illustrative).",
    "health_and_wellbeing": "Expected to keep patients' access and outcomes at least as good "
    "as today's (illustrative).",
    "quality": "The provider's quality reports and CQC rating were reviewed (illustrative).",
    "sustainability": "The price was tested against the ICB's financial plan (illustrative).",
}

CRITERIA = {"standard": STANDARD_CRITERIA}
# Which values in data/decisions.json are days, and which amounts of money.
DAYS = {
    "start",
    "end",
    "decided_on",
    "proposed_start",
    "proposed_end",
    "published_on",
    "awarded_on",
    "received_on",
    "on",
    "notice_published_on",
}
AMOUNTS = {"annual_value", "value_change"}
STEPS = {
    "publish_intention": arranging.publish_intention,
    "receive_representation": arranging.receive_representation,
    "review_representations": arranging.review_representations,
    "award_contract": arranging.award_contract,
    "publish_award_notice": arranging.publish_award_notice,
    "abandon": arranging.abandon,
}


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
    bodies = {
        code: Organisation.objects.get(code=code) for code in ("RNA", "RXK", "RBK", "RL4", "TAJ")
    }
    for key, prefix in [
        ("imaging", "Black Country Imaging"),
        ("voluntary", "Dudley Community Links"),
        ("homecare", "Black Country Home Care"),
    ]:
        bodies[key] = Organisation.objects.filter(name__startswith=prefix).first()
    year = _Year(icb, places, bodies, {"actor": actor, "reason": reason})
    for chapter in json.loads(DECISIONS.read_text(encoding="utf-8")):
        year.play(chapter)
    return {
        "decisions": SelectionDecision.objects.filter(illustrative=True).count(),
        "services": Service.objects.filter(illustrative=True).count(),
    }


class _Year:
    """Plays the chapters of the year in order, keeping the contracts they make by reference
    (a contract awarded by a decision under the decision's reference)."""

    def __init__(self, icb, places, bodies, who):
        self.icb, self.places, self.bodies, self.who = icb, places, bodies, who
        self.contracts: dict[str, Contract] = {}

    def play(self, chapter: dict) -> None:
        services = [self.service(fields) for fields in chapter.get("services", [])]
        if "existing" in chapter:
            self.old_contract(chapter["existing"], services[0])
        terms = chapter.get("terms", {})
        if "refused" in chapter:
            self.refused(chapter["refused"], services, terms)
        if "decision" in chapter:
            decision = self.decide(services, {**terms, **chapter["decision"]})
            for step in chapter["steps"]:
                fields = self.values(step)
                made = STEPS[fields.pop("do")](decision, **fields, **self.who)
                if step["do"] == "award_contract":
                    self.contracts[decision.reference] = made
        for fields in chapter.get("modifications", []):
            self.modify(self.values(fields))

    def values(self, fields: dict) -> dict:
        """The data's values as the services take them: days, money, bodies, contracts."""
        values = {}
        for key, value in fields.items():
            if key in DAYS:
                value = date.fromisoformat(value)
            elif key in AMOUNTS:
                value = Money.parse(value)
            elif key == "provider":
                value = self.bodies[value]
            elif key == "existing_contract":
                value = self.contracts[value]
            elif key == "assessments":
                value = CRITERIA[value]
            values[key] = value
        return values

    def service(self, fields: dict) -> Service:
        return contracts.register_service(
            code=fields["code"],
            name=fields["name"],
            cpv_code=fields["cpv_code"],
            sector=fields["sector"],
            commissioner=self.icb,
            place=self.places[fields["place"]],
            description=fields["description"],
            population=fields.get("population", ""),
            illustrative=True,
            **self.who,
        )

    def old_contract(self, fields: dict, svc: Service) -> None:
        """The contract a service runs under now, entered once (later runs find it)."""
        fields = self.values(fields)
        contract = Contract.objects.filter(reference=fields["reference"]).first()
        if contract is None:
            contract = contracts.enter_contract(
                reference=fields["reference"],
                title=f"{fields['title']} (illustrative)",
                commissioner=self.icb,
                provider=fields["provider"],
                sector=svc.sector,
                place=svc.place,
                start=fields["start"],
                end=fields["end"],
                annual_value=fields["annual_value"],
                payment_mechanism="block",
                services=[svc],
                **self.who,
            )
        self.contracts[contract.reference] = contract

    def decide(self, services: list[Service], fields: dict) -> SelectionDecision:
        fields = self.values(fields)
        fields["services"] = services
        fields.setdefault("commissioner", self.icb)
        fields.setdefault("decision_makers", COMMITTEE)
        fields.setdefault(
            "decision_process",
            f"Decided by the ICB's commissioning committee at its meeting of "
            f"{fields['decided_on']:%-d %B %Y}, on the commissioning team's assessment of the "
            "key criteria and the basic selection criteria (illustrative).",
        )
        fields.setdefault("regard", dict(DEMO_REGARD))
        fields.setdefault("payment_mechanism", "block")
        fields.setdefault("exclusions", {"subcontracting_asked": True})
        fields.setdefault(
            "conflicts",
            [
                {"person": person, "interest": interest, "handling": "recused"}
                for person, interest in RECUSED.get(fields["reference"], [])
            ],
        )
        return arranging.record_decision(illustrative=True, **fields, **self.who)

    def refused(self, refused: dict, services: list[Service], terms: dict) -> None:
        """A decision the regime must refuse; the refusal stays on the audit record."""
        fields = {**terms, **refused["decision"]}
        try:
            self.decide(services, fields)
        except Refused as refusal:
            assert refused["because"] in str(refusal), refusal
        else:
            raise RuntimeError(f"the demonstration expected {fields['reference']} to be refused")

    def modify(self, fields: dict) -> None:
        contract = self.contracts[fields.pop("contract_of")]
        published_on = fields.pop("notice_published_on", None)
        modification = arranging.modify_contract(contract, illustrative=True, **fields, **self.who)
        if published_on:
            arranging.publish_modification_notice(
                modification, published_on=published_on, **self.who
            )
