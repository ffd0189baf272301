"""The back office of access: what plans grant, and the ledger of grants and withdrawals.

Rows change through the services (the plan's edit page, payments, memberships); here they are
read, and due withdrawals can be applied at once."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .admin import client_link
from .models_access import AccessGrant, PlanAccess, PlanGrant


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PlanAccess)
class PlanAccessAdmin(ReadOnlyAdmin):
    list_display = ["plan", "organization", "withdrawal", "grace_days", "program_start", "program_start_date"]
    list_filter = ["withdrawal", "program_start", "organization"]
    search_fields = ["plan__name", "organization__name"]
    list_select_related = ["plan", "organization"]


@admin.register(PlanGrant)
class PlanGrantAdmin(ReadOnlyAdmin):
    list_display = ["plan", "kind", "label", "target_id", "organization"]
    list_filter = ["kind", "organization"]
    search_fields = ["plan__name", "label", "target_id"]
    list_select_related = ["plan", "organization"]


@admin.action(description=_("Apply withdrawals that are due now"))
def apply_due(modeladmin, request, queryset):
    done = services.apply_due_withdrawals()
    modeladmin.message_user(request, ngettext("%(n)s grant withdrawn.", "%(n)s grants withdrawn.", done) % {"n": done})


@admin.register(AccessGrant)
class AccessGrantAdmin(ReadOnlyAdmin):
    list_display = [
        client_link,
        "plan",
        "kind",
        "label",
        "source",
        "granted_at",
        "grant_reason",
        "revoke_after",
        "revoked_at",
        "revoke_reason",
    ]
    list_filter = [
        "kind",
        "source",
        "grant_reason",
        "revoke_reason",
        ("revoked_at", admin.EmptyFieldListFilter),
        "organization",
    ]
    search_fields = ["client__first_name", "client__last_name", "client__email", "plan__name", "label", "source_key"]
    list_select_related = ["client", "plan", "organization"]
    date_hierarchy = "granted_at"
    actions = [apply_due]
