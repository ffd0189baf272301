"""Back office for the client's data rights (imported by `clients.admin`): exports,
erasure requests and the audit of erasures. Rows are made by the services (the portal, the
coach's page, the API, or the actions here), never typed in."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mecto.admin_actions import run_each

from . import services
from .models import DataExport, ErasureAudit, ErasureRequest


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DataExport)
class DataExportAdmin(_ReadOnly):
    list_display = [
        "public_id",
        "client",
        "organization",
        "status",
        "progress",
        "by_client",
        "created_at",
        "expires_at",
    ]
    list_filter = ["status", "by_client", "organization"]
    search_fields = ["public_id", "client__first_name", "client__last_name", "client__email"]
    list_select_related = ["client", "organization"]
    date_hierarchy = "created_at"
    actions = ["build_now"]

    @admin.action(description=_("Build export now"))
    def build_now(self, request, queryset):
        def build(export):
            if export.status not in (DataExport.Status.QUEUED, DataExport.Status.FAILED):
                raise services.PrivacyError(_("Only a queued or failed export can be built."))
            services.build_export(export_id=export.pk)

        run_each(
            self,
            request,
            queryset,
            build,
            done=lambda n: ngettext("%(n)s export built.", "%(n)s exports built.", n) % {"n": n},
        )


@admin.register(ErasureRequest)
class ErasureRequestAdmin(_ReadOnly):
    list_display = ["public_id", "client", "organization", "status", "by_client", "requested_at", "grace_until"]
    list_filter = ["status", "by_client", "organization"]
    search_fields = ["public_id", "client__first_name", "client__last_name", "client__email"]
    list_select_related = ["client", "organization"]
    date_hierarchy = "requested_at"
    actions = ["run_now", "cancel"]

    @admin.action(description=_("Run erasure now (due requests)"))
    def run_now(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda erasure: services.run_erasure(erasure=erasure, actor=request.user),
            done=lambda n: ngettext("%(n)s client erased.", "%(n)s clients erased.", n) % {"n": n},
        )

    @admin.action(description=_("Cancel erasure"))
    def cancel(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda erasure: services.cancel_erasure(erasure=erasure, actor=request.user),
            done=lambda n: ngettext("%(n)s erasure cancelled.", "%(n)s erasures cancelled.", n) % {"n": n},
        )


@admin.register(ErasureAudit)
class ErasureAuditAdmin(_ReadOnly):
    list_display = ["client_reference", "organization", "by_client", "requested_by", "requested_at", "erased_at"]
    list_filter = ["by_client", "organization"]
    search_fields = ["client_reference"]
    list_select_related = ["organization", "requested_by"]
    date_hierarchy = "erased_at"

    def has_delete_permission(self, request, obj=None):
        return False
