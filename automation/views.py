"""The coach's alerts page: recent alerts with their links, and which of them come by email."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mecto.forms import ServiceFormView
from mecto.permissions import MemberRequiredMixin

from . import selectors, services
from .forms import AlertPreferencesForm

SHOWN = 50


class AlertPreferencesView(MemberRequiredMixin, ServiceFormView):
    form_class = AlertPreferencesForm
    template_name = "automation/alert_preferences.html"
    success_message = _("Your alert settings are saved.")

    def get_object(self):
        return services.alert_preferences(organization=self.request.tenant.organization, user=self.request.user)

    def get_context_data(self, **kwargs):
        alerts = selectors.coach_alerts(organization=self.request.tenant.organization, user=self.request.user)
        return super().get_context_data(alerts=list(alerts[:SHOWN]), **kwargs)

    def perform(self, form):
        return services.update_alert_preferences(
            organization=self.request.tenant.organization, user=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result):
        return reverse("automation:alert_preferences")
