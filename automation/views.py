"""The coach's alerts: the list (read, dismiss) and which of them come by email."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View

from mecto.forms import ServiceFormView
from mecto.permissions import MemberRequiredMixin

from . import selectors, services
from .forms import AlertPreferencesForm

SHOWN = 10
PAGE_SIZE = 30
UNREAD, ALL = "unread", "all"


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


class AlertListView(MemberRequiredMixin, View):
    """The signed-in coach's alerts, newest first; `?show=unread` keeps the unread ones."""

    def get(self, request):
        show = UNREAD if request.GET.get("show") == UNREAD else ALL
        alerts = selectors.coach_alerts(
            organization=request.tenant.organization, user=request.user, unread=show == UNREAD
        )
        page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "automation/alert_list.html",
            {"page": page, "alerts": page.object_list, "show": show, "unread_count": request_unread_count(request)},
        )


def once_per_request(request, name: str, compute):
    """`compute()` the first time a request asks for `name`; the nav, cards and pages share it."""
    cache = request.__dict__.setdefault("_automation_counts", {})
    if name not in cache:
        cache[name] = compute()
    return cache[name]


def request_unread_count(request) -> int:
    """The coach's unread alerts, counted once per request."""
    return once_per_request(
        request,
        "unread_alerts",
        lambda: selectors.unread_alert_count(organization=request.tenant.organization, user=request.user),
    )


def back_to(request, default: str):
    """Back to the list as it was (filter and page, from the form's `next`), never to another host."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


class AlertActionView(MemberRequiredMixin, View):
    """POST /alerts/<pk>/read/ or /dismiss/: only one's own alerts (another's is a 404)."""

    action = ""

    def post(self, request, pk):
        alert = get_object_or_404(
            selectors.coach_alerts(organization=request.tenant.organization, user=request.user), pk=pk
        )
        if self.action == "dismiss":
            services.dismiss_alert(alert=alert, user=request.user)
            messages.success(request, _("Alert dismissed."))
        else:
            services.mark_alert_read(alert=alert, user=request.user)
        return back_to(request, "automation:alerts")


class AlertReadAllView(MemberRequiredMixin, View):
    def post(self, request):
        count = services.mark_all_alerts_read(organization=request.tenant.organization, user=request.user)
        if count:
            messages.success(
                request,
                ngettext("%(count)d alert marked read.", "%(count)d alerts marked read.", count) % {"count": count},
            )
        return back_to(request, "automation:alerts")
