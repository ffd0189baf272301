from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    FavouriteFood,
    Food,
    FoodLogEntry,
    FoodPortion,
    NutritionComment,
    NutritionSettings,
    NutritionTarget,
)


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
