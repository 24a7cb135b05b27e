"""Open data as CSV that a spreadsheet opens safely: no cell from outside runs as a formula.

A name imported from a published file (an ODS or practice file, say) could begin with
``=``, ``+``, ``-`` or ``@``; a spreadsheet opening the CSV would take it as a formula
(CSV or formula injection). Every CSV OpenICS writes goes through :func:`writer`, which
puts an apostrophe before such a cell — the way spreadsheets themselves mark text — and
leaves numbers alone, so ``-1234.56`` stays a number.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

_FORMULA_START = ("=", "+", "-", "@", "\t", "\n")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def safe_cell(value: Any) -> str:
    """The cell as text, with an apostrophe before anything a spreadsheet would run. A line
    break inside a cell is written as a newline, which the writer quotes (a bare carriage
    return would not be, and would split the row)."""
    text = "" if value is None else str(value).replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


class SafeWriter:
    """A csv.writer whose every cell has passed through :func:`safe_cell`."""

    def __init__(self, stream: TextIO) -> None:
        self._writer = csv.writer(stream, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: TextIO) -> SafeWriter:
    return SafeWriter(stream)
