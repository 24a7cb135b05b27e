"""MoneyField: Money in Python, a BIGINT of pence in the database; fixed decimals; and a
foreign key PostgreSQL checks as a set."""

from decimal import ROUND_HALF_EVEN, Decimal

from django.core.exceptions import ValidationError
from django.db import connection, models

from openics.kernel.money import Money, MoneyError


class MoneyField(models.BigIntegerField):
    """Stores Money as integer pence (BIGINT holds over ±£92 trillion, plenty for the NHS)."""

    description = "An amount of money, stored as integer pence"

    def from_db_value(self, value, expression, connection):
        return None if value is None else Money(int(value))

    def to_python(self, value):
        if value is None or isinstance(value, Money):
            return value
        if isinstance(value, str):
            try:
                return Money.parse(value)
            except MoneyError as exc:
                raise ValidationError(str(exc), code="invalid_money") from exc
        if isinstance(value, int) and not isinstance(value, bool):
            return Money(value)
        raise ValidationError(f"not an amount of money: {value!r}", code="invalid_money")

    def get_prep_value(self, value):
        if value is None:
            return None
        if isinstance(value, Money):
            return value.pence
        # Plain ints are accepted for lookups and aggregates on pence; floats never.
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise TypeError(f"MoneyField takes Money, not {type(value).__name__} ({value!r})")

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return None if value is None else value.pence


class _Quanta(dict):
    """10 ** -places as a Decimal, made once for each number of places."""

    def __missing__(self, places: int) -> Decimal:
        self[places] = quantum = Decimal(1).scaleb(-places)
        return quantum


_QUANTUM = _Quanta()


class FixedDecimalField(models.BigIntegerField):
    """A Decimal stored exactly as a whole number of millionths (or another fixed scale).

    SQLite keeps DecimalField values as binary floating point; storing scaled integers
    instead makes sums exact on SQLite and PostgreSQL alike. Values are rounded half to
    even to the field's places, the same way every time, so a re-import compares equal.
    """

    def __init__(self, *args, places: int = 6, **kwargs):
        self.places = places
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["places"] = self.places
        return name, path, args, kwargs

    def quantize(self, value):
        if isinstance(value, float):
            raise TypeError("FixedDecimalField refuses floats")
        return Decimal(value).quantize(_QUANTUM[self.places], rounding=ROUND_HALF_EVEN)

    def from_db_value(self, value, expression, connection):
        return None if value is None else Decimal(int(value)).scaleb(-self.places)

    def to_python(self, value):
        return None if value is None else self.quantize(value)

    def get_prep_value(self, value):
        if value is None:
            return None
        return int(self.quantize(value).scaleb(self.places))


def choices_of(vocabulary) -> list[tuple[str, str]]:
    """Django choices from one of the regimes' vocabularies (a StrEnum with a label)."""
    return [(member.value, member.label) for member in vocabulary]


class SetCheckedForeignKey(models.ForeignKey):
    """A foreign key that PostgreSQL checks with triggers, each statement's rows as one set,
    rather than with a constraint row by row (ADR 0028); on SQLite it is an ordinary
    (deferred) foreign-key constraint. The migration that brings such a field in makes the
    triggers: on PostgreSQL no constraint is made for it, whatever the database.

    A constraint's check is a query per row that locks the row it finds; for tables an
    import fills by the ten thousand that was the largest part of the database's work.
    SQLite's own check costs less than a trigger per row, so SQLite keeps it."""

    @property
    def db_constraint(self) -> bool:
        return connection.vendor != "postgresql"

    @db_constraint.setter
    def db_constraint(self, value: bool) -> None:
        if value is not True:
            raise TypeError("a SetCheckedForeignKey's check is the database's: no db_constraint")

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("db_constraint", None)  # the same field in migrations on every database
        return name, path, args, kwargs
