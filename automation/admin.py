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
