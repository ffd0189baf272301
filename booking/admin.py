from django.contrib import admin

from .models import CreditEntry, CreditGrant


class CreditEntryInline(admin.TabularInline):
    model = CreditEntry
    extra = 0
    fields = ["kind", "delta", "reference", "note", "actor", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(CreditGrant)
class CreditGrantAdmin(admin.ModelAdmin):
    list_display = ["client", "organization", "quantity", "expires_at", "source_ref", "created_at"]
    list_filter = ["organization", ("expires_at", admin.EmptyFieldListFilter)]
    search_fields = ["client__first_name", "client__last_name", "client__email", "source_ref", "reason"]
    list_select_related = ["client", "organization"]
    autocomplete_fields = ["client", "granted_by"]
    inlines = [CreditEntryInline]


@admin.register(CreditEntry)
class CreditEntryAdmin(admin.ModelAdmin):
    list_display = ["client", "kind", "delta", "reference", "grant", "created_at"]
    list_filter = ["kind", "organization"]
    search_fields = ["client__email", "reference", "idempotency_key"]
    list_select_related = ["client", "grant"]
    readonly_fields = ["grant", "client", "kind", "delta", "reference", "idempotency_key", "actor", "created_at"]
