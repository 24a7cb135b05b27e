"""Working days in England: Monday to Friday, except the bank holidays of England and Wales.

Deadlines in the rules are counted in working days (the PSR standstill, for one). The
bank holidays come from the `holidays` package, so Easter and substitute days are right
for any year without a table of our own.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import holidays


@functools.cache
def _bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share one set of bank holidays; `ENG` is England's subdivision.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def bank_holiday_name(day: date) -> str:
    """The bank holiday's name, or '' on any other day."""
    if day not in _bank_holidays(day.year):
        return ""
    return holidays.country_holidays("GB", subdiv="ENG", years=day.year).get(day) or ""


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_after(day: date, count: int) -> date:
    """The `count`th working day after `day` (the day itself is never counted)."""
    if count < 1:
        raise ValueError("count the working days from 1")
    current, counted = day, 0
    while counted < count:
        current += timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return current


def skipped_days(start: date, end: date) -> list[tuple[date, str]]:
    """The days after `start` up to `end` that were not counted, with why (to explain a date)."""
    skipped = []
    current = start + timedelta(days=1)
    while current <= end:
        if not is_working_day(current):
            skipped.append((current, bank_holiday_name(current) or current.strftime("%A")))
        current += timedelta(days=1)
    return skipped
