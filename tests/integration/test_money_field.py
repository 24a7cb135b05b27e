"""MoneyField stores integer pence and gives back Money, on SQLite and PostgreSQL alike."""

import pytest
from django.db import connection, models, transaction

from openics.kernel.money import Money
from tests.holdings_app.models import MoneySample


@pytest.fixture
def sample_table(db):
    return MoneySample


def test_round_trip_keeps_every_penny(sample_table):
    big = Money(9_000_000_000_000_01)  # £90 trillion and a penny fits in a BIGINT
    sample_table.objects.create(amount=big)
    sample_table.objects.create(amount=Money(-1))
    assert sorted(s.amount for s in sample_table.objects.all()) == [Money(-1), big]


def test_stored_as_integer_pence(sample_table):
    sample_table.objects.create(amount=Money.parse("£1,234.56"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT amount FROM holdings_app_moneysample")
        assert cursor.fetchone()[0] == 123456


def test_refuses_floats(sample_table):
    with pytest.raises(TypeError, match="MoneyField takes Money"), transaction.atomic():
        sample_table.objects.create(amount=12.5)
    assert sample_table.objects.count() == 0


def test_sums_in_the_database_are_exact(sample_table):
    for _ in range(10):
        sample_table.objects.create(amount=Money(10))  # 10p, ten times
    total = sample_table.objects.aggregate(t=models.Sum("amount"))["t"]
    assert total == Money(100)
