"""Shared shapes for source readers: row errors, file errors, parse results, small checks."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Generic, TypeVar

T = TypeVar("T")


class SourceError(ValueError):
    """The file as a whole cannot be read: unknown layout, wrong encoding, missing columns."""


@dataclass(frozen=True)
class RowError:
    line: int  # 1-based line in the file as a person sees it in an editor (a sheet's row)
    reason: str
    sheet: str = ""  # the workbook sheet the row is on, if the file is a workbook

    def __str__(self) -> str:
        if self.sheet:
            return f"sheet {self.sheet!r}, row {self.line}: {self.reason}"
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


def read_csv_rows(
    text: str, source: str, *, keep_empty: bool = False
) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on (line 1 is the first line); empty ones
    only if `keep_empty`.

    A quoted field may run over several lines, so a record's start is where the previous
    one ended, not the reader's line count after reading it.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The csv module cannot resynchronise after this, so the file as a whole fails.
            raise SourceError(f"{source} line {start} is not readable CSV: {exc}") from None
        # Blank when every cell is (their text joined is only spaces), found in one step.
        if keep_empty or "".join(cells).strip():
            yield start, cells
        start = reader.line_num + 1


def checked(problems: list[str], read: Callable[..., T], *args, **kwargs) -> T | None:
    """What `read(*args, **kwargs)` gives, or None with the reason of its ValueError added
    to the row's problems."""
    try:
        return read(*args, **kwargs)
    except ValueError as exc:
        problems.append(str(exc))
        return None


def keep_row(parsed: Parsed[T], line: int, row: T | None, problems: list[str], prefix="") -> None:
    """A row read: kept, or, when it has problems, an error for its line naming them all."""
    if problems or row is None:
        parsed.errors.append(RowError(line, prefix + "; ".join(problems)))
    else:
        parsed.rows.append(row)


# No figure in the files these readers take comes near a trillion (England has under 60
# million people; its allocation is about £120bn, under 10^9 £k). A value that large is a
# shifted column or a hostile file, and could not be stored exactly: refused with its line.
LARGEST_FIGURE = Decimal(10) ** 12


def decimal_or_error(text: str, what: str, *, allow_negative: bool = False) -> Decimal:
    """A Decimal from text, or ValueError with a plain reason (never a float)."""
    # Most cells are a plain number that needs no cleaning: taken at once when it is one
    # this function accepts (Decimal ignores the spaces that strip() would remove).
    try:
        value = Decimal(text)
    except InvalidOperation:
        pass
    else:
        finite = value.is_finite() and -LARGEST_FIGURE < value < LARGEST_FIGURE
        if finite and (allow_negative or value >= 0):
            return value
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
    if abs(value) >= LARGEST_FIGURE:
        raise ValueError(f"{what} {text.strip()!r} is too large to be a figure of this file")
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
