from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import (
    Block,
    Exercise,
    ExerciseOverride,
    InactivityAlert,
    LanguageModelCall,
    LogComment,
    PersonalRecord,
    PrescribedExercise,
    Program,
    ProgramWeek,
    ScheduledWorkout,
    SessionSet,
    SetLog,
    SetVideo,
    TrainingSettings,
    Workout,
    WorkoutLog,
    WorkoutSession,
)


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
    list_display = ["exercise", "organization", "video_url", "has_clip", "has_image", "updated_at"]
    list_filter = [
        "organization",
        ("video_url", admin.EmptyFieldListFilter),
        ("video_file", admin.EmptyFieldListFilter),
        ("image", admin.EmptyFieldListFilter),
    ]
    search_fields = ["exercise__name", "instructions", "cues", "video_url"]
    list_select_related = ["exercise", "organization"]
    autocomplete_fields = ["exercise", "organization", "updated_by"]
    # Clips and images are checked by their contents on the way in (pages, API, import): read here.
    readonly_fields = ["video_file", "video_file_type", "video_duration_ms", "image", "thumbnail"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("clip"), boolean=True)
    def has_clip(self, obj) -> bool:
        return bool(obj.video_file)

    @admin.display(description=_("image"), boolean=True)
    def has_image(self, obj) -> bool:
        return bool(obj.image)


@admin.register(SetVideo)
class SetVideoAdmin(admin.ModelAdmin):
    list_display = ["set_log", "client", "video", "organization", "created_at"]
    list_filter = ["organization"]
    search_fields = ["set_log__exercise__name", "video__client__email", "video__client__last_name"]
    list_select_related = ["set_log__exercise", "video__client", "organization"]
    raw_id_fields = ["set_log", "video"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False  # videos come through the checked upload (pages or API)

    @admin.display(description=_("client"), ordering="video__client__last_name")
    def client(self, obj):
        return obj.video.client


class WeekInline(admin.TabularInline):
    model = ProgramWeek
    extra = 0
    fields = ["position", "is_deload", "notes"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "client", "is_template", "origin", "goal", "start_date", "updated_at"]
    list_filter = ["is_template", "origin", "goal", "organization"]
    search_fields = ["name", "client__first_name", "client__last_name", "client__email"]
    list_select_related = ["organization", "client"]
    autocomplete_fields = ["organization", "client", "source", "created_by"]
    inlines = [WeekInline]


@admin.register(ProgramWeek)
class ProgramWeekAdmin(admin.ModelAdmin):
    list_display = ["program", "position", "is_deload", "organization"]
    list_filter = ["is_deload", "organization"]
    search_fields = ["program__name"]
    list_select_related = ["program", "organization"]
    autocomplete_fields = ["program"]


class BlockInline(admin.TabularInline):
    model = Block
    extra = 0
    fields = ["position", "kind", "rounds", "rest_seconds", "notes"]


@admin.register(Workout)
class WorkoutAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "week", "day", "position", "organization"]
    list_filter = ["day", "organization"]
    search_fields = ["name", "program__name"]
    list_select_related = ["program", "week", "organization"]
    autocomplete_fields = ["program", "week"]
    inlines = [BlockInline]


class ItemInline(admin.TabularInline):
    model = PrescribedExercise
    extra = 0
    fk_name = "block"
    fields = [
        "position",
        "exercise",
        "sets",
        "reps_type",
        "reps_min",
        "reps_max",
        "load_type",
        "load_value",
        "rest_seconds",
    ]
    autocomplete_fields = ["exercise"]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workout", "kind", "position", "organization"]
    list_filter = ["kind", "organization"]
    search_fields = ["workout__name", "workout__program__name"]
    list_select_related = ["workout", "organization"]
    autocomplete_fields = ["workout"]
    inlines = [ItemInline]


@admin.register(PrescribedExercise)
class PrescribedExerciseAdmin(admin.ModelAdmin):
    list_display = ["exercise", "block", "sets", "reps_type", "reps_min", "load_type", "load_value", "progression"]
    list_filter = ["reps_type", "load_type", "progression", "organization"]
    search_fields = ["exercise__name", "block__workout__name", "block__workout__program__name"]
    list_select_related = ["exercise", "block__workout", "organization"]
    autocomplete_fields = ["exercise", "block", "progression_source", "allowed_swaps"]


@admin.register(ScheduledWorkout)
class ScheduledWorkoutAdmin(admin.ModelAdmin):
    list_display = ["workout", "client", "date", "due_at", "program", "organization"]
    list_filter = ["organization", "date"]
    search_fields = ["workout__name", "client__first_name", "client__last_name", "client__email"]
    list_select_related = ["workout", "client", "program", "organization"]
    autocomplete_fields = ["workout", "client", "program"]
    date_hierarchy = "date"


