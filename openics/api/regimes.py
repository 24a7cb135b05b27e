"""Regimes in the read API: what each rulebook is, its dated parameters and its rules."""

from datetime import date
from typing import Any

from ninja import Router, Schema
from ninja.errors import HttpError

from openics.regimes import Regime, RegimeError, all_regimes, get_regime

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
