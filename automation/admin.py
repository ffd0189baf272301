from django.contrib import admin

from . import services
from .models import CoachAlert, CoachAlertPreference, CoachTask


@admin.register(CoachAlertPreference)
class CoachAlertPreferenceAdmin(admin.ModelAdmin):
    """Coaches set these on their alerts page; the back office may change them for a coach."""

    list_display = [
        "user",
        "organization",
        "email_intake",
        "email_booked",
        "email_moved",
        "email_cancelled",
        "updated_at",
    ]
    list_filter = ["email_intake", "email_booked", "email_moved", "email_cancelled", "organization"]
    search_fields = ["user__email", "user__full_name", "organization__name"]
    list_select_related = ["user", "organization"]
    fields = ["organization", "user", *services.PREFERENCE_FIELDS]
    readonly_fields = ["organization", "user"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        services.update_alert_preferences(
            organization=obj.organization,
            user=obj.user,
            **{f: form.cleaned_data[f] for f in services.PREFERENCE_FIELDS},
        )


@admin.register(CoachAlert)
class CoachAlertAdmin(admin.ModelAdmin):
    """What each coach was told, and whether by email; written only by the event handlers."""

    list_display = [
        "title",
        "recipient",
        "kind",
        "client",
        "emailed",
        "read_at",
        "dismissed_at",
        "organization",
        "created_at",
    ]
    list_filter = [
        "kind",
        "emailed",
        ("read_at", admin.EmptyFieldListFilter),
        ("dismissed_at", admin.EmptyFieldListFilter),
        "organization",
    ]
    search_fields = ["title", "recipient__email", "client__first_name", "client__last_name", "client__email"]
    list_select_related = ["recipient", "client", "organization"]
    readonly_fields = [
        "organization",
        "event",
        "recipient",
        "kind",
        "client",
        "title",
        "detail",
        "path",
        "emailed",
        "read_at",
        "dismissed_at",
    ]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CoachTask)
class CoachTaskAdmin(admin.ModelAdmin):
    list_display = ["title", "client", "assignee", "due_at", "source", "completed_at", "organization"]
    list_filter = ["source", "completed_at", "organization"]
    search_fields = ["title", "detail", "client__first_name", "client__last_name", "assignee__email"]
    list_select_related = ["client", "assignee", "organization"]


# --- Automations --------------------------------------------------------------------------------------
from .models_rules import Automation, AutomationRun, AutomationStep, RunStep  # noqa: E402


class AutomationStepInline(admin.TabularInline):
    model = AutomationStep
    extra = 0
    fields = ["order", "kind", "template", "config"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Automation)
class AutomationAdmin(admin.ModelAdmin):
    """Coaches build automations in their pages; the back office reads them and switches them off."""

    list_display = ["name", "organization", "trigger", "is_active", "reentry", "version", "updated_at"]
    list_filter = ["is_active", "reentry", "trigger", "organization"]
    search_fields = ["name", "trigger", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["organization", "version", "template_key", "created_by", "created_at", "updated_at"]
    inlines = [AutomationStepInline]
    actions = ["switch_off"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Switch off")
    def switch_off(self, request, queryset):
        from . import services_rules

        for automation in queryset:
            services_rules.set_active(automation=automation, is_active=False, actor=request.user)


@admin.register(AutomationStep)
class AutomationStepAdmin(admin.ModelAdmin):
    list_display = ["automation", "order", "kind", "template", "organization"]
    list_filter = ["kind", "organization"]
    search_fields = ["automation__name"]
    list_select_related = ["automation", "template", "organization"]
    readonly_fields = ["organization", "automation", "order", "kind", "template", "config"]

    def has_add_permission(self, request):
        return False


class RunStepInline(admin.TabularInline):
    model = RunStep
    extra = 0
    fields = ["at", "kind", "outcome", "detail", "message_id", "task"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AutomationRun)
class AutomationRunAdmin(admin.ModelAdmin):
    """Runs are written by the engine; the back office reads their timeline."""

    list_display = ["automation", "client", "state", "next_run_at", "started_at", "finished_at", "organization"]
    list_filter = ["state", "organization"]
    search_fields = ["automation__name", "client__first_name", "client__last_name", "client__email"]
    list_select_related = ["automation", "client", "organization"]
    readonly_fields = [
        "organization",
        "automation",
        "client",
        "event",
        "trigger_key",
        "context",
        "state",
        "current_step",
        "position",
        "next_run_at",
        "version",
        "started_at",
        "finished_at",
        "last_error",
    ]
    inlines = [RunStepInline]
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False


@admin.register(RunStep)
class RunStepAdmin(admin.ModelAdmin):
    list_display = ["run", "kind", "outcome", "detail", "at", "organization"]
    list_filter = ["outcome", "kind", "organization"]
    search_fields = ["detail", "run__automation__name"]
    list_select_related = ["run__automation", "run__client", "organization"]
    readonly_fields = ["organization", "run", "step", "key", "kind", "outcome", "detail", "message_id", "task", "at"]

    def has_add_permission(self, request):
        return False
