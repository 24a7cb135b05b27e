"""One whole system judged under a regime: what would not be allowed or would not exist,
what would be required and is missing, and what cannot be told. Pure, over plain data.

The selector that gathers a system's facts from the record is
`openics.arranging.whole_system`; everything here reads only the dataclasses below and the
regime's rules, so the same judgement serves the command line, the portal and the API.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from openics.kernel.money import Money
from openics.regimes.model import Citation, Regime, RuleContext
from openics.regimes.rules.contracts import ContractHeld
from openics.regimes.rules.governance import Member, Power, constitution_applies
from openics.regimes.rules.procurement import DecisionFacts
from openics.regimes.vocabulary import BOARD_KIND_LABELS

NOT_ALLOWED = "not_allowed"
WOULD_NOT_EXIST = "would_not_exist"
MISSING = "missing"
CANNOT_TELL = "cannot_tell"
VERDICTS = {
    NOT_ALLOWED: "would not be allowed",
    WOULD_NOT_EXIST: "would not exist",
    MISSING: "would be required and is missing",
    CANNOT_TELL: "cannot tell",
}


@dataclass(frozen=True)
class SystemBody:
    name: str
    kind: str
    ownership: str
    code: str = ""
    received: Money | None = None  # money it received in the year, from the books


@dataclass(frozen=True)
class SystemBoard:
    name: str
    kind: str
    members: tuple[Member, ...]


@dataclass(frozen=True)
class SystemContract:
    held: ContractHeld
    title: str
    commissioner: str
    commissioner_kind: str
    prime: str = ""
    depth: int = 0
    annual: Money = Money(0)
    paid: Money = Money(0)  # paid in the year, from the books
    sector: str = ""


@dataclass(frozen=True)
class SystemDecision:
    reference: str
    title: str
    facts: DecisionFacts
    value: Money
    contract: str = ""  # the reference of the contract it led to


@dataclass(frozen=True)
class SystemPower:
    reference: str
    title: str
    power: Power


@dataclass(frozen=True)
class CollaborativeMember:
    collaborative: str
    member: str
    ownership: str


@dataclass(frozen=True)
class SystemFacts:
    """A system as it stood on one day, as plain data."""

    code: str
    name: str
    on: date
    year: str
    bodies: tuple[SystemBody, ...] = ()
    boards: tuple[SystemBoard, ...] = ()
    contracts: tuple[SystemContract, ...] = ()
    decisions: tuple[SystemDecision, ...] = ()
    powers: tuple[SystemPower, ...] = ()
    collaborative_members: tuple[CollaborativeMember, ...] = ()
    protected_sectors: tuple[str, ...] = ()
    registered: int | None = None
    residents: int | None = None
    # Where each kind of figure comes from: real (which file) or illustrative.
    provenance: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    verdict: str
    topic: str
    subject: str
    explanation: str
    rule_id: str = ""
    citation: Citation | None = None
    pounds: Money | None = None
    evidence: tuple[str, ...] = ()
    # Findings about the same money share a key, so pounds are counted once.
    money_key: str = ""


@dataclass(frozen=True)
class Judgement:
    regime_id: str
    title: str
    status: str
    in_force: bool
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    def of(self, verdict: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.verdict == verdict)

    def count(self, verdict: str) -> int:
        return len(self.of(verdict))

    def pounds(self, verdict: str = NOT_ALLOWED) -> Money:
        """Pounds in the findings of a verdict, each sum of money counted once."""
        seen: dict[str, int] = {}
        for f in self.of(verdict):
            if f.pounds is not None:
                key = f.money_key or f"{f.rule_id}:{f.subject}"
                seen[key] = max(seen.get(key, 0), f.pounds.pence)
        return Money(sum(seen.values()))


def _value_text(c: SystemContract) -> tuple[str, ...]:
    held = c.held
    lines = [
        f"held by {held.holder} (ownership: {held.holder_ownership})",
        f"value over its term {held.value.format()}; annual value {c.annual.format()}",
        f"paid in the year from the books: {c.paid.format()}",
        f"commissioned by {c.commissioner}" + (f"; under {c.prime}" if c.prime else ""),
    ]
    if held.parent:
        lines.append(f"owned by {held.parent} (ownership: {held.parent_ownership or 'unknown'})")
    return tuple(lines)


class _Judge:
    def __init__(self, regime: Regime, facts: SystemFacts):
        self.regime = regime
        self.facts = facts
        self.findings: list[Finding] = []

    def has(self, rule_id: str, topic: str, what: str) -> bool:
        if rule_id in self.regime.rules:
            return True
        self.findings.append(
            Finding(
                CANNOT_TELL,
                topic,
                what,
                f"cannot tell, because {self.regime.title} has no rule on {what}",
                rule_id,
            )
        )
        return False

    def ask(self, rule_id, verdict, topic, subject, *, pounds=None, evidence=(), key="", **kw):
        result = self.regime.evaluate(rule_id, self.facts.on, **kw)
        rule = self.regime.rule(rule_id)
        for v in result.violations:
            self.findings.append(
                Finding(
                    verdict,
                    topic,
                    subject,
                    v.explanation,
                    rule_id,
                    v.citation,
                    pounds,
                    tuple(evidence),
                    key,
                )
            )
        for text in result.cannot_tell:
            self.findings.append(
                Finding(
                    CANNOT_TELL,
                    topic,
                    subject,
                    f"cannot tell, because {text}",
                    rule_id,
                    rule.citation,
                    pounds,
                    tuple(evidence),
                    key,
                )
            )
        return result

    # -- the questions ---------------------------------------------------------------
    def bodies(self) -> None:
        if not self.has("organisations.body-kind-exists", "bodies", "which bodies exist"):
            return
        for body in self.facts.bodies:
            evidence = [f"{body.kind}, ownership {body.ownership}"]
            if body.received is not None:
                evidence.append(f"received {body.received.format()} in {self.facts.year}")
            self.ask(
                "organisations.body-kind-exists",
                WOULD_NOT_EXIST,
                "bodies",
                body.name,
                pounds=body.received,
                evidence=evidence,
                key=f"body:{body.name}",
                kind=body.kind,
            )
        if "organisations.may-commission" in self.regime.rules:
            kinds = set(RuleContext(self.regime, self.facts.on).param("organisations.body_kinds"))
            commissioners = {
                (c.commissioner, c.commissioner_kind)
                for c in self.facts.contracts
                if not c.held.subcontract
            }
            for name, kind in sorted(commissioners):
                if kind in kinds:
                    self.ask("organisations.may-commission", NOT_ALLOWED, "bodies", name, kind=kind)
        if self.has("organisations.required-bodies", "bodies", "which bodies must exist"):
            present = {b.kind for b in self.facts.bodies} | {b.kind for b in self.facts.boards}
            self.ask(
                "organisations.required-bodies",
                MISSING,
                "bodies",
                self.facts.name,
                present=tuple(sorted(present)),
            )

    def boards(self) -> None:
        ctx = RuleContext(self.regime, self.facts.on)
        for board in self.facts.boards:
            why = (
                constitution_applies(ctx, board.kind)
                if "organisations.body-kind-exists" in self.regime.rules
                else None
            )
            label = BOARD_KIND_LABELS.get(board.kind, board.kind)
            if why:
                rule = self.regime.rule("organisations.body-kind-exists")
                self.findings.append(
                    Finding(
                        WOULD_NOT_EXIST,
                        "boards",
                        board.name,
                        f"the {label} could not exist: {why}",
                        rule.id,
                        rule.citation,
                        evidence=(f"{len(board.members)} members on {self.facts.on}",),
                    )
                )
                continue
            if "governance.eligibility" in self.regime.rules:
                for m in board.members:
                    links = [link.describe() for link in m.links]
                    self.ask(
                        "governance.eligibility",
                        NOT_ALLOWED,
                        "boards",
                        f"{m.described}, {board.name}",
                        evidence=links,
                        candidate=m,
                        board_kind=board.kind,
                        disqualifications=(),
                    )
            if "governance.composition" in self.regime.rules:
                from openics.regimes.rules.governance import Board

                plain = Board(board.kind, board.name, board.members)
                self.ask("governance.composition", MISSING, "boards", board.name, board=plain)
        if not self.facts.boards:
            return
        if "governance.eligibility" not in self.regime.rules:
            self.has("governance.eligibility", "boards", "who may sit on a board")

    def contracts(self) -> None:
        if not self.facts.contracts:
            return
        if not self.has("contracts.holder", "contracts", "who may hold a contract"):
            return
        for c in self.facts.contracts:
            self.ask(
                "contracts.holder",
                NOT_ALLOWED,
                "contracts",
                f"{c.held.reference} {c.title}",
                pounds=c.held.value,
                evidence=_value_text(c),
                key=f"contract:{c.held.reference}",
                contract=c.held,
            )

    def decisions(self) -> None:
        if not self.facts.decisions:
            return
        if not self.has("procurement.process", "selection", "how providers are selected"):
            return
        for d in self.facts.decisions:
            key = f"contract:{d.contract}" if d.contract else f"decision:{d.reference}"
            self.ask(
                "procurement.process",
                NOT_ALLOWED,
                "selection",
                f"{d.reference} {d.title}",
                pounds=d.value,
                evidence=(
                    f"process {d.facts.process}",
                    f"provider {d.facts.provider_name}",
                    f"value over its term {d.value.format()}",
                ),
                key=key,
                decision=d.facts,
            )

    def collaboratives(self) -> None:
        if not self.facts.collaborative_members:
            return
        rule = "organisations.collaborative-membership"
        if rule not in self.regime.rules:
            return  # a regime without controls lets anyone join: nothing to find
        for m in self.facts.collaborative_members:
            self.ask(
                rule,
                NOT_ALLOWED,
                "bodies",
                f"{m.member} in {m.collaborative}",
                evidence=(f"ownership {m.ownership}",),
                collaborative=m.collaborative,
                member=m.member,
                ownership=m.ownership,
            )

    def responsibility(self) -> None:
        if not self.has("population.responsible-for", "responsibility", "whom it answers for"):
            return
        evidence = []
        if self.facts.registered is not None:
            evidence.append(f"registered with its practices: {self.facts.registered:,}")
        if self.facts.residents is not None:
            evidence.append(f"living in its area: {self.facts.residents:,}")
        result = self.ask(
            "population.responsible-for",
            MISSING,
            "responsibility",
            self.facts.name,
            evidence=evidence,
            counted_by="registered",
            registered=self.facts.registered,
            residents=self.facts.residents,
        )
        if result.notes and self.findings and self.findings[-1].rule_id == result.rule_id:
            last = self.findings[-1]
            self.findings[-1] = Finding(
                last.verdict,
                last.topic,
                last.subject,
                last.explanation,
                last.rule_id,
                last.citation,
                last.pounds,
                (*last.evidence, *result.notes[-1:]),
            )

    def ring_fences(self) -> None:
        if "ledger.protected-funds" not in self.regime.rules:
            return
        self.ask(
            "ledger.protected-funds",
            MISSING,
            "ring-fences",
            self.facts.name,
            evidence=tuple(f"ring-fenced for {s}" for s in self.facts.protected_sectors),
            protected_sectors=self.facts.protected_sectors,
        )

    def powers(self) -> None:
        if not self.facts.powers:
            return
        if not self.has("governance.powers", "powers", "powers from above"):
            return
        for p in self.facts.powers:
            self.ask(
                "governance.powers",
                WOULD_NOT_EXIST,
                "powers",
                f"{p.reference} {p.title}",
                evidence=(f"used on {p.power.made_on}",),
                power=p.power,
            )

    def untested(self) -> None:
        if "judgement.untested" not in self.regime.parameters:
            return
        for item in RuleContext(self.regime, self.facts.on).param("judgement.untested") or []:
            self.findings.append(
                Finding(
                    CANNOT_TELL,
                    item["topic"],
                    item["demand"],
                    f"cannot tell, because {item['because']}",
                )
            )


def judge(regime: Regime, facts: SystemFacts) -> Judgement:
    """The system judged under one regime, as it is written, on the facts' day."""
    j = _Judge(regime, facts)
    for question in (
        j.bodies,
        j.boards,
        j.contracts,
        j.decisions,
        j.collaboratives,
        j.responsibility,
        j.ring_fences,
        j.powers,
        j.untested,
    ):
        question()
    return Judgement(
        regime.id, regime.title, regime.status, regime.in_force(facts.on), tuple(j.findings)
    )


