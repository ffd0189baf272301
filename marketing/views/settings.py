"""The sending settings page: every member who runs marketing sees it; only those who may
manage the business change it (others see it read-only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from mecto.permissions import MemberRequiredMixin

from ..forms_settings import SendingSettingsForm
from ..services import settings as services

CAPABILITY = "marketing.manage"
CHANGE_CAPABILITY = "org.manage"


class SendingSettingsView(MemberRequiredMixin, View):
    required_capability = CAPABILITY

    def _render(self, request, form, can_change):
        if not can_change:
            for field in form.fields.values():
                field.disabled = True
        return render(request, "marketing/settings.html", {"tab": "settings", "form": form, "can_change": can_change})

    def get(self, request):
        row = services.sending_settings(organization=request.tenant.organization)
        can_change = request.tenant.can(CHANGE_CAPABILITY)
        return self._render(request, SendingSettingsForm(instance=row), can_change)

    def post(self, request):
        if not request.tenant.can(CHANGE_CAPABILITY):
            raise PermissionDenied
        organization = request.tenant.organization
        row = services.sending_settings(organization=organization)
        form = SendingSettingsForm(request.POST, instance=row)
        if not form.is_valid():
            return self._render(request, form, True)
        services.update_sending_settings(organization=organization, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Sending settings saved."))
        return redirect("marketing:settings")
