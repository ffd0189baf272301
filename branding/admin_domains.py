from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mecto.admin_actions import run_each

from . import domains as services
from .models import CustomDomain


class VerifiedFilter(admin.SimpleListFilter):
    title = _("verified")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", _("Verified")), ("no", _("Waiting for DNS"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(verified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(verified_at__isnull=True)
        return queryset


@admin.register(CustomDomain)
class CustomDomainAdmin(admin.ModelAdmin):
    list_display = ["hostname", "organization", "verified_at", "is_primary", "last_checked_at", "check_error"]
    list_filter = [VerifiedFilter, "is_primary", ("last_checked_at", admin.EmptyFieldListFilter)]
    search_fields = ["hostname", "organization__name", "organization__slug"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization", "created_by"]
    date_hierarchy = "created_at"
    # Verification and the primary choice change only through the services (their checks and events).
    readonly_fields = [
        "hostname",
        "verification_token",
        "verified_at",
        "is_primary",
        "last_checked_at",
        "check_error",
        "created_by",
        "created_at",
    ]
    actions = ["check_now"]

    def has_add_permission(self, request):
        return False  # a business adds its domains from its settings, where the rules are checked

    @admin.action(description=_("Check the DNS record now"))
    def check_now(self, request, queryset):
        run_each(
            self,
            request,
            queryset.select_related("organization"),
            lambda domain: services.check_domain(domain=domain, actor=request.user),
            done=lambda n: ngettext("%(n)s domain checked.", "%(n)s domains checked.", n) % {"n": n},
        )

    def delete_model(self, request, obj):
        services.remove_domain(domain=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for domain in queryset:
            services.remove_domain(domain=domain, actor=request.user)
