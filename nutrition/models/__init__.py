"""Nutrition models, one module per part of the domain."""

from .foods import Food, FoodPortion, LibraryQuerySet
from .logs import FavouriteFood, FoodLogEntry, NutritionComment
from .targets import NutritionSettings, NutritionTarget

__all__ = [
    "FavouriteFood",
    "Food",
    "FoodLogEntry",
    "FoodPortion",
    "LibraryQuerySet",
    "NutritionComment",
    "NutritionSettings",
    "NutritionTarget",
]
