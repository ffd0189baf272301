"""The message log in the back office: every email, SMS and push with its status, the texts
people sent us, the devices that take notifications, and the suppression and consent lists
that decide what may be sent."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Consent, InboundMessage, OutboundMessage, PushSubscription, Suppression
from .outbox import enqueue


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "organization",
        "channel",
        "topic",
        "to_address",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "provider",
    ]
    list_filter = ["status", "channel", "category", "topic", "provider", "organization"]
    search_fields = ["to_address", "subject", "idempotency_key", "provider_id", "organization__name"]
    list_select_related = ["organization"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Queue the selected failed or suppressed messages again"))
    def send_again(self, request, queryset):
        """A person decided (the bounce was fixed, the number is right now): queue again;
        the consent check still runs before the send."""
        retryable = [OutboundMessage.Status.FAILED, OutboundMessage.Status.SUPPRESSED]
        ids = list(queryset.filter(status__in=retryable).values_list("pk", flat=True))
        now = timezone.now()
        OutboundMessage.objects.filter(pk__in=ids).update(
            status=OutboundMessage.Status.QUEUED, send_after=now, provider_called_at=None, attempts=0, updated_at=now
        )
        for message_id in ids:
            enqueue(message_id)
        skipped = queryset.count() - len(ids)
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", len(ids))
            % {"count": len(ids)},
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message was not failed or suppressed and was left alone.",
                    "%(count)d messages were not failed or suppressed and were left alone.",
                    skipped,
                )
                % {"count": skipped},
                level=messages.WARNING,
            )


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["address", "channel", "reason", "topic", "organization", "source", "created_at"]
    list_filter = ["reason", "channel", "organization"]
    search_fields = ["address", "topic", "source", "organization__name"]
    list_select_related = ["organization"]
    date_hierarchy = "created_at"


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["address", "channel", "granted", "method", "organization", "recorded_by", "recorded_at"]
    list_filter = ["granted", "channel", "organization"]
    search_fields = ["address", "method", "organization__name", "recorded_by__email"]
    list_select_related = ["organization", "recorded_by"]
    readonly_fields = [f.name for f in Consent._meta.fields]
    date_hierarchy = "recorded_at"

    def has_add_permission(self, request):
        return False  # consent is recorded where it is given (intake, client page, preference link)


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "from_address", "to_address", "organization", "action", "short_body"]
    list_filter = ["action", "channel", "organization"]
    search_fields = ["from_address", "to_address", "body", "provider_id", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = [f.name for f in InboundMessage._meta.fields]
    date_hierarchy = "received_at"

    def has_add_permission(self, request):
        return False  # written by the provider's signed webhook only

    @admin.display(description=_("text"))
    def short_body(self, obj):
        return obj.body if len(obj.body) <= 60 else f"{obj.body[:59]}…"


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    """Read only: a device is added by its browser and removed by its person (or its push
    service); deleting one here turns notifications off on that device."""

    list_display = ["user", "user_agent", "push_service", "organization", "created_at", "last_used_at", "failure_count"]
    list_filter = ["organization", "created_at", "last_used_at"]
    search_fields = ["user__email", "user_agent", "endpoint", "organization__name", "public_id"]
    list_select_related = ["user", "organization"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in PushSubscription._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("push service"))
    def push_service(self, obj):
        return obj.push_service