class SetLogInline(admin.TabularInline):
    model = SetLog
    extra = 0
    fields = ["set_number", "exercise", "reps", "load_kg", "rpe", "is_done", "e1rm_kg", "notes"]
    readonly_fields = ["e1rm_kg"]
    autocomplete_fields = ["exercise"]


class CommentInline(admin.TabularInline):
    model = LogComment
    extra = 0
    fields = ["author", "body", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(WorkoutLog)
class WorkoutLogAdmin(admin.ModelAdmin):
    list_display = ["__str__", "client", "status", "performed_at", "organization", "created_at"]
    list_filter = ["status", "organization"]
    search_fields = ["name", "client__first_name", "client__last_name", "client__email", "client_uuid"]
    list_select_related = ["client", "workout", "organization"]
    autocomplete_fields = ["client", "scheduled", "workout"]
    readonly_fields = ["client_uuid", "created_at"]
    inlines = [SetLogInline, CommentInline]


class SessionSetInline(admin.TabularInline):
    model = SessionSet
    extra = 0
    fields = ["prescribed", "set_number", "exercise", "reps", "load_kg", "rpe", "is_done", "notes", "completed_at"]
    autocomplete_fields = ["prescribed", "exercise"]


@admin.register(WorkoutSession)
class WorkoutSessionAdmin(admin.ModelAdmin):
    """Workouts being logged set by set; a finished one links to its workout log."""

    list_display = ["__str__", "client", "started_at", "finished_at", "workout_log", "organization"]
    list_filter = [("finished_at", admin.EmptyFieldListFilter), "organization"]
    search_fields = [
        "client__first_name",
        "client__last_name",
        "client__email",
        "scheduled__workout__name",
        "public_id",
    ]
    list_select_related = ["client", "scheduled__workout", "workout_log", "organization"]
    autocomplete_fields = ["client", "scheduled", "workout_log"]
    readonly_fields = ["public_id", "updated_at"]
    date_hierarchy = "started_at"
    inlines = [SessionSetInline]


@admin.register(SessionSet)
class SessionSetAdmin(admin.ModelAdmin):
    list_display = ["exercise", "session", "set_number", "reps", "load_kg", "rpe", "is_done", "completed_at"]
    list_filter = ["is_done", "organization"]
    search_fields = ["exercise__name", "session__client__first_name", "session__client__last_name"]
    list_select_related = ["exercise", "session__scheduled__workout", "organization"]
    autocomplete_fields = ["session", "prescribed", "exercise"]


@admin.register(SetLog)
class SetLogAdmin(admin.ModelAdmin):
    list_display = ["exercise", "client", "set_number", "reps", "load_kg", "rpe", "is_done", "e1rm_kg", "performed_at"]
    list_filter = ["is_done", "organization"]
    search_fields = ["exercise__name", "client__first_name", "client__last_name", "client__email"]
    list_select_related = ["exercise", "client", "organization"]
    autocomplete_fields = ["exercise", "client", "workout_log", "prescribed"]


@admin.register(LogComment)
class LogCommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workout_log", "author", "created_at", "organization"]
    list_filter = ["organization"]
    search_fields = ["body", "author__email"]
    list_select_related = ["workout_log", "author", "organization"]
    autocomplete_fields = ["workout_log", "author"]


@admin.register(PersonalRecord)
class PersonalRecordAdmin(admin.ModelAdmin):
    list_display = ["exercise", "client", "kind", "value_kg", "previous_kg", "achieved_at", "organization"]
    list_filter = ["kind", "organization"]
    search_fields = ["exercise__name", "client__first_name", "client__last_name", "client__email"]
    list_select_related = ["exercise", "client", "organization"]
    autocomplete_fields = ["exercise", "client", "set_log"]


@admin.register(TrainingSettings)
class TrainingSettingsAdmin(admin.ModelAdmin):
    list_display = ["organization", "inactive_after_days", "llm_monthly_quota", "llm_requests_per_minute", "updated_at"]
    list_filter = ["inactive_after_days"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]


@admin.register(InactivityAlert)
class InactivityAlertAdmin(admin.ModelAdmin):
    list_display = ["client", "days", "last_activity_at", "created_at", "organization"]
    list_filter = ["organization"]
    search_fields = ["client__first_name", "client__last_name", "client__email"]
    list_select_related = ["client", "organization"]
    autocomplete_fields = ["client"]


@admin.register(LanguageModelCall)
class LanguageModelCallAdmin(admin.ModelAdmin):
    list_display = ["created_at", "organization", "outcome", "model_name", "prompt_tokens", "completion_tokens"]
    list_filter = ["outcome", "organization"]
    search_fields = ["organization__name", "detail", "model_name"]
    list_select_related = ["organization"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["program", "actor"]
