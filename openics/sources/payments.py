"""The bulk payments file: a header row, then one payment a line. Pure: bytes in, rows out.

Columns (names as here, any order; `element` is optional):
    contract, invoice, date_paid, amount, element

Every bad row is reported with its line number (the header is line 1); a file whose
header lacks a column is refused whole.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from openics.kernel.money import Money, MoneyError
from openics.sources.base import RowError, SourceError, decode

COLUMNS = ("contract", "invoice", "date_paid", "amount")
# A single payment of £1 trillion or more is a slip or a hostile file (and past it, the
# books' 64-bit pence would overflow): refused with the line.
LARGEST_PAYMENT_PENCE = 10**14


@dataclass
class PaymentRow:
    line: int
    contract: str
    invoice: str
    paid_on: date
    pence: int
    element: str


def _date(text: str) -> date:
    text = text.strip()
    if len(text) == 10 and text[4] == text[7] == "-":  # the usual 2025-04-30, 10× faster
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"date_paid {text!r} is not a date (write it like 2025-04-30)")


def read_payments(data: bytes, progress: Callable[[int], None] | None = None):
    """Parses the file; returns (rows, errors), each error with its line number."""
    text = decode(data, "the payments file")
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise SourceError(
            f"line 1: the header lacks the column(s) {', '.join(missing)}; "
            f"expected {', '.join(COLUMNS)} (and optionally element)"
        )
    at = {name: header.index(name) for name in header}
    rows, errors = [], []
    for number, cells in enumerate(reader, start=2):
        if progress and number % 10_000 == 0:
            progress(10_000)
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header):
            errors.append(
                RowError(number, f"{len(cells)} cells where the header has {len(header)}")
            )
            continue
        value = {name: cells[i].strip() for name, i in at.items()}
        problems = []
        if not value["contract"]:
            problems.append("no contract reference")
        if not value["invoice"]:
            problems.append("no invoice number")
        paid_on = pence = None
        try:
            paid_on = _date(value["date_paid"])
        except ValueError as exc:
            problems.append(str(exc))
        try:
            pence = Money.parse(value["amount"]).pence
            if pence <= 0:
                problems.append(f"amount {value['amount']} is not more than £0.00")
            elif pence >= LARGEST_PAYMENT_PENCE:
                problems.append(
                    f"amount {value['amount']} is more than any one payment can be "
                    f"(£{LARGEST_PAYMENT_PENCE // 100:,})"
                )
        except MoneyError as exc:
            problems.append(str(exc))
        element = value.get("element", "")
        if element not in ("", "fixed", "variable"):
            problems.append(f"element {element!r} is not fixed or variable")
        if problems:
            errors.append(RowError(number, "; ".join(problems)))
        else:
            rows.append(
                PaymentRow(number, value["contract"], value["invoice"], paid_on, pence, element)
            )
    return rows, errors
