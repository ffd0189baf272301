from django.contrib import admin

from .models import Client, IntakeForm, IntakeQuestion, IntakeRequest, IntakeSection, IntakeSubmission


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "organization", "status", "coach", "needs_medical_clearance", "created_at"]
    list_filter = ["status", "needs_medical_clearance", "unit_system", "organization"]
    search_fields = ["first_name", "last_name", "email", "phone", "organization__name"]
    list_select_related = ["organization", "coach"]
    readonly_fields = ["public_id", "created_at", "updated_at"]
    autocomplete_fields = ["organization", "coach", "user"]


class IntakeSectionInline(admin.TabularInline):
    model = IntakeSection
    extra = 0
    fields = ["title", "is_health_screening", "position"]


@admin.register(IntakeForm)
class IntakeFormAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "is_default", "is_public", "is_archived", "updated_at"]
    list_filter = ["is_default", "is_public", "is_archived", "organization"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["public_token", "created_at", "updated_at"]
    inlines = [IntakeSectionInline]


@admin.register(IntakeSection)
class IntakeSectionAdmin(admin.ModelAdmin):
    list_display = ["title", "form", "organization", "is_health_screening", "position"]
    list_filter = ["is_health_screening", "organization"]
    search_fields = ["title", "form__name"]
    list_select_related = ["form", "organization"]


@admin.register(IntakeQuestion)
class IntakeQuestionAdmin(admin.ModelAdmin):
    list_display = ["label", "key", "kind", "required", "form", "section", "position"]
    list_filter = ["kind", "required", "organization"]
    search_fields = ["label", "key", "form__name"]
    list_select_related = ["form", "section"]


@admin.register(IntakeRequest)
class IntakeRequestAdmin(admin.ModelAdmin):
    list_display = ["client", "form", "organization", "created_at", "completed_at", "revoked_at"]
    list_filter = [("completed_at", admin.EmptyFieldListFilter), "organization"]
    search_fields = ["client__email", "client__first_name", "client__last_name", "form__name"]
    list_select_related = ["client", "form", "organization"]
    readonly_fields = ["token", "created_at"]
    raw_id_fields = ["client", "form", "sent_by"]


@admin.register(IntakeSubmission)
class IntakeSubmissionAdmin(admin.ModelAdmin):
    list_display = ["client", "form", "organization", "source", "needs_medical_clearance", "submitted_at"]
    list_filter = ["source", "needs_medical_clearance", "organization"]
    search_fields = ["client__email", "client__first_name", "client__last_name", "form__name"]
    list_select_related = ["client", "form", "organization"]
    raw_id_fields = ["client", "form", "request"]
    date_hierarchy = "submitted_at"
