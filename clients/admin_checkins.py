"""Back office for check-ins and waivers (imported by `clients.admin`). Signatures and
published versions are proof: they are shown, never edited here."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import (
    CheckIn,
    CheckInForm,
    CheckInQuestion,
    CheckInSchedule,
    WaiverDocument,
    WaiverSignature,
    WaiverVersion,
)


class CheckInQuestionInline(admin.TabularInline):
    model = CheckInQuestion
    extra = 0
    fields = ["position", "key", "label", "kind", "metric", "pose", "required"]
    readonly_fields = ["key"]
    raw_id_fields = ["metric"]


@admin.register(CheckInForm)
class CheckInFormAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "grace_hours", "is_archived", "created_at"]
    list_filter = ["is_archived", "organization"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]
    inlines = [CheckInQuestionInline]


@admin.register(CheckInQuestion)
class CheckInQuestionAdmin(admin.ModelAdmin):
    list_display = ["label", "form", "kind", "metric", "pose", "required", "position", "organization"]
    list_filter = ["kind", "required", "organization"]
    search_fields = ["label", "key", "form__name"]
    list_select_related = ["form", "metric", "organization"]
    raw_id_fields = ["form", "metric"]


@admin.register(CheckInSchedule)
class CheckInScheduleAdmin(admin.ModelAdmin):
    list_display = ["client", "form", "frequency", "weekday", "day_of_month", "local_time", "is_active", "next_due_at"]
    list_filter = ["frequency", "is_active", "organization"]
    search_fields = ["client__email", "client__first_name", "client__last_name", "form__name"]
    list_select_related = ["client", "form"]
    raw_id_fields = ["client", "form", "created_by"]
    readonly_fields = ["next_due_at", "created_at", "updated_at"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["client", "form", "status", "due_at", "overdue_at", "missed_at", "submitted_at", "reviewed_at"]
    list_filter = ["status", ("missed_at", admin.EmptyFieldListFilter), "organization"]
    search_fields = ["client__email", "client__first_name", "client__last_name", "form__name"]
    list_select_related = ["client", "form"]
    raw_id_fields = ["client", "form", "schedule", "reviewed_by", "reply", "photos"]
    readonly_fields = [
        "public_id",
        "answers",
        "questions",
        "metric_values",
        "submission_key",
        "submitted_at",
        "missed_at",
        "reviewed_at",
        "created_at",
    ]
    date_hierarchy = "due_at"

    def has_add_permission(self, request):
        return False  # opened by the schedule, submitted through the checked path


class WaiverVersionInline(admin.TabularInline):
    model = WaiverVersion
    extra = 0
    fields = ["version", "title", "published_at", "text_hash"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WaiverDocument)
class WaiverDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "organization", "required_for_booking", "is_archived", "created_at"]
    list_filter = ["kind", "required_for_booking", "is_archived", "organization"]
    search_fields = ["title", "organization__name"]
    list_select_related = ["organization"]
    inlines = [WaiverVersionInline]


@admin.register(WaiverVersion)
class WaiverVersionAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "document", "organization", "published_at"]
    list_filter = [("published_at", admin.EmptyFieldListFilter), "organization"]
    search_fields = ["title", "body", "document__title"]
    list_select_related = ["document", "organization"]
    readonly_fields = ["document", "version", "title", "body", "text_hash", "published_at", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False  # a new version is published from the business's Waivers page

    def has_change_permission(self, request, obj=None):
        return False  # a published text is proof of what was signed


@admin.register(WaiverSignature)
class WaiverSignatureAdmin(admin.ModelAdmin):
    list_display = ["client", "document", "version_number", "method", "source", "signed_at", "ip_address"]
    list_filter = ["method", "source", "document__kind", "organization"]
    search_fields = ["client__email", "client__first_name", "client__last_name", "typed_name", "document__title"]
    list_select_related = ["client", "document"]
    readonly_fields = [
        "client",
        "document",
        "version",
        "version_number",
        "text_hash",
        "method",
        "typed_name",
        "drawing",
        "source",
        "ip_address",
        "user_agent",
        "signed_at",
        "signed_by",
    ]
    exclude = ["drawn_signature"]
    date_hierarchy = "signed_at"

    @admin.display(description=_("drawn signature"))
    def drawing(self, obj):
        if not obj.drawn_signature:
            return "-"
        return format_html('<img src="data:image/png;base64,{}" alt="" style="max-width:300px">', obj.drawn_signature)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
