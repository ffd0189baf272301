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


# --- Habits -----------------------------------------------------------------------------------------
import datetime as _dt  # noqa: E402

from nutrition.models import Habit, HabitFreeze, HabitLog, HabitSettings, HabitStreakBreak, HabitTemplate  # noqa: E402


@register
class HabitSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HabitSettings
        django_get_or_create = ["organization"]

    organization = factory.SubFactory(OrganizationFactory)


@register
class HabitTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HabitTemplate

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Habit template {n}")
    kind = "count"
    goal = Decimal("8")
    unit_label = "glasses"


@register
class HabitFactory(factory.django.DjangoModelFactory):
    """A daily yes/no habit of a client that started 30 days ago."""

    class Meta:
        model = Habit

    client = factory.SubFactory(ClientFactory)
    organization = factory.LazyAttribute(lambda o: o.client.organization)
    name = factory.Sequence(lambda n: f"Habit {n}")
    kind = "yes_no"
    frequency = "daily"
    start_date = factory.LazyFunction(lambda: _dt.date.today() - _dt.timedelta(days=30))


@register
class HabitLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HabitLog

    habit = factory.SubFactory(
        HabitFactory,
        client=factory.SelfAttribute("..client"),
        organization=factory.SelfAttribute("..organization"),
    )
    client = factory.SubFactory(ClientFactory)
    organization = factory.LazyAttribute(lambda o: o.client.organization)
    date = factory.Sequence(lambda n: _dt.date.today() - _dt.timedelta(days=n % 365))
    done = True
    is_complete = True


@register
class HabitFreezeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HabitFreeze

    client = factory.SubFactory(ClientFactory)
    organization = factory.LazyAttribute(lambda o: o.client.organization)
    start_date = factory.LazyFunction(_dt.date.today)
    end_date = factory.LazyFunction(_dt.date.today)


@register
class HabitStreakBreakFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HabitStreakBreak

    habit = factory.SubFactory(
        HabitFactory,
        client=factory.SelfAttribute("..client"),
        organization=factory.SelfAttribute("..organization"),
    )
    client = factory.SubFactory(ClientFactory)
    organization = factory.LazyAttribute(lambda o: o.client.organization)
    broken_on = factory.LazyFunction(_dt.date.today)
    streak_length = 3
