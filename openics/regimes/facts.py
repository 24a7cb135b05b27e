"""The facts a rule reads: declared from the rule's own types, and built from plain data.

A rule function takes its facts as keyword arguments whose types are frozen dataclasses
(a decision, a board, a gift) or plain values. This module reads those types to say what
a rule needs (each fact's name, type and meaning) and turns a JSON-like dict into the
typed objects, refusing any fact that is unknown, missing or of the wrong type, with the
fact named. Pure: no database, no Django.

A dataclass may say what its fields mean with a class attribute `meanings` (a dict from
field name to a sentence); a rule's own keyword arguments are described in the catalogue.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from dataclasses import dataclass
from datetime import date
from typing import Any

from openics.kernel.money import Money

_NO_DEFAULT = object()


@dataclass(frozen=True)
class Fact:
    """One fact a rule reads: its name, its type in words, what it means, and its default."""

    name: str
    type: str
    meaning: str
    required: bool = True
    default: Any = None
    fields: tuple[Fact, ...] = ()  # the parts of a fact that is itself a record

    def to_dict(self) -> dict:
        data: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "meaning": self.meaning,
            "required": self.required,
        }
        if not self.required:
            data["default"] = plain(self.default)
        if self.fields:
            data["fields"] = [f.to_dict() for f in self.fields]
        return data


def _hints(cls: Any) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _args(tp: Any) -> tuple[Any, ...]:
    return typing.get_args(tp)


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _record(tp: Any) -> Any:
    """The dataclass inside a type (itself, an optional one, or a tuple of them), or None."""
    if dataclasses.is_dataclass(tp):
        return tp
    if _is_union(tp) or typing.get_origin(tp) is tuple:
        for arg in _args(tp):
            found = _record(arg)
            if found is not None:
                return found
    return None


def type_name(tp: Any) -> str:
    """A type as a person writing JSON would read it."""
    if tp is bool:
        return "true or false"
    if tp is int:
        return "whole number"
    if tp is str:
        return "text"
    if tp is date:
        return "date (YYYY-MM-DD)"
    if tp is Money:
        return "money (whole pence)"
    if tp is type(None):
        return "null"
    if tp is Any or tp is dict or typing.get_origin(tp) is dict:
        return "object"
    if _is_union(tp):
        return " or ".join(type_name(a) for a in _args(tp))
    if typing.get_origin(tp) is tuple:
        args = _args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return f"list of {type_name(args[0])}"
        return "list [" + ", ".join(type_name(a) for a in args) + "]"
    if dataclasses.is_dataclass(tp):
        return f"record ({tp.__name__})"
    return getattr(tp, "__name__", str(tp))


def describe_record(cls: Any) -> tuple[Fact, ...]:
    """The fields of a dataclass as facts, with their meanings and defaults."""
    meanings = getattr(cls, "meanings", {}) or {}
    hints = _hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        tp = hints[f.name]
        default = _NO_DEFAULT
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        inner = _record(tp)
        out.append(
            Fact(
                name=f.name,
                type=type_name(tp),
                meaning=meanings.get(f.name, f.name.replace("_", " ")),
                required=default is _NO_DEFAULT,
                default=None if default is _NO_DEFAULT else default,
                fields=describe_record(inner) if inner is not None else (),
            )
        )
    return tuple(out)


def describe_function(function: Any, meanings: dict[str, str]) -> tuple[Fact, ...]:
    """The keyword-only arguments of a rule function (after its context) as facts."""
    hints = typing.get_type_hints(function)
    out = []
    for name, param in inspect.signature(function).parameters.items():
        if param.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        tp = hints.get(name, Any)
        inner = _record(tp)
        has_default = param.default is not inspect.Parameter.empty
        out.append(
            Fact(
                name=name,
                type=type_name(tp),
                meaning=meanings.get(name, name.replace("_", " ")),
                required=not has_default,
                default=param.default if has_default else None,
                fields=describe_record(inner) if inner is not None else (),
            )
        )
    return tuple(out)


# --- building typed facts from plain data ---------------------------------------------------


def _fail(path: str, expected: str, value: Any) -> ValueError:
    return ValueError(f"fact {path}: expected {expected}, got {value!r}")


def build(tp: Any, value: Any, path: str) -> Any:
    """`value` (JSON-like) as the type `tp`, or a ValueError naming the fact at `path`."""
    if tp is Any:
        return value
    if _is_union(tp):
        args = _args(tp)
        if value is None:
            if type(None) in args:
                return None
            raise _fail(path, type_name(tp), value)
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return build(arg, value, path)
            except ValueError as exc:
                errors.append(exc)
        if len(errors) == 1:
            raise errors[0]
        raise _fail(path, type_name(tp), value)
    if tp is bool:
        if not isinstance(value, bool):
            raise _fail(path, "true or false", value)
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(path, "a whole number", value)
        return value
    if tp is str:
        if not isinstance(value, str):
            raise _fail(path, "text", value)
        return value
    if tp is date:
        if isinstance(value, date):
            return value
        if not isinstance(value, str):
            raise _fail(path, "a date like 2025-04-01", value)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _fail(path, "a date like 2025-04-01", value) from None
    if tp is Money:
        if isinstance(value, Money):
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(path, "an amount in whole pence", value)
        return Money(value)
    if tp is dict or typing.get_origin(tp) is dict:
        if not isinstance(value, dict):
            raise _fail(path, "an object", value)
        return dict(value)
    if typing.get_origin(tp) is tuple:
        if not isinstance(value, list | tuple):
            raise _fail(path, type_name(tp), value)
        args = _args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(build(args[0], v, f"{path}[{i}]") for i, v in enumerate(value))
        if len(args) != len(value):
            raise _fail(path, type_name(tp), value)
        return tuple(
            build(a, v, f"{path}[{i}]") for i, (a, v) in enumerate(zip(args, value, strict=True))
        )
    if dataclasses.is_dataclass(tp):
        if isinstance(value, tp):
            return value
        if not isinstance(value, dict):
            raise _fail(path, f"an object ({tp.__name__})", value)
        return build_record(tp, value, path)
    raise ValueError(f"fact {path}: OpenICS cannot read a value of type {tp!r}")


def build_record(cls: Any, data: dict, path: str) -> Any:
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValueError(
            f"unknown fact {path}.{unknown[0]}; {cls.__name__} has: {', '.join(sorted(names))}"
        )
    kwargs = {}
    for f in dataclasses.fields(cls):
        where = f"{path}.{f.name}"
        if f.name in data:
            kwargs[f.name] = build(hints[f.name], data[f.name], where)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ValueError(f"missing fact {where} ({type_name(hints[f.name])})")
    return cls(**kwargs)


def build_arguments(function: Any, facts: dict) -> dict[str, Any]:
    """The keyword arguments for a rule function, built from plain facts."""
    if not isinstance(facts, dict):
        raise ValueError(f"the facts must be an object of named facts, got {facts!r}")
    hints = typing.get_type_hints(function)
    params = {
        name: p
        for name, p in inspect.signature(function).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    unknown = sorted(set(facts) - set(params))
    if unknown:
        raise ValueError(
            f"unknown fact {unknown[0]}; this rule reads: {', '.join(params) or 'nothing'}"
        )
    out = {}
    for name, param in params.items():
        tp = hints.get(name, Any)
        if name in facts:
            out[name] = build(tp, facts[name], name)
        elif param.default is inspect.Parameter.empty:
            raise ValueError(f"missing fact {name} ({type_name(tp)})")
    return out


def plain(value: Any) -> Any:
    """A value as JSON-like data: dates as ISO text, records as objects, Money as pence."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Money):
        return value.pence
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value
