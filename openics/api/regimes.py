"""Regimes in the read API: what each rulebook is, its dated parameters and its rules."""

from datetime import date
from typing import Any

from ninja import Router, Schema
from ninja.errors import HttpError

from openics.regimes import Regime, RegimeError, all_regimes, evaluate_rule, get_regime
from openics.regimes.catalogue import RULES

router = Router(tags=["regimes"])


class CitationOut(Schema):
    source: str
    url: str
    confidence: str


class RuleOut(Schema):
    id: str
    title: str
    citation: CitationOut


class ParameterValueOut(Schema):
    starts_on: date
    value: Any


class ParameterOut(Schema):
    name: str
    description: str
    values: list[ParameterValueOut]


class RegimeSummaryOut(Schema):
    id: str
    title: str
    status: str
    in_force_from: date | None
    in_force_to: date | None
    published_on: date | None


class RegimeOut(RegimeSummaryOut):
    legal_basis: str
    summary: str
    rules: list[RuleOut]
    parameters: list[ParameterOut]


def _citation(c) -> dict:
    return {"source": c.source, "url": c.url, "confidence": c.confidence.value}


def _summary(r: Regime) -> dict:
    return {
        "id": r.id,
        "title": r.title,
        "status": r.status,
        "in_force_from": r.in_force_from,
        "in_force_to": r.in_force_to,
        "published_on": r.published_on,
    }


@router.get("/compare", response=dict[str, Any])
def compare_system(request, system: str, on: date, regimes: str = ""):
    """One whole system judged under each regime (all, or those named, comma-separated):
    the same figures as `openics regimes compare` and the portal's comparison page."""
    from openics.arranging.whole_system import compare
    from openics.organisations.selectors import OrganisationNotFound

    ids = [i.strip() for i in regimes.split(",") if i.strip()]
    try:
        return compare(system, on, ids)
    except OrganisationNotFound as exc:
        raise HttpError(404, str(exc)) from exc
    except RegimeError as exc:
        raise HttpError(400, str(exc)) from exc


@router.get("/", response=list[RegimeSummaryOut], summary="List every regime")
def list_regimes(request):
    return [_summary(r) for r in all_regimes()]


@router.get("/{regime_id}", response=RegimeOut, summary="One regime with its rules and parameters")
def regime_detail(request, regime_id: str):
    try:
        r = get_regime(regime_id)
    except RegimeError as exc:
        raise HttpError(404, str(exc)) from exc
    return {
        **_summary(r),
        "legal_basis": r.legal_basis,
        "summary": r.summary,
        "rules": [
            {"id": rule.id, "title": rule.title, "citation": _citation(rule.citation)}
            for rule in r.rules.values()
        ],
        "parameters": [
            {
                "name": p.name,
                "description": p.description,
                "values": [{"starts_on": d, "value": v} for d, v in p.values],
            }
            for p in r.parameters.values()
        ],
    }


class EvaluateIn(Schema):
    on: date
    facts: dict[str, Any]


class ViolationOut(Schema):
    rule_id: str
    citation: CitationOut | None
    explanation: str


class ParameterUseOut(Schema):
    name: str
    applies_from: date
    value: Any
    citation: CitationOut | None


class EvaluationOut(Schema):
    rule_id: str
    regime_id: str
    regime_version: str
    on: date
    allowed: bool
    violations: list[ViolationOut]
    notes: list[str]
    cannot_tell: list[str]
    parameters: list[ParameterUseOut]


def _examples() -> dict:
    """One request example per rule, from the rule's own example facts."""
    return {
        rule_id: {
            "summary": spec.title,
            "value": {"on": "2026-06-01", "facts": spec.example},
        }
        for rule_id, spec in sorted(RULES.items())
    }


@router.post(
    "/{regime_id}/rules/{rule_id}/evaluate",
    response=EvaluationOut,
    summary="Ask one rule of a regime a question",
    description=(
        "Evaluates the rule on the day with the facts given (`GET /api/regimes/{id}` lists "
        "the rules; `openics regimes explain RULE` lists the facts each reads). The answer "
        "says whether it is allowed, each violation with its citation, the regime's version "
        "and the value of every parameter the rule read. Unknown regimes and rules are 404; "
        "unknown, missing or ill-typed facts are 422 with the fact named."
    ),
    openapi_extra={
        "requestBody": {"content": {"application/json": {"examples": _examples()}}},
    },
)
def evaluate(request, regime_id: str, rule_id: str, payload: EvaluateIn):
    try:
        get_regime(regime_id).rule(rule_id)
    except RegimeError as exc:
        raise HttpError(404, str(exc)) from exc
    try:
        return evaluate_rule(regime_id, rule_id, payload.on, payload.facts)
    except (RegimeError, ValueError) as exc:  # facts the rule cannot read, or a day it cannot
        raise HttpError(422, str(exc)) from exc
