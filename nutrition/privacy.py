"""What nutrition keeps about a client (targets, meal plans, food logs with their photos,
habits and logs, comments), for their export and erasure (registered in AppConfig.ready())."""

from mecto.privacy import Export, delete_rows, remove_files_on_commit, section, stored_files


def export_client(client) -> Export:
    from .models import (
        FavouriteFood,
        FoodLogEntry,
        Habit,
        HabitFreeze,
        HabitLog,
        Meal,
        MealPlan,
        NutritionComment,
        NutritionSettings,
        NutritionTarget,
    )

    export = Export()
    section(export, "nutrition_settings", NutritionSettings.objects.filter(client=client))
    section(export, "nutrition_targets", NutritionTarget.objects.filter(client=client).order_by("id"))
    section(export, "meal_plans", MealPlan.objects.filter(client=client).order_by("id"))
    section(export, "meal_plan_meals", Meal.objects.filter(day__plan__client=client).order_by("id"))
    section(
        export,
        "food_logs",
        FoodLogEntry.objects.filter(client=client).order_by("id"),
        files=("photo",),
        folder="food_photos",
    )
    section(export, "favourite_foods", FavouriteFood.objects.filter(client=client).order_by("id"))
    section(export, "nutrition_comments", NutritionComment.objects.filter(client=client).order_by("id"))
    section(export, "habits", Habit.objects.filter(client=client).order_by("id"))
    section(export, "habit_logs", HabitLog.objects.filter(client=client).order_by("id"))
    section(export, "habit_freezes", HabitFreeze.objects.filter(client=client).order_by("id"))
    return export


def erase_client(client, *, request=None) -> dict[str, int]:
    from .models import (
        FavouriteFood,
        FoodLogEntry,
        Habit,
        HabitFreeze,
        HabitLog,
        HabitStreakBreak,
        MealPlan,
        NutritionComment,
        NutritionSettings,
        NutritionTarget,
    )

    logs = FoodLogEntry.objects.filter(client=client)
    remove_files_on_commit(stored_files(logs, "photo", "photo_thumbnail"))
    return delete_rows(
        {},
        NutritionComment.objects.filter(client=client),
        logs,
        FavouriteFood.objects.filter(client=client),
        HabitStreakBreak.objects.filter(client=client),
        HabitFreeze.objects.filter(client=client),
        HabitLog.objects.filter(client=client),
        Habit.objects.filter(client=client),
        MealPlan.objects.filter(client=client),
        NutritionTarget.objects.filter(client=client),
        NutritionSettings.objects.filter(client=client),
    )
