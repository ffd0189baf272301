from django.contrib import admin

from .models import Client


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "organization", "status", "coach", "created_at"]
    list_filter = ["status", "unit_system", "organization"]
    search_fields = ["first_name", "last_name", "email", "phone", "organization__name"]
    list_select_related = ["organization", "coach"]
    readonly_fields = ["public_id", "created_at", "updated_at"]
    autocomplete_fields = ["organization", "coach", "user"]
