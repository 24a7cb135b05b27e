"""The NHS financial year, 1 April to 31 March: one type, one parser, one way of writing it.

Published files and people write a year as ``2025/26`` or ``2025-26`` (and sometimes just
``2025``, the year it starts). Everything that takes a year from outside goes through
:meth:`FinancialYear.parse`; everything stored or shown uses :attr:`FinancialYear.label`
(``2025/26``), and URLs and file names use :attr:`FinancialYear.slug` (``2025-26``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_YEAR_TEXT = re.compile(r"^\s*(\d{4})(?:\s*[-/–]\s*(\d{2}|\d{4}))?\s*$")


class FinancialYearError(ValueError):
    """Raised when a text is not a financial year."""


@dataclass(frozen=True, order=True, slots=True)
class FinancialYear:
    """A financial year, named by the calendar year it starts in."""

    start: int

    def __post_init__(self) -> None:
        if isinstance(self.start, bool) or not isinstance(self.start, int):
            raise TypeError(f"a financial year starts in a whole year, not {self.start!r}")
        if not 1948 <= self.start <= 2200:
            raise FinancialYearError(f"no NHS financial year starts in {self.start}")

    @classmethod
    def parse(cls, text: str | FinancialYear) -> FinancialYear:
        """'2025/26', '2025-26', '2025/2026' or '2025' → FinancialYear(2025)."""
        if isinstance(text, FinancialYear):
            return text
        match = _YEAR_TEXT.match(str(text))
        if not match:
            raise FinancialYearError(
                f"not a financial year: {text!r} (write it like 2025-26 or 2025/26)"
            )
        start = int(match[1])
        if match[2] is not None:
            end = int(match[2])
            expected = start + 1 if len(match[2]) == 4 else (start + 1) % 100
            if end != expected:
                raise FinancialYearError(
                    f"not a financial year: {text!r} ({start} is followed by "
                    f"{(start + 1) % 100:02d}, not {match[2]})"
                )
        try:
            return cls(start)
        except FinancialYearError as exc:
            raise FinancialYearError(f"not a financial year: {text!r} ({exc})") from None

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        """The financial year a day falls in."""
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def label(self) -> str:
        """How the year is stored and shown: '2025/26'."""
        return f"{self.start}/{(self.start + 1) % 100:02d}"

    @property
    def slug(self) -> str:
        """How the year is written in URLs, file names and options: '2025-26'."""
        return f"{self.start}-{(self.start + 1) % 100:02d}"

    @property
    def first_day(self) -> date:
        return date(self.start, 4, 1)

    @property
    def last_day(self) -> date:
        return date(self.start + 1, 3, 31)

    def __contains__(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def next(self) -> FinancialYear:
        return FinancialYear(self.start + 1)

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start - 1)

    def __str__(self) -> str:
        return self.label
