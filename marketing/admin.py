from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Campaign, CampaignRecipient, MessageTemplate, Segment


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "channel", "subject", "organization", "created_by", "updated_at", "archived_at"]
    list_filter = ["channel", ("archived_at", admin.EmptyFieldListFilter), "organization"]
    search_fields = ["name", "subject", "preheader", "sms_body", "organization__name"]
    list_select_related = ["organization", "created_by"]
    raw_id_fields = ["organization", "created_by"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "updated_at"


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "match", "rules_summary", "organization", "updated_at"]
    list_filter = ["match", "organization"]
    search_fields = ["name", "description", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["rules_summary", "created_at", "updated_at"]

    @admin.display(description=_("rules"))
    def rules_summary(self, segment) -> str:
        from .segments import describe

        return describe(segment.rules) or _("Every client")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "segment", "scheduled_at", "started_at", "finished_at", "organization"]
    list_filter = ["status", "organization"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization", "segment"]


@admin.register(CampaignRecipient)
class CampaignRecipientAdmin(admin.ModelAdmin):
    list_display = ["campaign", "client", "channel", "status", "queued_at", "opened_at", "clicked_at", "organization"]
    list_filter = ["status", "channel", "organization"]
    search_fields = ["campaign__name", "client__first_name", "client__last_name", "client__email"]
    list_select_related = ["campaign", "client", "organization"]
    raw_id_fields = ["campaign", "client", "message"]


from .models import SendingSettings, UnsubscribeToken  # noqa: E402


@admin.register(SendingSettings)
class SendingSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "organization",
        "quiet_start",
        "quiet_end",
        "email_cap",
        "sms_cap",
        "reply_to",
        "rate_per_minute",
        "pause_failure_percent",
        "updated_at",
    ]
    list_filter = ["email_cap", "sms_cap", "pause_failure_percent"]
    search_fields = ["organization__name", "reply_to"]
    list_select_related = ["organization"]


@admin.register(UnsubscribeToken)
class UnsubscribeTokenAdmin(admin.ModelAdmin):
    """Revoke a link by setting its revoked time; the next marketing email carries a new one."""

    list_display = ["address", "channel", "client", "organization", "created_at", "used_at", "revoked_at"]
    list_filter = ["channel", "organization"]
    search_fields = ["address", "organization__name", "client__first_name", "client__last_name"]
    list_select_related = ["organization", "client"]
    readonly_fields = ["token", "created_at", "used_at"]


from .models import ConsentWording, OptInRequest  # noqa: E402


@admin.register(ConsentWording)
class ConsentWordingAdmin(admin.ModelAdmin):
    """A changed text is saved as a new version: the versions people saw are never edited."""

    list_display = ["organization", "version", "text", "created_at", "created_by"]
    list_filter = ["organization"]
    search_fields = ["text", "organization__name"]
    list_select_related = ["organization", "created_by"]
    raw_id_fields = ["organization"]
    fields = ["organization", "text", "version", "created_at", "created_by"]
    readonly_fields = ["version", "created_at", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        return ["organization", "text", *self.readonly_fields] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        from .services.optin import change_wording

        if change:
            return
        saved = change_wording(organization=obj.organization, text=obj.text, actor=request.user)
        obj.pk, obj.version, obj.created_at, obj.created_by = (
            saved.pk,
            saved.version,
            saved.created_at,
            saved.created_by,
        )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OptInRequest)
class OptInRequestAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "client",
        "source",
        "created_at",
        "send_count",
        "expires_at",
        "confirmed_at",
        "organization",
    ]
    list_filter = ["source", ("confirmed_at", admin.EmptyFieldListFilter), "organization"]
    search_fields = ["email", "client__first_name", "client__last_name", "organization__name", "wording_text"]
    list_select_related = ["client", "organization"]
    raw_id_fields = ["organization", "client", "wording", "consent"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "token_hash",
        "wording",
        "wording_text",
        "source",
        "created_at",
        "last_sent_at",
        "send_count",
        "confirmed_at",
        "confirmed_ip",
        "confirmed_user_agent",
        "consent",
    ]

    def has_add_permission(self, request):
        return False
