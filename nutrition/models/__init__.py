"""Nutrition models, one module per part of the domain."""

from .foods import Food, FoodPortion, LibraryQuerySet
from .plans import Meal, MealItem, MealPlan, MealPlanDay, Recipe, RecipeIngredient, RecipeStep
from .targets import NutritionSettings, NutritionTarget

__all__ = [
    "Food",
    "FoodPortion",
    "LibraryQuerySet",
    "Meal",
    "MealItem",
    "MealPlan",
    "MealPlanDay",
    "NutritionSettings",
    "NutritionTarget",
    "Recipe",
    "RecipeIngredient",
    "RecipeStep",
]
