from django.contrib import admin

from .models import Exercise, ExerciseOverride


class LibraryFilter(admin.SimpleListFilter):
    title = "source"
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return [("library", "Shared library"), ("own", "A business's own")]

    def queryset(self, request, queryset):
        if self.value() == "library":
            return queryset.filter(organization__isnull=True)
        if self.value() == "own":
            return queryset.filter(organization__isnull=False)
        return queryset


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "movement_pattern", "equipment", "level", "category", "is_archived"]
    list_filter = [LibraryFilter, "movement_pattern", "equipment", "level", "category", "is_archived"]
    search_fields = ["name", "slug", "search_text"]
    list_select_related = ["organization"]
    readonly_fields = ["search_text", "common_name", "muscle_index", "created_at", "updated_at"]
    autocomplete_fields = ["organization", "created_by"]


@admin.register(ExerciseOverride)
class ExerciseOverrideAdmin(admin.ModelAdmin):
    list_display = ["exercise", "organization", "video_url", "updated_at"]
    list_filter = ["organization"]
    search_fields = ["exercise__name", "instructions", "cues"]
    list_select_related = ["exercise", "organization"]
    autocomplete_fields = ["exercise", "organization", "updated_by"]
