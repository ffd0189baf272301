from django.contrib import admin

from .models import Campaign, MessageTemplate, Segment


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
    list_display = ["name", "match", "organization", "updated_at"]
    list_filter = ["match", "organization"]
    search_fields = ["name", "description", "organization__name"]
    list_select_related = ["organization"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "segment", "scheduled_at", "started_at", "finished_at", "organization"]
    list_filter = ["status", "organization"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization", "segment"]
