"""Back office for health data from clients' phones (imported by `clients.admin`). Rows arrive
through the API's service, which keeps the daily figures in step with the samples, so they
are read here, never typed or edited."""

from django.contrib import admin

from .models import HealthDay, HealthSample


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HealthSample)
class HealthSampleAdmin(_ReadOnly):
    list_display = ["client", "kind", "value", "unit", "stage", "start_at", "source", "device", "organization"]
    list_filter = ["kind", "stage", "source", "organization"]
    search_fields = ["external_id", "client__email", "client__first_name", "client__last_name", "device"]
    list_select_related = ["client", "organization"]
    raw_id_fields = ["client"]
    date_hierarchy = "start_at"


@admin.register(HealthDay)
class HealthDayAdmin(_ReadOnly):
    list_display = ["client", "kind", "day", "value", "minimum", "maximum", "sample_count", "organization"]
    list_filter = ["kind", "organization"]
    search_fields = ["client__email", "client__first_name", "client__last_name"]
    list_select_related = ["client", "organization"]
    raw_id_fields = ["client"]
    date_hierarchy = "day"
