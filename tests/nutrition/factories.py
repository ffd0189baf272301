"""Factories for nutrition rows; each builds its parents in the same organisation."""

from decimal import Decimal

import factory

from nutrition.models import Food, FoodPortion, NutritionSettings, NutritionTarget
from tests.factories import ClientFactory, OrganizationFactory, register


@register
class FoodFactory(factory.django.DjangoModelFactory):
    """A business's own food (pass organization=None, source="usda_sr28" for a shared one)."""

    class Meta:
        model = Food

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Food {n}")
    food_group = "Vegetables and Vegetable Products"
    energy_kcal = Decimal("120")
    protein_g = Decimal("10")
    carbohydrate_g = Decimal("12")
    fat_g = Decimal("3.5")
    fibre_g = Decimal("2")


@register
class FoodPortionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FoodPortion

    food = factory.SubFactory(FoodFactory)
    organization = factory.LazyAttribute(lambda o: o.food.organization)
    description = "cup"
    gram_weight = Decimal("128.00")


@register
class NutritionSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NutritionSettings

    client = factory.SubFactory(ClientFactory)
    organization = factory.LazyAttribute(lambda o: o.client.organization)


@register
class NutritionTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NutritionTarget

    client = factory.SubFactory(ClientFactory)
    organization = factory.LazyAttribute(lambda o: o.client.organization)
    energy_kcal = 2200
    protein_g = Decimal("150")
    carbohydrate_g = Decimal("230")
    fat_g = Decimal("75")
    fibre_g = Decimal("30")
