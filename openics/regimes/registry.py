"""Loads the regimes from their YAML files once, and answers which one is which."""

from __future__ import annotations

import functools
from datetime import date
from importlib.resources import files
from typing import Any

import yaml

from openics.regimes.catalogue import RULES
from openics.regimes.model import (
    STATUSES,
    Citation,
    Confidence,
    Parameter,
    Regime,
    RegimeError,
    Rule,
)


def _date(value: Any, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    raise RegimeError(f"{where}: expected a date like 2022-07-01, got {value!r}")


def _citation(data: dict, where: str) -> Citation:
    try:
        return Citation(
            source=data["source"],
            url=data.get("url", ""),
            confidence=Confidence(data.get("confidence", "C")),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise RegimeError(f"{where}: bad citation {data!r}") from exc


def parse_regime(data: dict, source: str = "<regime>", base: Regime | None = None) -> Regime:
    """Builds a Regime from the plain data of one YAML file, checking its shape.

    A regime `based_on` another keeps the base's parameters and rules wherever it names
    none of its own; a rule it lists as null is one it drops."""
    try:
        regime_id = data["id"]
        if data["status"] not in STATUSES:
            raise RegimeError(
                f"{source}: status {data['status']!r} is not one of {', '.join(STATUSES)}"
            )
        parameters = dict(base.parameters) if base else {}
        for name, spec in (data.get("parameters") or {}).items():
            values = sorted(
                (_date(day, f"{source} {name}"), value) for day, value in spec["values"].items()
            )
            if not values:
                raise RegimeError(f"{source}: parameter {name} has no values")
            parameters[name] = Parameter(
                name=name,
                description=spec.get("description", ""),
                values=tuple(values),
                citation=_citation(spec["citation"], name) if "citation" in spec else None,
                unit=spec.get("unit", ""),
            )
        rules = dict(base.rules) if base else {}
        for rule_id, spec in (data.get("rules") or {}).items():
            if spec is None:
                rules.pop(rule_id, None)
                continue
            if rule_id not in RULES:
                raise RegimeError(f"{source}: rule {rule_id!r} has no function in the catalogue")
            known = RULES[rule_id]
            rules[rule_id] = Rule(
                id=rule_id,
                title=spec.get("title", known.title),
                citation=_citation(spec["citation"], f"{source} {rule_id}"),
                function=known.function,
                facts=known.fact_names,
            )
        in_force = data.get("in_force") or {}
        return Regime(
            id=regime_id,
            title=data["title"],
            status=data["status"],
            legal_basis=" ".join(str(data["legal_basis"]).split()),
            summary=" ".join(str(data["summary"]).split()),
            in_force_from=_date(in_force.get("from"), f"{source} in_force.from"),
            in_force_to=_date(in_force.get("to"), f"{source} in_force.to"),
            published_on=_date(data.get("published_on"), f"{source} published_on"),
            citations=tuple(_citation(c, source) for c in data.get("citations", [])),
            parameters=parameters,
            rules=rules,
            version=str(data.get("version", "")),
            based_on=base.id if base else "",
            dates_note=" ".join(str(data.get("dates_note", "")).split()),
        )
    except KeyError as exc:
        raise RegimeError(f"{source}: missing required key {exc.args[0]!r}") from exc


@functools.cache
def _load() -> dict[str, Regime]:
    raw: dict[str, tuple[str, dict]] = {}
    for entry in sorted(files("openics.regimes").joinpath("data").iterdir(), key=str):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(entry.read_text(encoding="utf-8"))
        if data.get("id") != entry.name.removesuffix(".yaml"):
            raise RegimeError(
                f"{entry.name} declares id {data.get('id')!r}; the file name must match"
            )
        raw[data["id"]] = (entry.name, data)
    regimes: dict[str, Regime] = {}

    def build(regime_id: str, seen: tuple[str, ...] = ()) -> Regime:
        if regime_id in regimes:
            return regimes[regime_id]
        if regime_id in seen:
            raise RegimeError(f"regimes based on each other: {' -> '.join((*seen, regime_id))}")
        name, data = raw[regime_id]
        base_id = data.get("based_on")
        if base_id and base_id not in raw:
            raise RegimeError(f"{name}: based_on {base_id!r}, which is not a regime")
        base = build(base_id, (*seen, regime_id)) if base_id else None
        regimes[regime_id] = parse_regime(data, name, base)
        return regimes[regime_id]

    for regime_id in raw:
        build(regime_id)
    return regimes


def all_regimes() -> list[Regime]:
    """Every regime, in the order its era began (proposals by publication date)."""
    return sorted(
        _load().values(), key=lambda r: (r.in_force_from or r.published_on or date.max, r.id)
    )


def get_regime(regime_id: str) -> Regime:
    try:
        return _load()[regime_id]
    except KeyError:
        known = ", ".join(sorted(_load()))
        raise RegimeError(f"no regime {regime_id!r}; known regimes: {known}") from None


def regime_in_force_on(on: date) -> Regime | None:
    """The regime that was the law on a day (proposals and alternatives never are)."""
    for regime in all_regimes():
        if regime.status == "law" and regime.in_force(on):
            return regime
    return None
