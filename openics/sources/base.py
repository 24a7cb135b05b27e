"""Shared shapes for source readers: row errors, file errors, parse results, small checks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Generic, TypeVar

T = TypeVar("T")


class SourceError(ValueError):
    """The file as a whole cannot be read: unknown layout, wrong encoding, missing columns."""


@dataclass(frozen=True)
class RowError:
    line: int  # 1-based line in the file as a person sees it in an editor
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class Parsed(Generic[T]):
    layout: str  # which known layout was recognised, e.g. "nhse-place-tool-2025"
    rows: list[T] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # oddities accepted, said out loud

    @property
    def ok(self) -> bool:
        return not self.errors


def decode(data: bytes, source: str) -> str:
    """UTF-8 (with or without a byte-order mark) or a clear error naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"{source} is not UTF-8 text: byte {exc.start} on line {line} cannot be read "
            "(save the file as UTF-8 CSV and try again)"
        ) from None


def decimal_or_error(text: str, what: str, *, allow_negative: bool = False) -> Decimal:
    """A Decimal from text, or ValueError with a plain reason (never a float)."""
    cleaned = text.strip().replace(",", "")
    if not cleaned:
        raise ValueError(f"{what} is empty")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{what} {text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{what} {text!r} is not a finite number")
    if value < 0 and not allow_negative:
        raise ValueError(f"{what} is negative ({text.strip()})")
    return value


# Published code formats (NHS Data Dictionary / ONS). Checked so that a mistyped or
# shifted column is caught at the row, not discovered later as a phantom organisation.
ODS_PRACTICE = re.compile(r"^[A-Z]\d{5}$")
ODS_PCN = re.compile(r"^U\d{5}$")
ODS_ICB = re.compile(r"^Q[A-Z0-9]{2}$")
ODS_REGION = re.compile(r"^Y\d{2}$")
# Three characters, or five for sub-ICB locations made by mergers (e.g. X2C4Y).
ODS_SUB_ICB = re.compile(r"^[0-9]{2}[A-Z0-9]$|^[A-Z0-9]{3}$|^[A-Z]\d[A-Z]\d[A-Z]$")
ODS_TRUST = re.compile(r"^[A-Z0-9]{3}$")
ONS_LA = re.compile(r"^E0[6-9]\d{6}$")  # E06 unitary, E07 district, E08 metropolitan, E09 London
ONS_ICB = re.compile(r"^E54\d{6}$")
ONS_LSOA = re.compile(r"^E01\d{6}$")
