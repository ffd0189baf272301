"""Nutrition models, one module per part of the domain."""

from .foods import Food, FoodPortion, LibraryQuerySet
from .targets import NutritionSettings, NutritionTarget

__all__ = ["Food", "FoodPortion", "LibraryQuerySet", "NutritionSettings", "NutritionTarget"]
from .habits import (
    Habit,
    HabitFreeze,
    HabitLog,
    HabitSettings,
    HabitStreakBreak,
    HabitTemplate,
)

__all__ += ["Habit", "HabitFreeze", "HabitLog", "HabitSettings", "HabitStreakBreak", "HabitTemplate"]
