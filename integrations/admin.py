from django.contrib import admin

from .models import CalendarEventLink, ConnectedAccount, ExternalBusyTime


@admin.register(ConnectedAccount)
class ConnectedAccountAdmin(admin.ModelAdmin):
    """Tokens never show here: they are encrypted and excluded from the form."""

    list_display = ["user", "provider", "account_email", "status", "calendar_sync", "last_synced_at", "organization"]
    list_filter = ["provider", "status", "calendar_sync", "organization"]
    search_fields = ["user__email", "account_email"]
    list_select_related = ["user", "organization"]
    exclude = ["access_token", "refresh_token"]
    readonly_fields = ["social_account", "expires_at", "scopes", "last_error", "last_synced_at", "created_at"]
    autocomplete_fields = ["user", "organization"]


@admin.register(CalendarEventLink)
class CalendarEventLinkAdmin(admin.ModelAdmin):
    list_display = ["session", "connection", "external_id", "synced_sequence", "synced_at"]
    list_filter = ["connection__provider", "organization"]
    search_fields = ["external_id"]
    list_select_related = ["session", "session__service", "connection", "connection__user"]
    readonly_fields = ["session", "connection", "external_id", "synced_sequence", "synced_at"]


@admin.register(ExternalBusyTime)
class ExternalBusyTimeAdmin(admin.ModelAdmin):
    list_display = ["coach", "start_at", "end_at", "connection", "organization"]
    list_filter = ["connection__provider", "organization"]
    search_fields = ["coach__email", "external_id"]
    list_select_related = ["coach", "connection__user", "organization"]
    readonly_fields = ["coach", "connection", "external_id", "start_at", "end_at"]
