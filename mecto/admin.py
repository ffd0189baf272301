from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Event, EventDelivery, Heartbeat, OnboardingChecklist


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at", "is_alive"]
    search_fields = ["name"]
    list_filter = ["name"]
    readonly_fields = ["name", "seen_at"]

    @admin.display(boolean=True)
    def is_alive(self, obj):
        return obj.is_alive


class DeliveryInline(admin.TabularInline):
    model = EventDelivery
    extra = 0
    readonly_fields = ["handler", "delivered_at"]
    can_delete = False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "client_id", "actor", "created_at", "dispatched_at", "attempts"]
    list_filter = ["name", ("dispatched_at", admin.EmptyFieldListFilter), "organization"]
    search_fields = ["name", "organization__name", "actor__email"]
    list_select_related = ["organization", "actor"]
    readonly_fields = [f.name for f in Event._meta.fields]
    inlines = [DeliveryInline]
    date_hierarchy = "created_at"
    actions = ["redispatch"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Hand the selected events to their handlers again (each handler still once)"))
    def redispatch(self, request, queryset):
        from .events import dispatch

        for event in queryset:
            dispatch(event.pk)
        self.message_user(request, _("Dispatched."))


@admin.register(EventDelivery)
class EventDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "handler", "delivered_at"]
    list_filter = ["handler"]
    search_fields = ["handler", "event__name"]
    list_select_related = ["event"]
    readonly_fields = ["event", "handler", "delivered_at"]


@admin.register(OnboardingChecklist)
class OnboardingChecklistAdmin(admin.ModelAdmin):
    """Whether a business put its setup checklist away (the steps are computed, never stored)."""

    list_display = ["organization", "dismissed_at", "dismissed_by"]
    list_filter = [("dismissed_at", admin.EmptyFieldListFilter)]
    search_fields = ["organization__name"]
    list_select_related = ["organization", "dismissed_by"]
    autocomplete_fields = ["organization", "dismissed_by"]


from .comms import admin as comms_admin  # noqa: E402, F401  (the message log)
