"""Recipes: per-serving and per-100 g nutrition, unknown nutrients, portions in decimals."""

from decimal import Decimal

import pytest

from nutrition.models import Recipe
from nutrition.plan_nutrition import recipe_nutrition, recipes_with_ingredients
from nutrition.services.recipes import (
    PlanError,
    archive_recipe,
    create_recipe,
    duplicate_recipe,
    update_recipe,
)
from tests.nutrition.factories import FoodFactory, FoodPortionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def oats(org):
    return FoodFactory(
        organization=org,
        name="Oats",
        energy_kcal=Decimal("380"),
        protein_g=Decimal("13"),
        carbohydrate_g=Decimal("66"),
        fat_g=Decimal("7"),
        fibre_g=Decimal("10"),
    )


@pytest.fixture
def milk(org):
    return FoodFactory(
        organization=org,
        name="Milk",
        energy_kcal=Decimal("50"),
        protein_g=Decimal("3.4"),
        carbohydrate_g=Decimal("5"),
        fat_g=Decimal("1.8"),
        fibre_g=None,
    )


def _load(recipe):
    return recipes_with_ingredients(Recipe.objects.filter(pk=recipe.pk)).get()


def test_per_serving_and_per_100g_nutrition(org, oats, milk):
    cup = FoodPortionFactory(food=milk, organization=org, description="cup", gram_weight=Decimal("244"))
    recipe = create_recipe(
        organization=org,
        name="Overnight oats",
        servings=2,
        yield_grams=600,
        ingredients=[{"food": oats.pk, "amount": "80"}, {"food": milk.pk, "portion": cup.pk, "amount": "1"}],
        steps=["Mix the oats and milk.", "", "Leave overnight in the fridge."],
    )
    nutrition = recipe_nutrition(_load(recipe))
    # 80 g oats = 304 kcal, 244 g milk = 122 kcal: 426 kcal in all, 213 per serving.
    assert nutrition.total.amounts["energy_kcal"] == Decimal("426")
    assert nutrition.per_serving.amounts["energy_kcal"] == Decimal("213")
    assert round(nutrition.per_100g.amounts["energy_kcal"], 2) == Decimal("71.00")
    assert nutrition.serving_grams == Decimal("300.0")
    assert [s.text for s in recipe.steps.all()] == ["Mix the oats and milk.", "Leave overnight in the fridge."]


def test_unknown_nutrient_is_flagged_as_at_least(org, oats, milk):
    recipe = create_recipe(
        organization=org,
        name="Oats",
        servings=1,
        ingredients=[{"food": oats.pk, "amount": 50}, {"food": milk.pk, "amount": 200}],
    )
    per_serving = recipe_nutrition(_load(recipe)).per_serving
    assert per_serving.amounts["fibre_g"] == Decimal("5")  # oats only: milk's fibre is unknown
    assert "fibre_g" in per_serving.unknown
    fibre = next(row for row in per_serving.rows() if row["field"] == "fibre_g")
    assert fibre["at_least"] is True
    energy = next(row for row in per_serving.rows() if row["field"] == "energy_kcal")
    assert energy["at_least"] is False
    assert per_serving.as_dict()["fibre_g"] == {"value": 5.0, "at_least": True}


def test_half_a_cup_counts_half_the_portion_weight(org, milk):
    cup = FoodPortionFactory(food=milk, organization=org, description="cup", gram_weight=Decimal("244"))
    recipe = create_recipe(
        organization=org, name="Milk", ingredients=[{"food": milk.pk, "portion": cup.pk, "amount": "0.5"}]
    )
    ingredient = recipe.ingredients.get()
    assert ingredient.amount == Decimal("0.5")
    assert ingredient.grams == Decimal("122.00")


def test_a_portion_with_a_stated_amount_scales_by_it(org, milk):
    tbsp = FoodPortionFactory(
        food=milk, organization=org, amount=Decimal("2"), description="tbsp", gram_weight=Decimal("30")
    )
    recipe = create_recipe(
        organization=org, name="Splash", ingredients=[{"food": milk.pk, "portion": tbsp.pk, "amount": "1"}]
    )
    assert recipe.ingredients.get().grams == Decimal("15.00")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "at least 0.01"),
        ("0.001", "at least 0.01"),
        ("-1", "at least 0.01"),
        ("20001", "too large"),
        ("abc", "number"),
        ("NaN", "number"),
        ("", "amount"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_saved(org, oats, amount, message):
    with pytest.raises(PlanError) as error:
        create_recipe(
            organization=org,
            name="Bad",
            ingredients=[{"food": oats.pk, "amount": "10"}, {"food": oats.pk, "amount": amount}],
        )
    assert error.value.field == "ingredients.1.amount"
    assert message in error.value.message.lower()
    assert not Recipe.objects.exists()


def test_too_many_grams_through_a_portion_is_refused(org, milk):
    cup = FoodPortionFactory(food=milk, organization=org, gram_weight=Decimal("244"))
    with pytest.raises(PlanError) as error:
        create_recipe(organization=org, name="Vat", ingredients=[{"food": milk.pk, "portion": cup.pk, "amount": "100"}])
    assert error.value.field == "ingredients.0.amount"


def test_food_and_portion_of_another_business_are_refused(org, oats):
    foreign = FoodFactory()
    with pytest.raises(PlanError) as error:
        create_recipe(organization=org, name="X", ingredients=[{"food": foreign.pk, "amount": "10"}])
    assert error.value.field == "ingredients.0.food"
    other_portion = FoodPortionFactory()
    with pytest.raises(PlanError) as error:
        create_recipe(
            organization=org, name="X", ingredients=[{"food": oats.pk, "portion": other_portion.pk, "amount": 1}]
        )
    assert error.value.field == "ingredients.0.portion"


def test_shared_foods_can_be_used(org):
    shared = FoodFactory(organization=None, source="usda_sr28", source_id="01001")
    recipe = create_recipe(organization=org, name="Butter toast", ingredients=[{"food": shared.pk, "amount": 10}])
    assert recipe.ingredients.get().food == shared


@pytest.mark.parametrize("servings", ["0", "0.5", "101", "2.555"])
def test_silly_servings_are_refused(org, servings):
    with pytest.raises(PlanError) as error:
        create_recipe(organization=org, name="X", servings=servings)
    assert error.value.field == "servings"


def test_edit_replaces_ingredients_and_steps_duplicate_and_archive(org, oats, milk):
    recipe = create_recipe(
        organization=org,
        name="Oats",
        ingredients=[{"food": oats.pk, "amount": 50}],
        steps=["Cook"],
        tags="breakfast, quick",
    )
    assert recipe.tags == ["breakfast", "quick"]
    update_recipe(
        recipe=recipe, name="Porridge", ingredients=[{"food": milk.pk, "amount": 300}, {"food": oats.pk, "amount": 40}]
    )
    recipe.refresh_from_db()
    assert recipe.name == "Porridge"
    assert [(i.food.name, i.grams) for i in recipe.ingredients.all()] == [
        ("Milk", Decimal("300.00")),
        ("Oats", Decimal("40.00")),
    ]
    assert [s.text for s in recipe.steps.all()] == ["Cook"]
    copy = duplicate_recipe(recipe=recipe)
    assert copy.name == "Porridge (copy)" and copy.ingredients.count() == 2 and copy.steps.count() == 1
    archive_recipe(recipe=recipe)
    recipe.refresh_from_db()
    assert recipe.is_archived


def test_update_refuses_unknown_fields(org):
    recipe = create_recipe(organization=org, name="Oats")
    with pytest.raises(PlanError):
        update_recipe(recipe=recipe, organization=None)
