"""Factories for nutrition rows; each builds its parents in the same organisation."""

import datetime
import uuid
from decimal import Decimal

import factory
from django.utils import timezone

from nutrition.models import (
    FavouriteFood,
    Food,
    FoodLogEntry,
    FoodPortion,
    Habit,
    HabitFreeze,
    HabitLog,
    HabitSettings,
    HabitStreakBreak,
    HabitTemplate,
    Meal,
    MealItem,
    MealPlan,
    MealPlanDay,
    NutritionComment,
    NutritionSettings,
    NutritionTarget,
    Recipe,
    RecipeIngredient,
    RecipeStep,
)
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
    start_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))


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
    date = factory.Sequence(lambda n: datetime.date.today() - datetime.timedelta(days=n % 365))
    done = True
    is_complete = True


@register
class HabitFreezeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HabitFreeze

    client = factory.SubFactory(ClientFactory)
    organization = factory.LazyAttribute(lambda o: o.client.organization)
    start_date = factory.LazyFunction(datetime.date.today)
    end_date = factory.LazyFunction(datetime.date.today)


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
    broken_on = factory.LazyFunction(datetime.date.today)
    streak_length = 3


@register
class FoodLogEntryFactory(factory.django.DjangoModelFactory):
    """A quick-add entry of today (nutrients as if copied at log time)."""

    class Meta:
        model = FoodLogEntry

    client = factory.SubFactory(ClientFactory)
    organization = factory.LazyAttribute(lambda o: o.client.organization)
    client_entry_id = factory.LazyFunction(uuid.uuid4)
    date = factory.LazyFunction(lambda: timezone.localdate())
    meal = "lunch"
    kind = "quick"
    name = factory.Sequence(lambda n: f"Meal {n}")
    energy_kcal = Decimal("500")
    protein_g = Decimal("30")
    carbohydrate_g = Decimal("50")
    fat_g = Decimal("20")
    fibre_g = Decimal("5")
    logged_at = factory.LazyFunction(timezone.now)


@register
class FavouriteFoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FavouriteFood

    client = factory.SubFactory(ClientFactory)
    organization = factory.LazyAttribute(lambda o: o.client.organization)
    food = factory.SubFactory(FoodFactory, organization=factory.SelfAttribute("..organization"))


@register
class NutritionCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NutritionComment

    client = factory.SubFactory(ClientFactory)
    organization = factory.LazyAttribute(lambda o: o.client.organization)
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    body = "Good protein today."


# --- Recipes and meal plans ---------------------------------------------------------------------------


@register
class RecipeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recipe

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Recipe {n}")
    servings = Decimal("2")


@register
class RecipeIngredientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecipeIngredient

    recipe = factory.SubFactory(RecipeFactory)
    organization = factory.LazyAttribute(lambda o: o.recipe.organization)
    food = factory.SubFactory(FoodFactory, organization=factory.SelfAttribute("..organization"))
    amount = Decimal("100")
    grams = Decimal("100")


@register
class RecipeStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecipeStep

    recipe = factory.SubFactory(RecipeFactory)
    organization = factory.LazyAttribute(lambda o: o.recipe.organization)
    text = "Stir and serve."


@register
class MealPlanFactory(factory.django.DjangoModelFactory):
    """A template (pass client=... for an assigned, active plan)."""

    class Meta:
        model = MealPlan

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Meal plan {n}")
    client = None
    status = factory.LazyAttribute(lambda o: MealPlan.Status.ACTIVE if o.client else MealPlan.Status.TEMPLATE)
    start_date = factory.LazyAttribute(lambda o: datetime.date(2026, 1, 5) if o.client else None)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # One active plan per client: a new one ends the client's current plan, as assigning does.
        if kwargs.get("client") is not None and kwargs.get("status") == MealPlan.Status.ACTIVE:
            MealPlan.objects.filter(client=kwargs["client"], status=MealPlan.Status.ACTIVE).update(
                status=MealPlan.Status.ENDED
            )
        return super()._create(model_class, *args, **kwargs)


@register
class MealPlanDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MealPlanDay

    plan = factory.SubFactory(MealPlanFactory)
    organization = factory.LazyAttribute(lambda o: o.plan.organization)
    name = factory.Sequence(lambda n: f"Day {n + 1}")


@register
class MealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meal

    day = factory.SubFactory(MealPlanDayFactory)
    organization = factory.LazyAttribute(lambda o: o.day.organization)
    kind = Meal.Kind.BREAKFAST


@register
class MealItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MealItem

    meal = factory.SubFactory(MealFactory)
    organization = factory.LazyAttribute(lambda o: o.meal.organization)
    food = factory.SubFactory(FoodFactory, organization=factory.SelfAttribute("..organization"))
    amount = Decimal("150")
    grams = Decimal("150")
