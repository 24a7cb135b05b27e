"""The shapes of a regime: citations, dated parameters, rules and their results."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

# What a regime is: the law, a Bill before Parliament, a proposal (by government or NHS
# England), an alternative (by its critics) or a commitment (a minister's word).
STATUSES = ("law", "bill", "proposal", "alternative", "commitment")


class RegimeError(LookupError):
    """An unknown regime, parameter or rule, or a date with no value."""


class Confidence(StrEnum):
    """How sure we are of a rule's source (marks as in shared/domain/rules-sources.md)."""

    CONFIRMED = "C"  # read in the primary text
    SECONDARY = "S"  # from a reputable secondary source
    UNCONFIRMED = "U"  # not found in the sources; encoded as a flagged assumption


@dataclass(frozen=True)
class Citation:
    source: str
    url: str = ""
    confidence: Confidence = Confidence.CONFIRMED

    def __str__(self) -> str:
        mark = "" if self.confidence == Confidence.CONFIRMED else f" [{self.confidence.value}]"
        return f"{self.source}{mark}"


@dataclass(frozen=True)
class Parameter:
    """A value that changes over time: `values` maps the date a value starts to the value."""

    name: str
    description: str
    values: tuple[tuple[date, Any], ...]
    citation: Citation | None = None
    unit: str = ""

    def at(self, on: date) -> Any:
        current = None
        found = False
        for starts, value in self.values:
            if starts <= on:
                current, found = value, True
        if not found:
            first = self.values[0][0] if self.values else None
            raise RegimeError(f"parameter {self.name} has no value on {on} (first value {first})")
        return current


class Note(str):
    """A line a rule says that is not a breach: good practice, or a figure it worked out.

    A rule function yields plain strings for breaches of the law; it yields a `Note` for
    advice the law does not make a condition (so it never makes a result "not allowed").
    """


class CannotTell(str):
    """A line a rule says when it cannot judge: the rule has nothing to go on, or the record
    cannot say (who owns a provider's parent company, say). Never "allowed", never a breach."""


@dataclass(frozen=True)
class ParameterUse:
    """One parameter a rule read: its value on the day and since when that value applies."""

    name: str
    value: Any
    applies_from: date
    citation: Citation | None


@dataclass(frozen=True)
class Violation:
    rule_id: str
    citation: Citation
    explanation: str


@dataclass(frozen=True)
class RuleResult:
    """What evaluating a rule says: allowed or not, with each violation explained."""

    rule_id: str
    regime_id: str
    on: date
    violations: tuple[Violation, ...] = ()
    notes: tuple[str, ...] = ()
    parameters: tuple[ParameterUse, ...] = ()
    regime_version: str = ""
    cannot_tell: tuple[str, ...] = ()  # what the rule could not judge, and why

    @property
    def allowed(self) -> bool:
        return not self.violations

    def explain(self) -> str:
        if self.allowed:
            return f"{self.rule_id}: allowed under {self.regime_id} on {self.on}"
        lines = [f"{self.rule_id}: not allowed under {self.regime_id} on {self.on}"]
        lines += [f"- {v.explanation} ({v.citation})" for v in self.violations]
        return "\n".join(lines)


@dataclass(frozen=True)
class RuleContext:
    """What a rule function may look at: the regime's parameters on one day. No database."""

    regime: Regime
    on: date
    # Which parameters the rule read, and the value of each (shared by `at`); not compared.
    used: dict = field(default_factory=dict, compare=False, repr=False)

    def param(self, name: str) -> Any:
        parameter = self.regime.parameter(name)
        first_day = parameter.values[0][0]
        day = self.on
        if self.on < first_day and not self.regime.in_force(self.on):
            # A regime asked about a day it never governed (a proposal, or a law checked
            # against an earlier decision) is applied as first written.
            day = first_day
        value = parameter.at(day)
        applies_from = max(starts for starts, _ in parameter.values if starts <= day)
        self.used.setdefault(
            (name, applies_from), ParameterUse(name, value, applies_from, parameter.citation)
        )
        return value

    def at(self, day: date) -> RuleContext:
        """The same regime on another day (a transitional rule, or the day a power was used)."""
        return RuleContext(self.regime, day, self.used)


RuleFunction = Callable[..., Iterable[str]]


@dataclass(frozen=True)
class Rule:
    """A pure function that yields one plain-English explanation per breach it finds."""

    id: str
    title: str
    citation: Citation
    function: RuleFunction
    facts: tuple[str, ...] = ()

    def evaluate(self, regime: Regime, on: date, **facts: Any) -> RuleResult:
        missing = [name for name in self.facts if name not in facts]
        if missing:
            raise TypeError(f"rule {self.id} needs the facts {', '.join(missing)}")
        notes: list[str] = []
        if not regime.in_force(on):
            notes.append(
                f"{regime.title} was not in force on {on}; the rule is applied as written, "
                "to show what it would say"
            )
        ctx = RuleContext(regime, on)
        violations: list[Violation] = []
        undetermined: list[str] = []
        for text in self.function(ctx, **facts):
            if isinstance(text, CannotTell):
                undetermined.append(str(text))
            elif isinstance(text, Note):
                notes.append(str(text))
            else:
                violations.append(Violation(self.id, self.citation, text))
        return RuleResult(
            self.id,
            regime.id,
            on,
            tuple(violations),
            tuple(notes),
            tuple(ctx.used.values()),
            regime.version,
            tuple(undetermined),
        )


@dataclass(frozen=True)
class Regime:
    id: str
    title: str
    status: str  # one of STATUSES
    legal_basis: str
    summary: str
    in_force_from: date | None
    in_force_to: date | None
    published_on: date | None
    citations: tuple[Citation, ...]
    parameters: Mapping[str, Parameter]
    rules: Mapping[str, Rule] = field(default_factory=dict)
    # The rulebook's own version: changed whenever its parameters or rules are corrected.
    version: str = ""
    # The regime whose parameters and rules it keeps where it says nothing of its own.
    based_on: str = ""
    # Dates a single day cannot give (a Bill presented in several sessions, say).
    dates_note: str = ""

    def in_force(self, on: date) -> bool:
        if self.in_force_from is None or on < self.in_force_from:
            return False
        return self.in_force_to is None or on <= self.in_force_to

    def in_force_text(self) -> str:
        if self.in_force_from is None:
            published = f", published {self.published_on}" if self.published_on else ""
            if not self.published_on and self.dates_note:
                published = f"; {self.dates_note}"
            return f"never in force ({self.status}{published})"
        end = self.in_force_to.isoformat() if self.in_force_to else "now"
        return f"{self.in_force_from} to {end}"

    def parameter(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise RegimeError(f"regime {self.id} has no parameter {name!r}") from None

    def rule(self, rule_id: str) -> Rule:
        try:
            return self.rules[rule_id]
        except KeyError:
            raise RegimeError(f"regime {self.id} has no rule {rule_id!r}") from None

    def evaluate(self, rule_id: str, on: date, **facts: Any) -> RuleResult:
        return self.rule(rule_id).evaluate(self, on, **facts)
