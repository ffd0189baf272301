from django.contrib import admin

from .models import (
    ApiToken,
    CalendarEventLink,
    ConnectedAccount,
    ExternalBusyTime,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)


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


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Secrets are encrypted and never shown."""

    list_display = ["url", "organization", "enabled", "disabled_reason", "failing_since", "created_at"]
    list_filter = ["enabled", "organization"]
    search_fields = ["url", "description"]
    list_select_related = ["organization"]
    exclude = ["secret", "previous_secret"]
    readonly_fields = ["previous_secret_expires_at", "failing_since", "created_by", "created_at"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event_type", "endpoint", "status", "attempts", "next_attempt_at", "delivered_at", "organization"]
    list_filter = ["status", "organization"]
    search_fields = ["event_type", "message_id", "endpoint__url"]
    list_select_related = ["endpoint", "organization"]
    readonly_fields = ["endpoint", "event", "event_type", "message_id", "payload", "emitted_at", "delivered_at"]


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(admin.ModelAdmin):
    list_display = ["delivery", "response_status", "duration_ms", "error", "created_at", "organization"]
    list_filter = ["response_status", "organization"]
    search_fields = ["delivery__message_id", "error"]
    list_select_related = ["delivery", "organization"]
    readonly_fields = [
        "delivery",
        "request_headers",
        "request_body",
        "response_status",
        "response_body",
        "duration_ms",
        "error",
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Only the lookup prefix shows: the secret is never stored, its hash never displayed."""

    list_display = ["name", "prefix", "organization", "created_by", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["organization", "revoked_at"]
    search_fields = ["name", "prefix", "created_by__email"]
    list_select_related = ["organization", "created_by"]
    exclude = ["secret_hash"]
    readonly_fields = ["prefix", "created_by", "last_used_at", "last_used_ip", "created_at"]