def judge_all(regimes: Iterable[Regime], facts: SystemFacts) -> list[Judgement]:
    return [judge(r, facts) for r in regimes]


# -- plain data for the faces ----------------------------------------------------------
def _citation(c: Citation | None) -> dict | None:
    if c is None:
        return None
    return {"source": c.source, "url": c.url, "confidence": c.confidence.value, "text": str(c)}


def finding_dict(f: Finding) -> dict:
    return {
        "verdict": f.verdict,
        "topic": f.topic,
        "subject": f.subject,
        "explanation": f.explanation,
        "rule_id": f.rule_id,
        "citation": _citation(f.citation),
        "pounds": f.pounds.format_plain() if f.pounds is not None else None,
        "evidence": list(f.evidence),
    }


def summary_dict(j: Judgement) -> dict:
    return {
        "not_allowed": j.count(NOT_ALLOWED),
        "not_allowed_pounds": j.pounds(NOT_ALLOWED).format_plain(),
        "would_not_exist": j.count(WOULD_NOT_EXIST),
        "would_not_exist_pounds": j.pounds(WOULD_NOT_EXIST).format_plain(),
        "missing": j.count(MISSING),
        "cannot_tell": j.count(CANNOT_TELL),
        "cannot_tell_pounds": j.pounds(CANNOT_TELL).format_plain(),
    }


