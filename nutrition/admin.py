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
    NutritionComment,
    NutritionSettings,
    NutritionTarget,
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
