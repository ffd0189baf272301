from django.contrib import admin

from .models import BrandSettings, CustomDomain


@admin.register(BrandSettings)
class BrandSettingsAdmin(admin.ModelAdmin):
    list_display = ["organization", "display_name", "primary", "accent", "font", "updated_at"]
    list_filter = ["font"]
    search_fields = ["organization__name", "display_name", "sender_name"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization", "updated_by"]


@admin.register(CustomDomain)
class CustomDomainAdmin(admin.ModelAdmin):
    list_display = ["hostname", "organization", "verified_at", "is_primary", "last_checked_at"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter), "is_primary"]
    search_fields = ["hostname", "organization__name"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization", "created_by"]