def comparison_dict(facts: SystemFacts, judgements: list[Judgement]) -> dict:
    """The whole comparison as JSON-like data: the one shape every face gives out."""
    return {
        "system": {"code": facts.code, "name": facts.name},
        "on": facts.on.isoformat(),
        "financial_year": facts.year,
        "provenance": list(facts.provenance),
        "regimes": [
            {
                "id": j.regime_id,
                "title": j.title,
                "status": j.status,
                "in_force": j.in_force,
                "summary": summary_dict(j),
                "findings": [finding_dict(f) for f in j.findings],
            }
            for j in judgements
        ],
    }


CSV_HEADER = [
    "regime",
    "status",
    "verdict",
    "topic",
    "subject",
    "explanation",
    "pounds",
    "rule_id",
    "citation",
    "citation_url",
    "evidence",
]


def comparison_rows(data: dict) -> list[list[str]]:
    """The comparison as CSV rows (header first), one row per finding."""
    rows = [CSV_HEADER]
    for r in data["regimes"]:
        for f in r["findings"]:
            c = f["citation"] or {}
            rows.append(
                [
                    r["id"],
                    r["status"],
                    f["verdict"],
                    f["topic"],
                    f["subject"],
                    f["explanation"],
                    f["pounds"] or "",
                    f["rule_id"],
                    c.get("text", ""),
                    c.get("url", ""),
                    "; ".join(f["evidence"]),
                ]
            )
    return rows
