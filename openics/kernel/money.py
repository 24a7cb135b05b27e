"""Exact money: integer pence inside, Decimal and "£1,234.56" at the edges, never floats."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import total_ordering

_PENCE_PER_POUND = 100
# £1,234.56, -£1,234.56, £-1,234.56, 1234.56, (£1,234.56) for a negative as accountants write it.
_MONEY_TEXT = re.compile(
    r"""^\s*
    (?P<open>\()?\s*
    (?P<sign1>[-−])?\s*
    £?\s*
    (?P<sign2>[-−])?\s*
    (?P<pounds>\d{1,3}(?:,\d{3})+|\d+)
    (?:\.(?P<pence>\d{1,2}))?
    \s*(?P<close>\))?\s*$""",
    re.VERBOSE,
)


class MoneyError(ValueError):
    """Raised when a value cannot be taken as an exact sum of money."""


@total_ordering
class Money:
    """An exact amount of money in pounds sterling, held as integer pence.

    Floats are refused everywhere: 0.1 + 0.2 is not 0.3 in binary floating point, and a
    public ledger must never gain or lose a penny to representation error.
    """

    __slots__ = ("_pence",)

    def __init__(self, pence: int) -> None:
        if isinstance(pence, bool) or not isinstance(pence, int):
            raise TypeError(
                f"Money takes whole pence as an int, not {type(pence).__name__} ({pence!r}); "
                "use Money.from_pounds(Decimal('…')) or Money.parse('£…') for pounds"
            )
        self._pence = pence

    # -- construction -------------------------------------------------------------------
    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    @classmethod
    def from_pounds(cls, pounds: Decimal | int | str) -> Money:
        """Pounds as Decimal, int or a numeric string; fractions of a penny are refused."""
        if isinstance(pounds, float):
            raise TypeError(f"Money refuses floats ({pounds!r}); pass a Decimal or a string")
        if isinstance(pounds, bool):
            raise TypeError("Money refuses booleans")
        try:
            amount = Decimal(pounds) if not isinstance(pounds, Decimal) else pounds
        except InvalidOperation as exc:
            raise MoneyError(f"not an amount of money: {pounds!r}") from exc
        if not amount.is_finite():
            raise MoneyError(f"not a finite amount of money: {pounds!r}")
        pence = amount * _PENCE_PER_POUND
        if pence != pence.to_integral_value():
            raise MoneyError(f"{pounds!r} has fractions of a penny; round it explicitly first")
        return cls(int(pence))

    @classmethod
    def from_decimal_rounded(cls, pounds: Decimal) -> Money:
        """Pounds rounded half-up to the penny, for computed values where rounding is intended."""
        if not isinstance(pounds, Decimal):
            raise TypeError(f"from_decimal_rounded takes a Decimal, not {type(pounds).__name__}")
        return cls(int((pounds * _PENCE_PER_POUND).quantize(Decimal(1), rounding=ROUND_HALF_UP)))

    @classmethod
    def parse(cls, text: str) -> Money:
        """Parses money as people write it: '£1,234.56', '-£5', '(£1,234.56)', '1234.5'."""
        if not isinstance(text, str):
            raise TypeError(f"Money.parse takes a string, not {type(text).__name__}")
        match = _MONEY_TEXT.match(text)
        if not match or bool(match["open"]) != bool(match["close"]):
            raise MoneyError(
                f"not an amount of money in pounds: {text!r} (expected like £1,234.56)"
            )
        if match["sign1"] and match["sign2"]:
            raise MoneyError(f"two minus signs in {text!r}")
        pounds = int(match["pounds"].replace(",", ""))
        pence_text = (match["pence"] or "0").ljust(2, "0")
        pence = pounds * _PENCE_PER_POUND + int(pence_text)
        negative = bool(match["open"] or match["sign1"] or match["sign2"])
        return cls(-pence if negative else pence)

    # -- reading ------------------------------------------------------------------------
    @property
    def pence(self) -> int:
        return self._pence

    def to_decimal(self) -> Decimal:
        return Decimal(self._pence).scaleb(-2)

    def format(self, *, pence: bool = True) -> str:
        """'£1,234.56' (or '-£1,234.56'); pence=False gives whole pounds, rounded half-up."""
        sign = "-" if self._pence < 0 else ""
        if pence:
            pounds, rest = divmod(abs(self._pence), _PENCE_PER_POUND)
            return f"{sign}£{pounds:,}.{rest:02d}"
        whole = (abs(self.to_decimal())).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return f"{sign}£{int(whole):,}"

    def format_brief(self) -> str:
        """'£25' for whole pounds, '£24.99' otherwise: for limits and thresholds in sentences."""
        return self.format(pence=bool(self._pence % _PENCE_PER_POUND))

    def format_short(self) -> str:
        """'£2.49bn', '£24.0m', '£350k': for labels where the exact figure is beside them."""
        pounds = abs(self.to_decimal())
        sign = "-" if self._pence < 0 else ""
        for size, suffix, places in (
            (Decimal(10**9), "bn", "0.01"),
            (Decimal(10**6), "m", "0.1"),
            (Decimal(10**3), "k", "1"),
        ):
            if pounds >= size:
                shown = (pounds / size).quantize(Decimal(places), rounding=ROUND_HALF_UP)
                return f"{sign}£{shown}{suffix}"
        return self.format()

    def format_thousands(self) -> str:
        """'£2,192,890k': to the nearest thousand pounds, rounded half-up, as allocations are
        published."""
        thousands = (abs(self.to_decimal()) / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return f"{'-' if self._pence < 0 else ''}£{int(thousands):,}k"

    def format_plain(self) -> str:
        """'-1234.56': two decimal places, no £ and no commas, for open data and the API."""
        return f"{self.to_decimal():.2f}"

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        return f"Money({self._pence})"

    # -- arithmetic (exact) -------------------------------------------------------------
    def _other(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}; wrap it in Money")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self._pence + self._other(other)._pence)

    def __radd__(self, other: object) -> Money:
        if other == 0 and not isinstance(other, bool | float):  # lets sum() start from 0
            return self
        return self._other(other) + self

    def __sub__(self, other: Money) -> Money:
        return Money(self._pence - self._other(other)._pence)

    def __neg__(self) -> Money:
        return Money(-self._pence)

    def __abs__(self) -> Money:
        return Money(abs(self._pence))

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            raise TypeError(
                "Money can be multiplied by a whole number only; use allocate() to share"
            )
        return Money(self._pence * factor)

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        return self._pence != 0

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Money):
            return self._pence == other._pence
        return NotImplemented

    def __lt__(self, other: Money) -> bool:
        return self._pence < self._other(other)._pence

    def __hash__(self) -> int:
        return hash(("Money", self._pence))

    # -- sharing ------------------------------------------------------------------------
    def allocate(self, weights: Sequence[int | Decimal]) -> list[Money]:
        """Shares this sum in proportion to weights, to the penny, with nothing lost or made.

        Largest-remainder method: each share gets the floor of its exact quota; the pence
        left over go one each to the largest fractional remainders (ties to the earlier
        weight). The shares always add up to the whole.
        """
        if isinstance(weights, (str, bytes)) or not weights:
            raise ValueError("allocate needs at least one weight")
        for weight in weights:
            if isinstance(weight, (float, bool)) or not isinstance(weight, (int, Decimal)):
                raise TypeError("weights must be int or Decimal, never float")
            if weight < 0:
                raise ValueError("weights cannot be negative")
        # Scale every weight to a whole number so the arithmetic below is exact integers.
        places = max(0, *(-Decimal(w).as_tuple().exponent for w in weights))
        scaled = [int(Decimal(w).scaleb(places)) for w in weights]
        total_weight = sum(scaled)
        if total_weight == 0:
            raise ValueError("weights add up to zero: nothing to share by")
        sign = -1 if self._pence < 0 else 1
        whole = abs(self._pence)
        floors = [whole * w // total_weight for w in scaled]
        remainders = [whole * w % total_weight for w in scaled]
        left = whole - sum(floors)
        order = sorted(range(len(scaled)), key=lambda i: (-remainders[i], i))
        for i in order[:left]:
            floors[i] += 1
        return [Money(sign * share) for share in floors]


def total(amounts: Iterable[Money]) -> Money:
    """Adds Money exactly; the total of nothing is £0.00."""
    result = Money.zero()
    for amount in amounts:
        result = result + amount
    return result
