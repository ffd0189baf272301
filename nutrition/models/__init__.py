"""Nutrition models, one module per part of the domain."""

from .foods import Food, FoodPortion, LibraryQuerySet
from .habits import Habit, HabitFreeze, HabitLog, HabitSettings, HabitStreakBreak, HabitTemplate
from .logs import FavouriteFood, FoodLogEntry, NutritionComment
from .plans import Meal, MealItem, MealPlan, MealPlanDay, Recipe, RecipeIngredient, RecipeStep
from .targets import NutritionSettings, NutritionTarget

__all__ = [
    "FavouriteFood",
    "Food",
    "FoodLogEntry",
    "FoodPortion",
    "Habit",
    "HabitFreeze",
    "HabitLog",
    "HabitSettings",
    "HabitStreakBreak",
    "HabitTemplate",
    "LibraryQuerySet",
    "Meal",
    "MealItem",
    "MealPlan",
    "MealPlanDay",
    "NutritionComment",
    "NutritionSettings",
    "NutritionTarget",
    "Recipe",
    "RecipeIngredient",
    "RecipeStep",
]
