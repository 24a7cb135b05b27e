"""Reader for NHS England's ICB allocations workbook (2023/24 to 2024/25, all funding streams)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from openics.sources.base import ODS_ICB, Parsed, RowError, SourceError

# The sheets we read: allocation line and the year allocated.
SHEETS = {
    "ICB Core Allocations 2023-24": ("core", "2023/24"),
    "ICB Core Allocations 2024-25": ("core", "2024/25"),
    "PMC Allocations 2023-24": ("primary_medical_care", "2023/24"),
    "PMC Allocations 2024-25": ("primary_medical_care", "2024/25"),
}
# What each needed column's heading starts with (headings carry years and line breaks).
COLUMNS = {
    "icb_code": r"ICB23$",
    "icb_name": r"System Name$",
    "baseline_k": r"\d{4}/\d\d Adjusted recurrent baseline",
    "target_k": r"\d{4}/\d\d Fair [Ss]hares [Tt]arget",
    "distance": r"\d{4}/\d\d Distance from target",
    "base_growth": r"\d{4}/\d\d Base growth",
    "convergence": r"\d{4}/\d\d Convergence",
    "recurrent_k": r"\d{4}/\d\d Recurrent allocation \(£k\)",
}
HEADER_ROW = 3  # headings are on the third row of each sheet


@dataclass(frozen=True)
class PublishedAllocationRow:
    line: int
    sheet: str
    line_item: str  # core or primary_medical_care
    financial_year: str
    icb_code: str
    icb_name: str
    baseline_k: Decimal
    target_k: Decimal
    distance: Decimal
    base_growth: Decimal
    convergence: Decimal
    recurrent_k: Decimal


def _number(value, what: str) -> Decimal:
    if value is None or isinstance(value, bool) or str(value).strip() == "":
        raise ValueError(f"{what} is empty")
    try:
        # openpyxl gives floats for numeric cells; their shortest repr is the value shown.
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{what} {value!r} is not a number") from None
    return number


def _columns(header: tuple, sheet: str, source: str) -> dict[str, int]:
    flat = [" ".join(str(h or "").split()) for h in header]
    found = {}
    for key, pattern in COLUMNS.items():
        for i, heading in enumerate(flat):
            if re.match(pattern, heading):
                found[key] = i
                break
    missing = [COLUMNS[k] for k in COLUMNS if k not in found]
    if missing:
        raise SourceError(f"{source}, sheet {sheet!r}: no column matching {', '.join(missing)}")
    return found


def parse_allocations_workbook(
    data: bytes, source: str = "allocations workbook"
) -> Parsed[PublishedAllocationRow]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SourceError(f"{source} is not an Excel workbook OpenICS can read: {exc}") from None
    present = [s for s in SHEETS if s in book.sheetnames]
    if not present:
        raise SourceError(f"{source} has none of the sheets {', '.join(SHEETS)}")
    parsed: Parsed[PublishedAllocationRow] = Parsed("nhse-icb-allocations-2023-25")
    for sheet in present:
        line_item, year = SHEETS[sheet]
        rows = list(book[sheet].iter_rows(values_only=True))
        if len(rows) < HEADER_ROW:
            raise SourceError(f"{source}, sheet {sheet!r}, has no heading row")
        columns = _columns(rows[HEADER_ROW - 1], sheet, source)
        seen: dict[str, int] = {}
        for number, row in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
            code = str(row[columns["icb_code"]] or "").strip().upper()
            if not code.startswith("Q"):
                continue  # blank rows, region subtotals and the England total
            problems = []
            if not ODS_ICB.match(code):
                problems.append(f"ICB code {code!r} is not valid")
            values = {}
            for key in (
                "baseline_k",
                "target_k",
                "distance",
                "base_growth",
                "convergence",
                "recurrent_k",
            ):
                try:
                    values[key] = _number(row[columns[key]], key.replace("_", " "))
                except ValueError as exc:
                    problems.append(str(exc))
            if code in seen:
                problems.append(f"ICB {code} is already on row {seen[code]}")
            if problems:
                parsed.errors.append(RowError(number, f"{sheet}: " + "; ".join(problems)))
                continue
            seen[code] = number
            parsed.rows.append(
                PublishedAllocationRow(
                    line=number,
                    sheet=sheet,
                    line_item=line_item,
                    financial_year=year,
                    icb_code=code,
                    icb_name=str(row[columns["icb_name"]] or "").strip(),
                    **values,
                )
            )
    book.close()
    return parsed
