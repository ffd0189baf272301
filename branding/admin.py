from django.contrib import admin

from .admin_domains import CustomDomainAdmin  # noqa: F401  (custom domains' back office)
from .models import BrandSettings


@admin.register(BrandSettings)
class BrandSettingsAdmin(admin.ModelAdmin):
    list_display = ["organization", "display_name", "primary", "accent", "font", "updated_at"]
    list_filter = ["font"]
    search_fields = ["organization__name", "display_name", "sender_name"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization", "updated_by"]
