from django.contrib import admin

from .models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at", "is_alive"]
    search_fields = ["name"]
    list_filter = ["name"]
    readonly_fields = ["name", "seen_at"]

    @admin.display(boolean=True)
    def is_alive(self, obj):
        return obj.is_alive
