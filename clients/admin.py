from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from accounts.admin import InvitationAdminBase
from mecto import support
from mecto.localization import format_date

from .models import (
    Client,
    ClientImport,
    ClientTag,
    IntakeForm,
    IntakeQuestion,
    IntakeRequest,
    IntakeSection,
    IntakeSubmission,
    Message,
    Metric,
    MetricTarget,
    Note,
    PortalInvitation,
    ProgressEntry,
    ProgressPhoto,
    SavedClientView,
    StatusChange,
    Tag,
    Thread,
    ThreadRead,
)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    fields = ["changed_at", "from_status", "to_status", "note", "changed_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ClientAdminForm(forms.ModelForm):
    """The service's rules as form errors, so the back office shows them beside the field."""

    class Meta:
        model = Client
        fields = "__all__"  # noqa: DJ007  (the ModelAdmin chooses the fields it shows)

    def clean(self):
        data = super().clean()
        organization = data.get("organization") or getattr(self.instance, "organization", None)
        email = (data.get("email") or "").strip().lower()
        if organization is not None and email:
            taken = Client.objects.for_org(organization).filter(email__iexact=email).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("email", _("A client with the email %(email)s already exists.") % {"email": email})
        coach = data.get("coach")
        if (
            organization is not None
            and coach is not None
            and not coach.memberships.filter(organization=organization, is_active=True).exists()
        ):
            self.add_error("coach", _("Choose a coach from the client's business."))
        return data

    def validate_constraints(self):
        pass  # checked in clean() with messages for people


def can_see_health(request) -> bool:
    """The back office's `clients.health`: staff with the `clients.view_health` permission."""
    return request.user.has_perm("clients.view_health")


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    form = ClientAdminForm
    list_display = [
        "__str__",
        "email",
        "organization",
        "status",
        "coach",
        "source",
        "needs_medical_clearance",
        "is_demo",
        "created_at",
        "support_link",
    ]
    list_filter = [
        "status",
        "is_demo",
        "source",
        "needs_medical_clearance",
        "email_consent",
        "sms_consent",
        "unit_system",
        "organization",
    ]
    search_fields = ["first_name", "last_name", "email", "phone", "organization__name"]
    list_select_related = ["organization", "coach"]
    readonly_fields = [
        "support_link",
        "public_id",
        "created_at",
        "updated_at",
        "status_changed_at",
        "email_consent",
        "email_consent_at",
        "email_consent_method",
        "sms_consent",
        "sms_consent_at",
        "sms_consent_method",
        "consent_proof",
    ]
    autocomplete_fields = ["organization", "coach", "user"]
    inlines = [StatusChangeInline]
    date_hierarchy = "created_at"

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        return exclude if can_see_health(request) else [*exclude, *Client.HEALTH_FIELDS]

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return shown if can_see_health(request) else [f for f in shown if f not in Client.HEALTH_FIELDS]

    def get_list_filter(self, request):
        shown = super().get_list_filter(request)
        return shown if can_see_health(request) else [f for f in shown if f not in Client.HEALTH_FIELDS]

    def get_urls(self):
        return [
            path("<int:pk>/360/", self.admin_site.admin_view(self.support_view), name="clients_client_360"),
            *super().get_urls(),
        ]

    def support_view(self, request, pk):
        """Everything support needs about one client on one page; each app adds its part."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        client = get_object_or_404(Client.objects.select_related("organization", "coach", "user"), pk=pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(client)s: support view") % {"client": client.full_name},
            "opts": self.model._meta,
            "original": client,
            "client": client,
            "sections": support.client_sections(client),
        }
        if not can_see_health(request):
            from .support import health_facts

            hidden = health_facts()
            for section in context["sections"]:
                section.facts = [fact for fact in section.facts if str(fact[0]) not in hidden]
        return TemplateResponse(request, "admin/clients/client/support.html", context)

    @admin.display(description=_("Support view"))
    def support_link(self, obj):
        if obj.pk is None:
            return "-"
        return format_html('<a href="{}">{}</a>', reverse("admin:clients_client_360", args=[obj.pk]), _("360"))

    @admin.display(description=_("Consent history (the proof)"))
    def consent_proof(self, obj):
        from .selectors import consent_history

        if obj.pk is None:
            return "-"
        rows = [
            format_html(
                "<li>{} · {} · {} · {} · {}</li>",
                format_date(localtime(record.recorded_at), "DATETIME_FORMAT"),
                record.get_channel_display(),
                _("given") if record.granted else _("withdrawn"),
                record.address or "-",
                record.method,
            )
            for record in consent_history(client=obj)[:50]
        ]
        return format_html("<ul>{}</ul>", format_html_join("", "{}", ((row,) for row in rows))) if rows else "-"

    def save_model(self, request, obj, form, change):
        """Through the services, so history, checks and events are the same as on the pages."""
        from . import services

        fields = {f: form.cleaned_data[f] for f in form.changed_data if f in services.CLIENT_FIELDS}
        if change:
            services.update_client(client=obj, actor=request.user, **fields)
            if "user" in form.changed_data:
                Client.objects.filter(pk=obj.pk).update(user=obj.user)
        else:
            created = services.create_client(organization=obj.organization, actor=request.user, **fields)
            obj.pk, obj.public_id = created.pk, created.public_id

    def delete_model(self, request, obj):
        """The same erasure as the pages and the API: files, portal login and sessions go too."""
        from . import services

        services.delete_client(client=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        from . import services

        for client in queryset:
            services.delete_client(client=client, actor=request.user)


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["client", "from_status", "to_status", "changed_by", "changed_at", "organization"]
    list_filter = ["to_status", "organization"]
    search_fields = ["client__email", "client__first_name", "client__last_name", "note"]
    list_select_related = ["client", "changed_by", "organization"]
    raw_id_fields = ["client", "changed_by"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "created_at"]
    list_filter = ["organization"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]


@admin.register(ClientTag)
class ClientTagAdmin(admin.ModelAdmin):
    list_display = ["client", "tag", "organization", "created_at"]
    list_filter = ["organization"]
    search_fields = ["client__email", "tag__name"]
    list_select_related = ["client", "tag", "organization"]
    raw_id_fields = ["client", "tag"]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "client", "author", "is_pinned", "created_at", "organization"]
    list_filter = ["is_pinned", "organization"]
    search_fields = ["body", "client__email", "client__first_name", "client__last_name"]
    list_select_related = ["client", "author", "organization"]
    raw_id_fields = ["client", "author"]


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
    readonly_fields = ["created_at"]
    raw_id_fields = ["client", "form", "sent_by"]


@admin.register(IntakeSubmission)
class IntakeSubmissionAdmin(admin.ModelAdmin):
    list_display = ["client", "form", "organization", "source", "review", "needs_medical_clearance", "submitted_at"]
    list_filter = ["source", "review", "needs_medical_clearance", "organization"]
    search_fields = ["client__email", "client__first_name", "client__last_name", "form__name"]
    list_select_related = ["client", "form", "organization"]
    raw_id_fields = ["client", "form", "request", "reviewed_by"]
    date_hierarchy = "submitted_at"

    # Intake answers are the health screening: staff without `clients.view_health` see none.
    def has_module_permission(self, request):
        return can_see_health(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return can_see_health(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return can_see_health(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return can_see_health(request) and super().has_delete_permission(request, obj)


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "organization", "kind", "quantity", "unit", "direction", "is_builtin", "is_active"]
    list_filter = ["kind", "quantity", "direction", "is_builtin", "is_active", "organization"]
    search_fields = ["name", "key", "organization__name"]
    list_select_related = ["organization"]


@admin.register(MetricTarget)
class MetricTargetAdmin(admin.ModelAdmin):
    list_display = ["client", "metric", "value", "organization", "updated_at"]
    list_filter = ["organization"]
    search_fields = ["client__email", "metric__name"]
    list_select_related = ["client", "metric", "organization"]
    raw_id_fields = ["client", "metric"]


@admin.register(ProgressEntry)
class ProgressEntryAdmin(admin.ModelAdmin):
    list_display = ["client", "metric", "recorded_on", "value", "source", "organization"]
    list_filter = ["source", "metric__key", "organization"]
    search_fields = ["client__email", "client__first_name", "client__last_name", "metric__name"]
    list_select_related = ["client", "metric", "organization"]
    raw_id_fields = ["client", "metric", "logged_by"]
    date_hierarchy = "recorded_on"


@admin.register(ProgressPhoto)
class ProgressPhotoAdmin(admin.ModelAdmin):
    list_display = ["client", "pose", "taken_on", "width", "height", "size_bytes", "source", "organization"]
    list_filter = ["pose", "source", "organization"]
    search_fields = ["client__email", "client__first_name", "client__last_name", "note"]
    list_select_related = ["client", "organization"]
    raw_id_fields = ["client", "uploaded_by"]
    readonly_fields = ["public_id", "image", "thumbnail", "width", "height", "size_bytes", "created_at"]
    date_hierarchy = "taken_on"

    def has_add_permission(self, request):
        return False  # photos are uploaded through the checked path (pages or API), never raw


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ["created_at", "from_client", "sender", "body", "attachment_name"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["__str__", "client", "organization", "created_at", "last_message_at"]
    list_filter = ["organization"]
    search_fields = ["subject", "client__email", "client__first_name", "client__last_name"]
    list_select_related = ["client", "organization"]
    raw_id_fields = ["client", "created_by"]
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "client", "from_client", "sender", "attachment_name", "created_at", "organization"]
    list_filter = ["from_client", "organization"]
    search_fields = ["body", "client__email", "sender__email"]
    list_select_related = ["client", "sender", "organization"]
    raw_id_fields = ["thread", "client", "sender"]
    readonly_fields = ["public_id", "attachment", "attachment_name", "attachment_type", "attachment_size", "created_at"]
    date_hierarchy = "created_at"


@admin.register(ThreadRead)
class ThreadReadAdmin(admin.ModelAdmin):
    list_display = ["thread", "user", "last_read_at", "organization"]
    list_filter = ["organization"]
    search_fields = ["user__email", "thread__client__email"]
    list_select_related = ["thread", "user", "organization"]
    raw_id_fields = ["thread", "user"]


@admin.register(ClientImport)
class ClientImportAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "organization",
        "status",
        "total_rows",
        "processed_rows",
        "created_count",
        "error_count",
        "created_at",
    ]
    list_filter = ["status", "organization"]
    search_fields = ["original_name", "organization__name", "created_by__email"]
    list_select_related = ["organization", "created_by"]
    readonly_fields = [
        "file",
        "original_name",
        "headers",
        "mapping",
        "total_rows",
        "processed_rows",
        "created_count",
        "error_count",
        "errors",
        "failure",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    ]
    actions = ["resume"]

    @admin.action(description=_("Run the selected imports again from where they stopped"))
    def resume(self, request, queryset):
        from .tasks import run_client_import

        for client_import in queryset.exclude(status=ClientImport.Status.DONE):
            ClientImport.objects.filter(pk=client_import.pk).update(status=ClientImport.Status.QUEUED, failure="")
            run_client_import.delay(client_import.pk)


@admin.register(PortalInvitation)
class PortalInvitationAdmin(InvitationAdminBase):
    list_display = ["email", "client", "organization", "status", "invited_by", "created_at", "expires_at"]
    search_fields = ["email", "client__first_name", "client__last_name", "organization__name"]
    list_select_related = ["client", "organization", "invited_by"]
    autocomplete_fields = ["organization", "client", "invited_by"]


from . import (  # noqa: E402
    admin_checkins,  # noqa: F401  (check-ins and waivers)
    admin_groups,  # noqa: F401  (saved replies and group threads)
    admin_health,  # noqa: F401  (health data from phones)
    admin_media,  # noqa: F401  (form-check videos)
    admin_privacy,  # noqa: F401  (data exports and erasure)
)


@admin.register(SavedClientView)
class SavedClientViewAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "is_shared", "organization", "created_at"]
    list_filter = ["is_shared", "organization"]
    search_fields = ["name", "owner__email", "organization__name"]
    list_select_related = ["owner", "organization"]
    autocomplete_fields = ["organization", "owner"]
    readonly_fields = ["created_at"]
