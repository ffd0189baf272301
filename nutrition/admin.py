from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Food, FoodPortion, NutritionSettings, NutritionTarget


class PortionInline(admin.TabularInline):
    model = FoodPortion
    extra = 0
    fields = ["amount", "description", "gram_weight", "position", "organization"]


@admin.register(Food)
class FoodAdmin(admin.ModelAdmin):
    list_display = ["name", "food_group", "energy_kcal", "protein_g", "source", "organization", "is_archived"]
    list_filter = ["source", "is_branded", "is_archived", "food_group", "organization"]
    search_fields = ["name", "common_name", "manufacturer", "source_id"]
    list_select_related = ["organization"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [PortionInline]


@admin.register(FoodPortion)
class FoodPortionAdmin(admin.ModelAdmin):
    list_display = ["food", "amount", "description", "gram_weight", "organization"]
    list_filter = ["organization"]
    search_fields = ["food__name", "description"]
    list_select_related = ["food", "organization"]
    raw_id_fields = ["food"]


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


# --- Recipes and meal plans ---------------------------------------------------------------------------
from .models import Meal, MealItem, MealPlan, MealPlanDay, Recipe, RecipeIngredient, RecipeStep  # noqa: E402


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
