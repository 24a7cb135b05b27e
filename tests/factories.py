"""Test data factories shared by the suites."""

from datetime import date

import factory
from django.contrib.auth import get_user_model

from openics.kernel.money import Money


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nhs.uk")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organisations.Organisation"

    kind = "nhs_trust"
    code = factory.Sequence(lambda n: f"R{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Trust {o.code}")
    ownership = "nhs"


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contracts.Contract"

    reference = factory.Sequence(lambda n: f"C-{n:04d}")
    title = "Acute services"
    sector = "acute"
    start = date(2025, 4, 1)
    end = date(2026, 3, 31)
    annual_value = factory.LazyFunction(lambda: Money(0))
    payment_mechanism = "blended"
