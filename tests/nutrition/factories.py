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


# --- Recipes and meal plans ---------------------------------------------------------------------------
from datetime import date  # noqa: E402

from nutrition.models import Meal, MealItem, MealPlan, MealPlanDay, Recipe, RecipeIngredient, RecipeStep  # noqa: E402


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
    start_date = factory.LazyAttribute(lambda o: date(2026, 1, 5) if o.client else None)

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
