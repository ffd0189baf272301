from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
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
from .nutrients import NUTRIENT_FIELDS


class SharedRowsReadOnly:
    """Shared food data (no organisation) is loaded by `manage.py load_foods` and is the same for
    every business: only superusers change it here; staff change a business's own rows."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.organization_id is None and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.organization_id is None and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


class PortionInline(admin.TabularInline):
    model = FoodPortion
    extra = 0
    fields = ["amount", "description", "gram_weight", "position", "organization"]
    raw_id_fields = ["organization"]


@admin.register(Food)
class FoodAdmin(SharedRowsReadOnly, admin.ModelAdmin):
    list_display = [
        "name",
        "food_group",
        "energy_kcal",
        "protein_g",
        "carbohydrate_g",
        "fat_g",
        "is_branded",
        "popularity",
        "source",
        "source_id",
        "organization",
        "is_archived",
    ]
    list_filter = ["source", "is_branded", "is_archived", "food_group", ("organization", admin.EmptyFieldListFilter)]
    search_fields = ["name", "common_name", "manufacturer", "source_id"]
    list_select_related = ["organization"]
    raw_id_fields = ["created_by", "organization"]
    readonly_fields = ["search_text", "created_at", "updated_at"]
    inlines = [PortionInline]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["organization", "name", "common_name", "food_group", "manufacturer", "is_branded"]}),
        (_("Source"), {"fields": ["source", "source_id", "licence", "popularity", "is_archived", "search_text"]}),
        (_("Nutrients per 100 g (empty = unknown)"), {"fields": NUTRIENT_FIELDS}),
        (_("History"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]


@admin.register(FoodPortion)
class FoodPortionAdmin(SharedRowsReadOnly, admin.ModelAdmin):
    list_display = ["food", "amount", "description", "gram_weight", "position", "organization"]
    list_filter = [("organization", admin.EmptyFieldListFilter), "food__food_group"]
    search_fields = ["food__name", "food__source_id", "description"]
    list_select_related = ["food", "organization"]
    raw_id_fields = ["food", "organization"]
    show_full_result_count = False


@admin.register(NutritionSettings)
class NutritionSettingsAdmin(admin.ModelAdmin):
    list_display = ["client", "target_mode", "tolerance_percent", "organization", "updated_at"]
    list_filter = ["target_mode", "organization"]
    search_fields = ["client__first_name", "client__last_name", "client__email"]
    list_select_related = ["client", "organization"]
    raw_id_fields = ["client"]


@admin.register(NutritionTarget)
class NutritionTargetAdmin(admin.ModelAdmin):
    list_display = ["client", "day_kind", "energy_kcal", "protein_g", "carbohydrate_g", "fat_g", "organization"]
    list_filter = ["day_kind", "organization"]
    search_fields = ["client__first_name", "client__last_name", "client__email"]
    list_select_related = ["client", "organization"]
    raw_id_fields = ["client"]
    fieldsets = [
        (None, {"fields": ["organization", "client", "day_kind"]}),
        (_("Targets"), {"fields": ["energy_kcal", "protein_g", "carbohydrate_g", "fat_g", "fibre_g", "note"]}),
    ]


# --- Habits ---------------------------------------------------------------------------------------


@admin.register(HabitSettings)
class HabitSettingsAdmin(admin.ModelAdmin):
    list_display = ["organization", "grace_hour", "clients_may_add", "updated_at"]
    list_filter = ["clients_may_add"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]


@admin.register(HabitTemplate)
class HabitTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "frequency", "goal", "duration_days", "organization", "is_archived"]
    list_filter = ["kind", "frequency", "is_archived", "organization"]
    search_fields = ["name", "description"]
    list_select_related = ["organization"]


@admin.register(Habit)
class HabitAdmin(admin.ModelAdmin):
    list_display = ["name", "client", "kind", "frequency", "start_date", "end_date", "added_by_client", "is_archived"]
    list_filter = ["kind", "frequency", "added_by_client", "is_archived", "organization"]
    search_fields = ["name", "client__first_name", "client__last_name", "client__email"]
    list_select_related = ["client", "organization"]
    raw_id_fields = ["client", "template", "created_by"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(HabitLog)
class HabitLogAdmin(admin.ModelAdmin):
    list_display = ["habit", "client", "date", "done", "value", "is_complete", "updated_at"]
    list_filter = ["is_complete", "date", "organization"]
    search_fields = ["habit__name", "client__first_name", "client__last_name", "client__email"]
    list_select_related = ["habit", "client"]
    raw_id_fields = ["habit", "client"]
    readonly_fields = ["client_uuid", "completed_event_at", "logged_at", "updated_at"]


@admin.register(HabitFreeze)
class HabitFreezeAdmin(admin.ModelAdmin):
    list_display = ["client", "habit", "start_date", "end_date", "reason", "granted_by"]
    list_filter = ["organization", "start_date"]
    search_fields = ["client__first_name", "client__last_name", "client__email", "reason"]
    list_select_related = ["client", "habit", "granted_by"]
    raw_id_fields = ["client", "habit", "granted_by"]


@admin.register(HabitStreakBreak)
class HabitStreakBreakAdmin(admin.ModelAdmin):
    list_display = ["habit", "client", "broken_on", "streak_length", "created_at"]
    list_filter = ["organization", "broken_on"]
    search_fields = ["habit__name", "client__first_name", "client__last_name", "client__email"]
    list_select_related = ["habit", "client"]
    raw_id_fields = ["habit", "client"]


@admin.register(FoodLogEntry)
class FoodLogEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "client", "date", "meal", "kind", "energy_kcal", "protein_g", "organization", "logged_at"]
    list_filter = ["kind", "meal", "date", "organization"]
    search_fields = ["name", "client__first_name", "client__last_name", "client__email", "client_entry_id"]
    list_select_related = ["client", "organization"]
    raw_id_fields = ["client", "food", "portion", "logged_by"]
    date_hierarchy = "date"
    readonly_fields = ["public_id", "client_entry_id", "nutrients", "logged_at", "created_at", "updated_at"]


@admin.register(FavouriteFood)
class FavouriteFoodAdmin(admin.ModelAdmin):
    list_display = ["food", "client", "organization", "created_at"]
    list_filter = ["organization"]
    search_fields = ["food__name", "client__first_name", "client__last_name", "client__email"]
    list_select_related = ["food", "client", "organization"]
    raw_id_fields = ["client", "food"]


@admin.register(NutritionComment)
class NutritionCommentAdmin(admin.ModelAdmin):
    list_display = ["client", "date", "author", "organization", "created_at"]
    list_filter = ["date", "organization"]
    search_fields = ["body", "client__first_name", "client__last_name", "client__email"]
    list_select_related = ["client", "author", "organization"]
    raw_id_fields = ["client", "author", "message"]


# --- Recipes and meal plans ---------------------------------------------------------------------------


class RecipeIngredientInline(admin.TabularInline):
    model = RecipeIngredient
    extra = 0
    fields = ["position", "food", "portion", "amount", "grams", "note"]
    readonly_fields = ["grams"]
    raw_id_fields = ["food", "portion"]


class RecipeStepInline(admin.TabularInline):
    model = RecipeStep
    extra = 0
    fields = ["position", "text"]


@admin.register(Recipe)
class RecipeAdmin(admin.ModelAdmin):
    list_display = ["name", "servings", "yield_grams", "organization", "is_archived", "updated_at"]
    list_filter = ["is_archived", "organization"]
    search_fields = ["name", "description"]
    list_select_related = ["organization"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [RecipeIngredientInline, RecipeStepInline]


@admin.register(RecipeIngredient)
class RecipeIngredientAdmin(admin.ModelAdmin):
    list_display = ["recipe", "food", "amount", "portion", "grams", "organization"]
    list_filter = ["organization"]
    search_fields = ["recipe__name", "food__name"]
    list_select_related = ["recipe", "food", "portion", "organization"]
    raw_id_fields = ["recipe", "food", "portion"]
    readonly_fields = ["grams"]


@admin.register(RecipeStep)
class RecipeStepAdmin(admin.ModelAdmin):
    list_display = ["recipe", "position", "text", "organization"]
    list_filter = ["organization"]
    search_fields = ["recipe__name", "text"]
    list_select_related = ["recipe", "organization"]
    raw_id_fields = ["recipe"]


class MealPlanDayInline(admin.TabularInline):
    model = MealPlanDay
    extra = 0
    fields = ["position", "name"]
    show_change_link = True


@admin.register(MealPlan)
class MealPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "client", "start_date", "end_date", "organization", "updated_at"]
    list_filter = ["status", "day_naming", "organization"]
    search_fields = ["name", "client__first_name", "client__last_name", "client__email"]
    list_select_related = ["client", "organization"]
    raw_id_fields = ["client", "source", "created_by"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MealPlanDayInline]


class MealInline(admin.TabularInline):
    model = Meal
    extra = 0
    fields = ["position", "kind", "name"]
    show_change_link = True


@admin.register(MealPlanDay)
class MealPlanDayAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "position", "organization"]
    list_filter = ["organization"]
    search_fields = ["name", "plan__name"]
    list_select_related = ["plan", "organization"]
    raw_id_fields = ["plan"]
    inlines = [MealInline]


class MealItemInline(admin.TabularInline):
    model = MealItem
    extra = 0
    fields = ["position", "food", "portion", "amount", "recipe", "servings", "grams", "note"]
    readonly_fields = ["grams"]
    raw_id_fields = ["food", "portion", "recipe"]


@admin.register(Meal)
class MealAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "day", "position", "organization"]
    list_filter = ["kind", "organization"]
    search_fields = ["name", "day__name", "day__plan__name"]
    list_select_related = ["day__plan", "organization"]
    raw_id_fields = ["day"]
    inlines = [MealItemInline]


@admin.register(MealItem)
class MealItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meal", "amount", "portion", "servings", "grams", "organization"]
    list_filter = ["organization"]
    search_fields = ["food__name", "recipe__name", "meal__day__plan__name"]
    list_select_related = ["meal__day__plan", "food", "recipe", "portion", "organization"]
    raw_id_fields = ["meal", "food", "portion", "recipe"]
    readonly_fields = ["grams"]
