"""Reader for PFI projects in the layout of HM Treasury's PFI and PF2 projects summary data.

HM Treasury publishes one row per current project, with the department and procuring
authority, sector, status, the date of financial close, the operational period of the
contract, the capital value, the special purpose vehicle and its equity holders, and the
unitary charge payments the authority has committed to, one column a financial year, in
£ millions. The reader reads each column by its heading (compared without case, spaces
or punctuation differences), whatever the order. The columns supported:

| heading | meaning | required |
|---|---|---|
| `HMT ID` (or `Project ID`) | HM Treasury's project number | no (the name is used) |
| `Project name` | the project | yes |
| `Department` | the sponsoring department | yes |
| `Procuring authority` (or `Authority`) | the body that pays, by name | yes |
| `Sector` | the sector the department gives | yes |
| `Status` | Operational, In construction, Pre-construction, Expired, Terminated | yes |
| `Date of financial close` | DD/MM/YYYY or YYYY-MM-DD | yes |
| `Operational period of contract (years)` or `Contract years` | whole years | yes |
| `Capital value (£m)` | £ millions | yes |
| `SPV name` | the private partner the authority contracts with | yes |
| `Equity holder N name`, `Equity holder N share (%)` | the partner's owners | no |
| `Unitary charge payment YYYY-YY (£m)` | the year's payment, £ millions; blank: none | 1 or more |

Any other column is ignored and named in the notes, so nothing is read by guesswork.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from openics.sources.base import (
    Parsed,
    RowError,
    SourceError,
    decimal_or_error,
    decode,
    read_csv_rows,
)

LAYOUT = "hmt-pfi-pf2-summary"
STATUSES = {
    "operational": "Operational",
    "in construction": "In construction",
    "pre-construction": "Pre-construction",
    "expired": "Expired",
    "terminated": "Terminated",
}


def _key(heading: str) -> str:
    return re.sub(r"[^a-z0-9£%]+", " ", heading.casefold()).strip()


# Our name → the headings (as keys) that mean it.
COLUMNS: dict[str, tuple[str, ...]] = {
    "reference": ("hmt id", "project id"),
    "name": ("project name",),
    "department": ("department",),
    "authority": ("procuring authority", "authority"),
    "sector": ("sector",),
    "status": ("status",),
    "financial_close": ("date of financial close",),
    "contract_years": ("operational period of contract years", "contract years"),
    "capital_value": ("capital value £m",),
    "spv": ("spv name",),
}
REQUIRED = ("name", "department", "authority", "sector", "status", "financial_close")
REQUIRED += ("contract_years", "capital_value", "spv")
_CHARGE = re.compile(r"^unitary charge payment (\d{4}) (\d{2}) £m$")
_HOLDER = re.compile(r"^equity holder (\d+) (name|share %)$")


@dataclass(frozen=True)
class PfiRow:
    line: int
    reference: str
    name: str
    department: str
    authority: str
    sector: str
    status: str
    financial_close: date
    contract_years: int
    capital_value_m: Decimal  # £ millions as published
    spv: str
    equity_holders: tuple[tuple[str, Decimal | None], ...] = ()
    charges_m: dict[str, Decimal] = field(default_factory=dict)  # "2025/26" → £ millions


def _day(text: str) -> date:
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"date of financial close {text!r} is not DD/MM/YYYY or YYYY-MM-DD")


def _header(cells: list[str], source: str, parsed: Parsed) -> tuple[dict, dict, dict]:
    keys = [_key(c) for c in cells]
    where: dict[str, int] = {}
    charges: dict[str, int] = {}
    holders: dict[int, dict[str, int]] = {}
    for index, key in enumerate(keys):
        named = next((ours for ours, heads in COLUMNS.items() if key in heads), None)
        if named:
            if named in where:
                raise SourceError(f"{source}: the column {cells[index]!r} appears twice")
            where[named] = index
        elif match := _CHARGE.match(key):
            start, end = int(match.group(1)), int(match.group(2))
            if (start + 1) % 100 != end:
                raise SourceError(f"{source}: {cells[index]!r} is not a financial year")
            charges[f"{start}/{end:02d}"] = index
        elif match := _HOLDER.match(key):
            part = "name" if match.group(2) == "name" else "share"
            holders.setdefault(int(match.group(1)), {})[part] = index
        elif key:
            parsed.notes.append(f"column {cells[index]!r} is not one OpenICS reads; ignored")
    missing = [ours for ours in REQUIRED if ours not in where]
    if missing or not charges:
        wanted = ", ".join(COLUMNS[m][0] for m in missing)
        if not charges:
            wanted = ", ".join(filter(None, [wanted, "unitary charge payment YYYY-YY (£m)"]))
        raise SourceError(
            f"{source} is not in the layout of HM Treasury's PFI and PF2 projects summary "
            f"data: it lacks {wanted}"
        )
    return where, charges, holders


def parse_pfi(data: bytes, source: str = "PFI summary file") -> Parsed[PfiRow]:
    text = decode(data, source)
    records = read_csv_rows(text, source)
    first = next(records, None)
    if first is None:
        raise SourceError(f"{source} is empty")
    parsed: Parsed[PfiRow] = Parsed(layout=LAYOUT)
    where, charges, holders = _header(first[1], source, parsed)
    width = len(first[1])
    for line, cells in records:
        cells = cells + [""] * (width - len(cells))
        if len(cells) > width:
            parsed.errors.append(RowError(line, f"has {len(cells)} cells, the header {width}"))
            continue
        problems: list[str] = []

        def cell(name: str, cells=cells) -> str:
            return cells[where[name]].strip() if name in where else ""

        for name in ("name", "department", "authority", "spv"):
            if not cell(name):
                problems.append(f"{COLUMNS[name][0]} is empty")
        status = STATUSES.get(cell("status").casefold())
        if status is None:
            problems.append(
                f"status {cell('status')!r} is not one of {', '.join(STATUSES.values())}"
            )
        close = None
        try:
            close = _day(cell("financial_close"))
        except ValueError as exc:
            problems.append(str(exc))
        years = None
        try:
            years_value = decimal_or_error(cell("contract_years"), "contract years")
            if years_value != years_value.to_integral_value() or not 1 <= years_value <= 99:
                raise ValueError(f"contract years {cell('contract_years')!r} is not 1 to 99")
            years = int(years_value)
        except ValueError as exc:
            problems.append(str(exc))
        capital = None
        try:
            capital = decimal_or_error(cell("capital_value"), "capital value (£m)")
        except ValueError as exc:
            problems.append(str(exc))
        paid: dict[str, Decimal] = {}
        for year, index in sorted(charges.items()):
            value = cells[index].strip()
            if not value:
                continue
            try:
                amount = decimal_or_error(value, f"unitary charge {year} (£m)")
            except ValueError as exc:
                problems.append(str(exc))
                continue
            pence = amount * 100_000_000  # £m to pence
            if pence != pence.to_integral_value():
                problems.append(f"unitary charge {year} (£m) {value!r} has fractions of a penny")
                continue
            if amount:
                paid[year] = amount
        owners: list[tuple[str, Decimal | None]] = []
        for number in sorted(holders):
            name = cells[holders[number]["name"]].strip() if "name" in holders[number] else ""
            share_text = (
                cells[holders[number]["share"]].strip() if "share" in holders[number] else ""
            )
            if not name and not share_text:
                continue
            if not name:
                problems.append(f"equity holder {number} has a share but no name")
                continue
            share = None
            if share_text:
                try:
                    share = decimal_or_error(
                        share_text.rstrip("%"), f"equity holder {number} share"
                    )
                    if share > 100:
                        raise ValueError(
                            f"equity holder {number} share {share_text!r} is over 100%"
                        )
                except ValueError as exc:
                    problems.append(str(exc))
            owners.append((name, share))
        total_share = sum((s for _, s in owners if s is not None), Decimal(0))
        if total_share > 100:
            problems.append(f"equity holders' shares add up to {total_share}%, over 100%")
        if problems:
            parsed.errors.append(RowError(line, "; ".join(problems)))
            continue
        parsed.rows.append(
            PfiRow(
                line=line,
                reference=cell("reference") or cell("name"),
                name=cell("name"),
                department=cell("department"),
                authority=cell("authority"),
                sector=cell("sector"),
                status=status,
                financial_close=close,
                contract_years=years,
                capital_value_m=capital,
                spv=cell("spv"),
                equity_holders=tuple(owners),
                charges_m=paid,
            )
        )
    return parsed
